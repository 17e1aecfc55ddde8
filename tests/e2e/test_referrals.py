"""Invite a friend: Ann sends /invite and gets her link with a 📤 Share button; Bob, new to the
shop, opens it, orders, and once Ada marks his order delivered Ann gets a gift card, once
(his second order earns nothing more). Ann's own link, a shopper the shop knew already, an
unknown code, and links of a blocked shopper or of the team attribute nobody. On SQLite and
PostgreSQL where the store is written."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from bot.demo import STARS_CATALOG
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import AuditEntry, GiftCard, Referral
from bot.usecases import refunds as refunds_usecase
from tests.admin.conftest import open_detail
from tests.conftest import seeded_shop_in
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import open_invoice, paid_order

ANN, BOB, CARL, DAN = 1001, 1002, 1003, 1004
REWARD = 500  # $5.00
LINK = re.compile(r"https://t\.me/(\w+)\?start=ref_([A-Z0-9]{8})")
GIFT = "🎁 Thank you for inviting"


def _settings(reward: int = REWARD) -> dict[str, object]:
    return {
        "admin_ids": frozenset({ADMIN_ID}),
        "payment_provider_token": "TEST:provider",
        "referral_reward": reward,
    }


@pytest.fixture
async def shop(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop inviting friends for a $5.00 gift card, on SQLite and PostgreSQL."""
    async with ShopHarness(tmp_path, database_url=seeded_database_url, **_settings()) as h:
        yield h


@pytest.fixture
async def sqlite_shop(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, **_settings()) as h:
        yield h


async def invite_link(user: FakeUser) -> str:
    """/invite: her link, as the message shows it."""
    await user.send("/invite")
    found = LINK.search((await user.wait_for("Your link:")).text or "")
    assert found is not None
    return found[0]


def code_in(link: str) -> str:
    return link.rsplit("ref_", 1)[1]


async def deliver(ada: FakeUser, order_id: int) -> None:
    """Ada ships the order with a tracking number, then marks it delivered."""
    await open_detail(ada, order_id)
    await ada.press("🚚 Ship")
    await ada.wait_for("Send the tracking number")
    await ada.send(f"TRACK{order_id}")
    await ada.wait_for(f"Order #{order_id} · 🚚 Shipped")
    await ada.press("📦 Delivered")
    await ada.wait_for(f"Order #{order_id}: 📦 Delivered.")


def gifts(user: FakeUser) -> list[str]:
    return [m.text or "" for m in user.messages if GIFT in (m.text or "")]


async def test_ann_invites_bob_and_gets_one_gift_card_when_his_first_order_arrives(
    shop: ShopHarness,
) -> None:
    ann, bob, ada = (
        shop.user(ANN, "Ann", username="ann"),
        shop.user(BOB, "Bob"),
        shop.user(ADMIN_ID, "Ada"),
    )
    await ann.send("/start")
    await ann.wait_for("Welcome")
    link = await invite_link(ann)
    assert LINK.fullmatch(link) and link.startswith(f"https://t.me/{shop.standin.bot_username}?")
    shown = ann.last_message
    assert shown is not None and "0 friends joined" in (shown.text or "")
    (share,) = [b for b in shown.all_buttons if b.label == "📤 Share"]
    assert share.url is not None and share.url.startswith("https://t.me/share/url?")
    assert parse_qs(urlparse(share.url).query)["url"] == [link]
    assert await invite_link(ann) == link  # made once, the same every time

    await bob.send(f"/start ref_{code_in(link)}")
    await bob.wait_for("Ann invited you: welcome, and happy shopping!")
    first = await paid_order(shop, bob, "KIT-MUG-CER")
    second = await paid_order(shop, bob, "STA-PEN-FTN")
    assert gifts(ann) == []  # paid is not delivered

    await deliver(ada, first)
    told = await ann.wait_for(GIFT)
    card = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", told.text or "")
    assert card is not None
    assert "Thank you for inviting Bob!" in (told.text or "") and "$5.00" in (told.text or "")
    await ada.press("📦 Delivered")  # the same screen's button again: nothing more happens
    await ada.wait_for(f"Order #{first} was not changed")
    await deliver(ada, second)  # his second order earns nothing more
    await shop.until_idle()
    assert len(gifts(ann)) == 1

    await ann.send(f"/giftcard {card[0]}")
    await ann.wait_for("$5.00")
    await invite_link(ann)
    now = ann.last_message.text or "" if ann.last_message else ""
    assert "1 friend joined" in now and "1 reward earned" in now and card[0] in now
    async with shop.store.reading() as uow:
        cards = (await uow.session.scalars(select(GiftCard))).all()
        assert [(c.code, c.initial_amount, c.balance, c.currency) for c in cards] == [
            (card[0], REWARD, REWARD, "USD")
        ]
        audit = (
            await uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "referral.reward")
            )
        ).all()
        assert [a.target for a in audit] == [f"customer:{ANN}"]

    await ada.send("/customer @ann")
    await ada.wait_for("🎁 Invited 1 friend (1 rewarded)")
    await ada.send(f"/customer {BOB}")
    await ada.wait_for("🎁 Invited by Ann (@ann, 1001)")
    await ada.send("/audit")
    await ada.wait_for(
        f"gave an invitation's reward to customer:{ANN} · a gift card of $5.00, "
        f"friend: {BOB}, order: {first}"
    )
    await ada.send("/referrals")
    totals = await ada.wait_for("🎁 Invitations")
    assert "1 friend joined" in (totals.text or "") and "1 reward given" in (totals.text or "")
    assert "Gift cards given: $5.00" in (totals.text or "")


