"""The notifier: messages nobody asked for are bulk sends, deliveries are replies, and a failed
send is an outcome, never an exception that breaks the use case behind it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from telegram.error import BadRequest, Forbidden, TimedOut

from bot.callback_data import ShowProduct
from bot.i18n import translator
from bot.notifier import Delivered, DownloadSent, Notice, Notifier, Sent
from bot.pacing import BULK
from bot.services.downloads import Download
from bot.services.photos import PhotoKind, PhotoSource


class RecordingBot:
    """Records each send with its rate-limit arguments; some chats or files refuse."""

    def __init__(self, refusals: dict[Any, Exception] | None = None) -> None:
        self.sent: list[tuple[str, Any, Any]] = []
        self.markups: list[Any] = []
        self.refusals = refusals or {}

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        self.sent.append(("message", chat_id, kwargs.get("rate_limit_args")))
        self.markups.append(kwargs.get("reply_markup"))
        if chat_id in self.refusals:
            raise self.refusals[chat_id]
        return SimpleNamespace(message_id=len(self.sent))

    async def send_photo(self, chat_id: int, photo: str, **kwargs: Any) -> Any:
        self.sent.append(("photo", chat_id, kwargs.get("rate_limit_args")))
        self.markups.append(kwargs.get("reply_markup"))
        return SimpleNamespace(message_id=len(self.sent))

    async def send_document(self, chat_id: int, document: Any, **kwargs: Any) -> Any:
        self.sent.append(("document", chat_id, kwargs.get("rate_limit_args")))
        if isinstance(document, str) and document in self.refusals:
            raise self.refusals[document]
        return SimpleNamespace(document=SimpleNamespace(file_id="NEW-FILE-ID"))


async def test_notices_and_admin_alerts_queue_as_bulk_sends() -> None:
    bot = RecordingBot()
    notifier = Notifier(bot, admin_ids={9002, 9001})  # type: ignore[arg-type]

    assert await notifier.notify(1001, "Your order shipped") is Sent.SENT
    for admin_id in notifier.admin_ids:  # as Shop.alert_admins sends each admin's copy
        assert await notifier.notify(admin_id, "Low stock") is Sent.SENT

    assert bot.sent == [
        ("message", 1001, BULK),
        ("message", 9001, BULK),
        ("message", 9002, BULK),
    ]


async def test_a_notice_with_buttons_or_a_photo_is_a_bulk_send_that_names_its_message() -> None:
    bot = RecordingBot({1002: Forbidden("blocked")})
    notifier = Notifier(bot, admin_ids=set())  # type: ignore[arg-type]
    back = Notice("Back in stock!", buttons=((("Open", ShowProduct(7, 1)),),))

    assert await notifier.send(1001, back) == Delivered(Sent.SENT, 1)
    assert await notifier.send(1001, Notice("Look", photo="PHOTO-ID")) == Delivered(Sent.SENT, 2)
    assert await notifier.send(1002, back) == Delivered(Sent.BLOCKED)

    assert bot.sent == [("message", 1001, BULK), ("photo", 1001, BULK), ("message", 1002, BULK)]
    (row,) = bot.markups[0].inline_keyboard
    assert [(b.text, b.callback_data) for b in row] == [("Open", "1:p:7:1")]
    assert bot.markups[1] is None


async def test_a_blocked_or_failing_chat_is_an_outcome_not_an_error() -> None:
    bot = RecordingBot({1001: Forbidden("blocked"), 1002: TimedOut()})
    notifier = Notifier(bot, admin_ids={1001, 1002, 1003})  # type: ignore[arg-type]

    assert await notifier.notify(1001, "hi") is Sent.BLOCKED
    assert await notifier.notify(1002, "hi") is Sent.FAILED
    assert await notifier.notify(1003, "hi") is Sent.SENT


async def test_a_delivery_answers_the_payment_so_it_is_not_queued_as_bulk() -> None:
    bot = RecordingBot()
    notifier = Notifier(bot, admin_ids=set())  # type: ignore[arg-type]
    codes = Download(1, 1, 1, "Gift card", gift_codes=("AAAA-BBBB-CCCC",))

    assert await notifier.send_download(1001, codes, translator("en")) == DownloadSent(ok=True)
    assert bot.sent == [("message", 1001, None)]


async def test_a_kept_file_id_telegram_forgot_gives_way_to_the_catalog_file(
    tmp_path: Path,
) -> None:
    guide = tmp_path / "guide.pdf"
    guide.write_bytes(b"%PDF-1.4")
    bot = RecordingBot({"OLD-FILE-ID": BadRequest("wrong file identifier")})
    notifier = Notifier(bot, admin_ids=set())  # type: ignore[arg-type]
    item = Download(
        1,
        1,
        1,
        "Guide",
        source=PhotoSource(PhotoKind.FILE_ID, "OLD-FILE-ID", cached=True),
        fallback=PhotoSource(PhotoKind.PATH, str(guide)),
    )

    sent = await notifier.send_download(1001, item, translator("en"))

    assert sent == DownloadSent(ok=True, file_id="NEW-FILE-ID", stale_file_id=True)
    assert [kind for kind, *_ in bot.sent] == ["document", "document"]
