"""Digital goods into the chat: after a payment, after an approval, and again from /orders.

Delivery never decides whether a payment stands: a send that fails (the shopper blocked the
bot, a file went missing) is logged, the admins get one alert for the order naming what did
not go out, and the order stays paid; /orders offers it again.
"""

from __future__ import annotations

import logging

from bot import notices
from bot.i18n import Translator
from bot.services import downloads, referrals
from bot.services.downloads import DeliveryPlan, Download
from bot.shop import Shop
from bot.usecases.referrals import tell_inviter

log = logging.getLogger(__name__)


async def plan(shop: Shop, order_id: int) -> DeliveryPlan:
    """What a just-paid order has to send (gift codes minted now); empty if nothing."""
    async with shop.store.uow() as uow:
        return await downloads.plan_delivery(uow, order_id, shop.settings.catalog_path)


async def deliver(shop: Shop, chat_id: int, plan: DeliveryPlan, tr: Translator) -> bool:
    """Send every download of a paid order, worded by `tr` (the shopper's, also when an admin's
    approval sends them); a fully digital order that got all of them is delivered. True if
    everything was sent; otherwise the admins hear once which items failed."""
    failed = [item for item in plan.downloads if not await send(shop, chat_id, item, tr)]
    if failed:
        log.warning(
            "order %s: %d of %d downloads failed", plan.order_id, len(failed), len(plan.downloads)
        )
        await shop.alert_admins(
            lambda admin: notices.failed_delivery(
                admin, plan.order_id, [item.name(admin) for item in failed]
            )
        )
        return False
    if plan.completes_order:
        async with shop.store.uow() as uow:
            order = await downloads.mark_delivered(uow, plan.order_id)
            reward = await referrals.reward_delivered(uow, shop.settings, order) if order else None
        await tell_inviter(shop, reward)
    return True


async def find(shop: Shop, telegram_id: int, order_id: int, line_id: int) -> Download:
    """A download the shopper asked for again; DownloadUnavailable if it is not theirs to get."""
    async with shop.store.uow() as uow:
        return await downloads.find_download(
            uow, telegram_id, order_id, line_id, shop.settings.catalog_path
        )


async def send(shop: Shop, chat_id: int, item: Download, tr: Translator) -> bool:
    """Send one download, and keep (or forget) the file_id Telegram told us about."""
    sent = await shop.notifier.send_download(chat_id, item, tr)
    if sent.file_id is not None or sent.stale_file_id:
        async with shop.store.uow() as uow:
            await downloads.remember_file_id(uow, item.product_id, sent.file_id)
    return sent.ok