async def referrals(h: ShopHarness) -> int:
    async with h.store.reading() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Referral)) or 0)


async def test_own_link_a_known_shopper_and_an_unknown_code_attribute_nobody(
    sqlite_shop: ShopHarness,
) -> None:
    h = sqlite_shop
    ann, carl, dan = h.user(ANN, "Ann"), h.user(CARL, "Carl"), h.user(DAN, "Dan")
    code = code_in(await invite_link(ann))
    await ann.send(f"/start ref_{code}")
    await ann.wait_for("That's your own invitation link: send it to a friend instead.")
    await carl.send("/start")
    await carl.wait_for("Welcome")
    await carl.send(f"/start ref_{code}")
    await carl.wait_for("Welcome back! Invitation links are for shoppers new to the shop.")
    await dan.send("/start ref_NOSUCH99")
    await dan.wait_for("Welcome! That invitation link is not one I recognise.")
    assert await referrals(h) == 0
    await dan.send(f"/start ref_{code}")  # Dan is known now: too late for Ann's link
    await dan.wait_for("Welcome back!")
    assert await referrals(h) == 0


async def test_links_of_a_blocked_shopper_or_of_the_team_attribute_nobody(
    sqlite_shop: ShopHarness,
) -> None:
    h = sqlite_shop
    ann, ada = h.user(ANN, "Ann"), h.user(ADMIN_ID, "Ada")
    blocked, team = code_in(await invite_link(ann)), code_in(await invite_link(ada))
    await ada.send(f"/block {ANN} spam")
    await ada.wait_for("is blocked")
    for friend, code in ((h.user(CARL, "Carl"), blocked), (h.user(DAN, "Dan"), team)):
        await friend.send(f"/start ref_{code}")
        welcome = await friend.wait_for("Welcome to the shop")
        assert "invited" not in (welcome.text or "")
    assert await referrals(h) == 0


async def test_deleting_her_data_retires_her_link(sqlite_shop: ShopHarness) -> None:
    h = sqlite_shop
    ann = h.user(ANN, "Ann")
    code = code_in(await invite_link(ann))
    await ann.send("/privacy")
    await ann.wait_for("Your privacy")
    await ann.press("📦 My data")
    sent = await ann.wait_for(lambda m: m.document is not None)
    assert sent.document is not None
    assert json.loads(sent.document.data)["customer"]["invite_code"] == code
    await ann.press("🗑 Delete my data")
    answer = await ann.press("🗑 Yes, delete")
    assert answer.text == "Your data has been deleted."
    bob = h.user(BOB, "Bob")
    await bob.send(f"/start ref_{code}")
    await bob.wait_for("Welcome! That invitation link is not one I recognise.")
    assert await referrals(h) == 0


