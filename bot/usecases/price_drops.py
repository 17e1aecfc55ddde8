"""Price drops: each shopper who saved a product hears once when it gets cheaper.

A price drops in many ways (an admin's /price or /edit, a catalog import, a sale with a
compare-at price), so instead of each of them remembering to tell, a job looks every few
seconds for saved products priced below what their shopper last saw. Each such drop is
taken by one conditional UPDATE that moves her remembered price down to today's before the
message goes out: two workers never take the same drop, a crash after it loses the message
rather than sending it twice, and a price that rises and falls back to a level told already
is not told again. The messages are bulk sends through the notifier (paced at
BROADCAST_RATE). A drop of a product hidden or sold out, or for a shopper who turned the
alerts off or blocked the bot, is taken without a message and never told later.
"""

from __future__ import annotations

import logging
from functools import partial

from bot.notifier import Sent
from bot.services import bundles
from bot.shop import Shop
from bot.texts import price_drops as texts

log = logging.getLogger(__name__)

BATCH = 100


async def tell_price_drops(shop: Shop) -> int:
    """Job: tell every shopper whose saved product got cheaper; how many messages went out."""
    told = 0
    while True:
        async with shop.store.uow() as uow:
            sets = await bundles.sets_in_stock(uow)  # a set is in stock when its parts make one
            taken, drops = await uow.favourites.take_price_drops(limit=BATCH, sets=sets)
        if not taken:
            return told
        for drop in drops:
            outcome = await shop.tell_shopper(
                drop.telegram_id,
                drop.language,
                drop.language_code,
                partial(texts.price_dropped, drop=drop),
            )
            if outcome is Sent.SENT:
                told += 1
            else:
                log.info(
                    "price-drop notice for %s to %s: %s",
                    drop.title,
                    drop.telegram_id,
                    outcome.value,
                )
