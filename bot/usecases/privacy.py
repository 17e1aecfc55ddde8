"""/privacy: a shopper reads what the shop keeps about her (📦 My data, one JSON document)
and has it deleted (🗑 Delete my data).

Her export is read in one snapshot, so it is one moment's truth. Deleting is one
transaction: an invoice still open is cancelled first by the rule /cancel uses (its held stock
goes back), while an order paid and not yet delivered refuses it (shipping needs her address).
Orders and payments stay for the shop's accounts, without her name or address; everything
else about her goes (the updates of her chat the inbox keeps are left without their bodies),
and the audit log says so (`customer.forget`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot.gift_card_alerts import alert_holds_not_back
from bot.i18n import N_, translator, worded
from bot.services.checkout import ReleasedHold, release_open_holds
from bot.services.pickup import chosen_place, is_pickup
from bot.shop import Shop
from bot.store.handling import being_handled
from bot.store.models import Order, OrderLine, utcnow
from bot.store.order_states import OrderStatus
from bot.store.repositories.customers import still_forgotten
from bot.store.repositories.privacy import PrivacyRepository
from bot.tax import file_rate

# Orders that still need her address: paid and not yet delivered (or cancelled).
ON_ITS_WAY = [OrderStatus.PAID, OrderStatus.SHIPPED]
SHOP = "shop"  # who an admin is in her export: the shop, not a person's id


def actor_of(telegram_id: int) -> str:
    """Her, as the audit log and an order's history name a shopper."""
    return f"customer:{telegram_id}"


@dataclass(frozen=True)
class Forgetting:
    """What "🗑 Yes, delete" did: `done` (now), `already` (an earlier press did it),
    `unknown` (the shop never kept anything of hers), or refused for `on_its_way`, her order
    still to be delivered. `released`: the invoices it cancelled."""

    done: bool = False
    already: bool = False
    unknown: bool = False
    on_its_way: int | None = None
    released: list[ReleasedHold] = field(default_factory=list)


DELETE_PRESS = "delete_press"  # what the blanked body of the press that deleted her keeps


@dataclass(frozen=True)
class PressLeft:
    """What the inbox keeps of the "🗑 Yes, delete" press that deleted her data, once its
    body is blanked with the rest: nothing about her but what answering it needs, should the
    bot die after the deletion committed and before the press was marked done (the replay
    then answers it: bot.handlers.privacy.answer_deleted_press). `language`: the one she was
    answered in (her choice is deleted with the rest)."""

    callback_query_id: str
    chat_id: int
    message_id: int
    language: str

    def body(self, update_id: int) -> dict[str, Any]:
        return {"update_id": update_id, DELETE_PRESS: asdict(self)}


def press_left(body: dict[str, Any]) -> PressLeft | None:
    """The press an inbox body left by `forget` stands for (None: any other body)."""
    kept = body.get(DELETE_PRESS)
    if not isinstance(kept, dict):
        return None
    try:
        return PressLeft(**kept)
    except TypeError:  # not what `body` writes
        return None


async def forget(shop: Shop, telegram_id: int, press: PressLeft | None = None) -> Forgetting:
    """Delete what the shop keeps about her, in one transaction (see the module docstring).
    `press`: the button press asking it, kept in its update's blanked body for a replay."""
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        if customer is None:
            return Forgetting(unknown=True)
        await uow.customers.hold(customer.id)  # a second press waits here, then reads "done"
        await uow.session.refresh(customer)
        if still_forgotten(customer):
            return Forgetting(already=True)
        waiting = await uow.privacy.orders_needing_address(customer.id, list(ON_ITS_WAY))
        if waiting:
            return Forgetting(on_its_way=waiting[0])
        actor = actor_of(telegram_id)
        released = await release_open_holds(
            uow, customer.id, telegram_id, worded(N_("the shopper deleted her data")), actor
        )
        counts = await uow.privacy.erase(customer, utcnow())
        handled = being_handled()
        left = press.body(handled) if press is not None and handled is not None else None
        counts["inbox_updates"] = await uow.inbox.forget_chat(telegram_id, handled, left)
        details = {"actor": actor, "cancelled_orders": [hold.order_id for hold in released]}
        await uow.audit.record(telegram_id, "customer.forget", actor, details | counts)
    await alert_holds_not_back(shop, released)
    return Forgetting(done=True, released=released)


async def my_data(shop: Shop, telegram_id: int) -> bytes | None:
    """Everything the shop keeps about her, as a JSON document (UTF-8); None if it keeps
    nothing (she never wrote, or deleted it)."""
    async with shop.store.snapshot() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        if customer is None or still_forgotten(customer):
            return None
        data = await _gather(uow.privacy, customer.id, telegram_id)
        data["customer"] = {
            "telegram_id": customer.telegram_id,
            "first_name": customer.first_name,
            "username": customer.username,
            "language_chosen": customer.language,
            "telegram_language": customer.language_code,
            "first_seen": _when(customer.created_at),
            "last_seen": _when(customer.last_seen_at),
            "blocked_bot": customer.blocked_bot,
            "invite_code": customer.invite_code,  # /invite: her link's code (None: never asked)
        }
        data["settings"] = {
            "cart_reminders": customer.cart_reminders,
            "price_drop_alerts": customer.price_drop_alerts,
        }
    ordered = {key: data[key] for key in ("customer", "settings", *_SECTIONS)}
    return json.dumps(ordered, ensure_ascii=False, indent=2).encode()