async def test_invitations_are_not_open_without_a_reward(
    tmp_path: Path, seeded_sqlite: Path
) -> None:
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, **_settings(reward=0)) as h:
        ann = h.user(ANN, "Ann")
        await ann.send("/invite")
        await ann.wait_for("Invitations are not open in this shop right now.")
        await ann.send("/help")
        helped = await ann.wait_for("/catalog")
        assert "/invite" not in (helped.text or "")


async def test_help_offers_the_invitation_and_shoppers_cannot_see_the_figures(
    sqlite_shop: ShopHarness,
) -> None:
    ann = sqlite_shop.user(ANN, "Ann")
    await ann.send("/help")
    helped = await ann.wait_for("/invite - invite a friend: a $5.00 gift card for you")
    assert "🎁 Invite a friend" in [b.label for b in helped.all_buttons]
    await ann.press("🎁 Invite a friend")
    await ann.wait_for("Your link:")
    await ann.send("/referrals")
    await ann.wait_for("for the shop's admins only")


async def test_in_a_stars_shop_the_friends_digital_order_arriving_rewards_ann_in_stars(
    tmp_path: Path,
) -> None:
    """Digital goods are delivered when all of them are sent: that is the moment too."""
    settings = {**_settings(reward=25), "payment_provider_token": "", "currency": "XTR"}
    async with ShopHarness(tmp_path, catalog_path=STARS_CATALOG, **settings) as h:
        ann, bob = h.user(ANN, "Ann"), h.user(BOB, "Bob")
        link = await invite_link(ann)
        assert "a ⭐ 25 gift card" in (ann.last_message.text or "" if ann.last_message else "")
        await bob.send(f"/start ref_{code_in(link)}")
        await bob.wait_for("Ann invited you")
        await open_invoice(bob, "STR-GDE-ESP")
        assert (await bob.pay()).ok
        told = await ann.wait_for(GIFT)
        assert "⭐ 25" in (told.text or "")
        await open_invoice(bob, "STR-TPL-MNU")  # his second order: nothing more
        assert (await bob.pay()).ok
        await bob.wait_for(lambda m: m.document is not None and "mnu" in str(m.document.file_name))
        await h.until_idle()
        assert len(gifts(ann)) == 1


async def test_bobs_first_order_refunded_in_full_cancels_anns_reward_and_she_hears_of_it(
    shop: ShopHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def made_at_provider(*_: object) -> str:
        return "re_test"  # the payment provider gives the money back

    monkeypatch.setattr(refunds_usecase, "_refund_at_provider", made_at_provider)
    ann, bob, ada = shop.user(ANN, "Ann"), shop.user(BOB, "Bob"), shop.user(ADMIN_ID, "Ada")
    await ann.send("/start")
    await ann.wait_for("Welcome")
    await bob.send(f"/start ref_{code_in(await invite_link(ann))}")
    await bob.wait_for("Ann invited you")
    first = await paid_order(shop, bob, "KIT-MUG-CER")
    await deliver(ada, first)
    told = await ann.wait_for(GIFT)
    card = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", told.text or "")
    assert card is not None

    async with shop.store.reading() as uow:
        order = await uow.orders.get(first)
        assert order is not None
        total = f"${order.total / 100:.2f}"
    await open_detail(ada, first)
    await ada.press("↩️ Refund")
    await ada.wait_for("up to ")
    await ada.send(total[1:])
    await ada.press(f"↩️ Refund {total}", message=await ada.wait_for(f"Refund {total} of order"))
    await ada.wait_for(f"Refunded {total}.")

    cancelled = await ann.wait_for("is cancelled")
    assert (cancelled.text or "") == (
        f"Your gift card {card[0]} worth $5.00, the reward for inviting Bob, is cancelled: "
        "their first order was refunded in full."
    )
    await ann.send(f"/giftcard {card[0]}")
    await ann.wait_for("was cancelled: the order that earned it as a reward was refunded.")
    await ada.send("/audit")
    await ada.wait_for(
        f"cancelled an invitation's reward (order refunded) of customer:{ANN} · "
        f"a gift card of $5.00, friend: {BOB}, order: {first}"
    )
