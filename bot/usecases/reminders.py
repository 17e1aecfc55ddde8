"""Cart reminders: one friendly message about a cart left alone for CART_REMINDER_HOURS.

Who gets one is decided in one query (CartRepository.due_for_reminder): items in the cart,
last changed by the shopper before the cutoff, not reminded of since that change, reminders
on, not blocked, no invoice being paid and nothing paid since the change. Each cart is then
claimed by a conditional UPDATE that sets `reminded_for` to the change it reminds of (of
several workers exactly one wins), and only then is the reminder sent, a bulk send through
the notifier: a crash after the claim loses that reminder rather than sending it twice. A
change to the cart makes it due again after another CART_REMINDER_HOURS.

The reminder shows the cart as checkout would sell it now (CartView.buyable: no hidden or
sold-out lines, quantities down to what is left, today's prices, the true total), with the
cart's promo code as the cart itself shows it (checkout.cart_promo): its discount line, and
its Checkout button saying what the goods come to after it. A cart with nothing buyable gets
none, yet stays claimed: its change counts as reminded of, so it is not picked again on
every run; stock coming back is the back-in-stock notice's business.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from bot.notifier import Sent
from bot.services.cart import cart_view, with_sets_stock
from bot.services.checkout import cart_promo
from bot.shop import Shop
from bot.store.models import utcnow
from bot.texts import reminders as texts

log = logging.getLogger(__name__)


async def send_due(shop: Shop, *, now: datetime | None = None) -> int:
    """Job: remind every cart that is due (see the module docstring); how many were sent."""
    hours = shop.settings.cart_reminder_hours
    if hours <= 0:
        return 0
    async with shop.store.reading() as uow:
        if await uow.sales.pause() is not None:
            return 0  # no "complete your order" while sales are paused (/pause)
    now = now or utcnow()
    cutoff = now - timedelta(hours=hours)
    sent = 0
    while True:
        async with shop.store.reading() as uow:
            due = await uow.carts.due_for_reminder(cutoff)
        if not due:
            return sent
        for cart_id in due:
            async with shop.store.uow() as uow:
                if not await uow.carts.claim_reminder(cart_id, cutoff):
                    continue  # another worker reminded it, or the shopper changed it since
                cart = await uow.carts.get(cart_id)
                if cart is None:
                    continue
                customer = await uow.customers.get_by_id(cart.customer_id)
                seen = cart_view(cart, shop.settings.currency)
                view = (await with_sets_stock(uow, cart, seen)).buyable()
                promo = await cart_promo(uow, cart.customer_id, view, view.currency)
            if customer is None or view.is_empty:
                continue  # nothing in it can be bought: this change stays reminded of
            outcome = await shop.tell_shopper(
                customer.telegram_id,
                customer.language,
                customer.language_code,
                partial(texts.reminder, cart=view, promo=promo),
            )
            if outcome is Sent.SENT:
                sent += 1
                continue
            log.info("cart reminder to %s: %s", customer.telegram_id, outcome.value)
