"""Back in stock: each shopper waiting for a product that is available again gets one message.

Stock comes back in many ways (an admin's /stock or /edit, a catalog import, a cancelled or
expired order giving its units back), so instead of each of them remembering to tell, a job
looks every few seconds for waiting shoppers whose product is on sale with units available.
Each subscription is taken by one conditional UPDATE before its message goes out (two
workers never take the same one), the message is a bulk send through the notifier (paced
at BROADCAST_RATE together with every other bulk send), and the subscription is dropped
once sent, so nobody hears twice. A shopper who blocked the bot is marked so, and their
subscription goes too.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from bot import i18n
from bot.notifier import Sent
from bot.services import bundles
from bot.shop import Shop
from bot.store.models import utcnow, variant_title
from bot.texts import restock as texts

log = logging.getLogger(__name__)

BATCH = 100
TAKEN_FOR = timedelta(minutes=10)
"""How long a worker may take to tell what it took before another may take it again (bulk
sends can queue behind a broadcast; a crash leaves them for another worker after this)."""


async def tell_waiting_shoppers(shop: Shop) -> int:
    """Job: tell every shopper whose product is back; how many messages went out."""
    told = 0
    while True:
        claim, now = secrets.token_hex(8), utcnow()
        async with shop.store.uow() as uow:
            sets = await bundles.sets_in_stock(uow)  # a set is back when its parts make one
            taken = await uow.restock.take_back_in_stock(
                claim, now=now, until=now + TAKEN_FOR, limit=BATCH, sets=sets
            )
        if not taken:
            return told
        for waiting in taken:
            if waiting.shut_out:  # blocked by the shop: her wait ends untold
                async with shop.store.uow() as uow:
                    await uow.restock.drop(waiting.subscription_id, claim)
                continue
            sent = await shop.notifier.send(
                waiting.telegram_id,
                texts.back_in_stock(
                    i18n.translator(
                        i18n.choose(
                            waiting.language, waiting.language_code, shop.settings.default_language
                        )
                    ),
                    waiting,
                ),
            )
            async with shop.store.uow() as uow:
                await uow.restock.drop(waiting.subscription_id, claim)
                if sent.outcome is Sent.BLOCKED:
                    await uow.customers.mark_blocked(waiting.telegram_id)
            if sent.outcome is Sent.SENT:
                told += 1
            else:
                log.info(
                    "back-in-stock notice for %s to %s: %s",
                    variant_title(waiting.title, waiting.variant_label),
                    waiting.telegram_id,
                    sent.outcome.value,
                )