_SECTIONS = ("cart", "saved", "back_in_stock_alerts", "reviews", "orders", "returns", "support")


async def _gather(privacy: PrivacyRepository, customer_id: int, telegram_id: int) -> dict[str, Any]:
    cart = await privacy.cart(customer_id)
    lines = await privacy.cart_lines(customer_id)
    support = await privacy.support(customer_id)
    return {
        "cart": {
            "promo_code": cart.promo_code if cart else None,
            "note": cart.note if cart else None,
            "lines": [
                {
                    "sku": product.sku,
                    "title": product.title,
                    "variant_id": line.variant_id or None,
                    "quantity": line.quantity,
                    "price_shown": line.quoted_price,
                    "currency": product.currency,
                    "added_at": _when(line.added_at),
                }
                for line, product in lines
            ],
        },
        "saved": [
            {
                "sku": product.sku,
                "title": product.title,
                "saved_at": _when(saved.created_at),
                "price_seen": saved.notified_price,
                "currency": saved.notified_currency,
            }
            for saved, product in await privacy.saved(customer_id)
        ],
        "back_in_stock_alerts": [
            {"sku": product.sku, "title": product.title, "asked_at": _when(watch.created_at)}
            for watch, product in await privacy.watched(customer_id)
        ],
        "reviews": [
            {
                "sku": product.sku,
                "title": product.title,
                "stars": rating.stars,
                "review": rating.review,
                "rated_at": _when(rating.created_at),
                "reviewed_at": _when(rating.reviewed_at),
            }
            for rating, product in await privacy.ratings(customer_id)
        ],
        "orders": [_order(order, telegram_id) for order in await privacy.orders(customer_id)],
        "returns": [
            {
                "order_id": request.order_id,
                "lines": request.lines,
                "reason": request.reason,
                "status": request.status,
                "amount": request.amount,
                "currency": request.currency,
                "requested_at": _when(request.created_at),
                "decided_at": _when(request.decided_at),
            }
            for request in await privacy.return_requests(customer_id)
        ],
        "support": [
            {
                "thread_id": thread.id,
                "order_id": thread.order_id,
                "from": "you" if message.kind == "question" else SHOP,
                "kind": message.kind,
                "text": message.text,
                "photo": message.photo_file_id is not None,
                "written_at": _when(message.created_at),
            }
            for thread, message in support
        ],
    }


def _tax(order: Order) -> dict[str, Any]:
    """The tax an order placed with TAX_RATE included, in minor units as the other amounts
    ({} for an order without tax: none was said)."""
    if order.tax_label is None:
        return {}
    return {
        "tax_label": order.tax_label,
        "shipping_tax": order.shipping_tax,
        "tax_total": order.tax_total,
    }


def _line_tax(line: OrderLine) -> dict[str, Any]:
    return {"tax_rate": file_rate(line.tax_rate_bp) or None, "tax": line.tax}


def _order(order: Order, telegram_id: int) -> dict[str, Any]:
    """Her order as she knows it: no admins' notes, admins named as the shop; the VAT its
    prices included when it says any (`_tax`)."""
    return _tax(order) | {
        "id": order.id,
        "status": order.status,
        "currency": order.currency,
        "items_total": order.items_total,
        "shipping_total": order.shipping_total,
        "discount_total": order.discount_total,
        "tip": order.tip_amount,
        "total": order.total,
        "refunded": order.refunded_amount,
        "promo_code": order.promo_code,
        "your_note": order.note,
        "shipping_option": order.shipping_option,
        "pickup_point": _pickup_point(order),
        "shipping_address": order.shipping_address,
        "tracking_number": order.tracking_number,
        "placed_at": _when(order.created_at),
        "paid_at": _when(order.paid_at),
        "lines": [
            {
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount": line.discount,
                "currency": line.currency,
            }
            | (_line_tax(line) if order.tax_label is not None else {})
            for line in order.lines
        ],
        "payments": [
            {
                "provider": payment.provider,
                "amount": payment.amount,
                "currency": payment.currency,
                "telegram_payment_charge_id": payment.telegram_payment_charge_id,
                "paid_at": _when(payment.created_at),
            }
            for payment in order.payments
        ],
        "history": [
            {
                "from": event.from_status,
                "to": event.to_status,
                "by": "you" if event.actor in ("shopper", actor_of(telegram_id)) else SHOP,
                "at": _when(event.created_at),
            }
            for event in order.events
        ],
    }


def _pickup_point(order: Order) -> str | None:
    """Where she collects the order, name and address as she chose them ("Main Street shop,
    12 Main St"; `chosen_place`), in English as the rest of her export; None for a delivery."""
    if not is_pickup(order.shipping_option):
        return None
    return translator(None).said(chosen_place(order.shipping_option, order.pickup_place))


def _when(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC."""
    return None if moment is None else moment.isoformat()
