"""Every inline button's callback_data is encoded and parsed here, and only here.

Format: "<version>:<action>:<arg>:<arg>..." in ASCII, at most 64 bytes (Telegram's limit).
A payload with another version, an unknown action or arguments of the wrong shape decodes to
None, so handlers answer "this button has expired" instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram.constants import InlineKeyboardButtonLimit

VERSION = "1"
SEPARATOR = ":"
MAX_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64

# action code -> kinds of its arguments ("i" whole number >= 0, "s" short token, "z" signed int).
# Codes are short on purpose; add new actions here (shopper: lower case, admin: upper case).
ACTIONS: dict[str, tuple[str, ...]] = {
    "home": (),
    "noop": (),
    # shopper (bot/handlers/shop.py, cart.py, orders.py): catalog, product, cart, checkout
    "help": (),
    "find": (),  # how to search
    "cats": (),  # categories
    "cat": ("i", "i"),  # category id, page
    "sp": ("i",),  # page of the chat's last search
    "p": ("i", "i"),  # product id, chosen quantity
    "add": ("i", "i"),  # add product id, quantity
    "back": (),  # back to the list the product was opened from
    "cart": (),
    "inc": ("i",),  # cart line +1 (product id)
    "dec": ("i",),  # cart line -1
    "rm": ("i",),  # remove the line
    "clr": (),  # clear the cart
    "co": (),  # checkout (verify the cart)
    "pay": (),  # pay the verified order summary
    "ords": (),  # my orders
    "ord": ("i",),  # one of my orders
    "dl": ("i", "i"),  # send a digital line again: order id, order line id
    # admin (bot/handlers/admin): menu, product list, flow steps, orders
    "AM": ("s",),  # admin menu section
    "APL": ("i",),  # product list page
    "AFC": ("s",),  # confirm the admin flow with this id
    "AFX": ("s",),  # cancel the admin flow
    "AFS": ("s",),  # skip the current step
    "AFE": ("s", "s"),  # /edit: pick the field
    "AFK": ("s", "i"),  # pick a category
    "AFR": ("s",),  # refund flow: refund everything left
    "AOL": ("s", "i"),  # orders list: status filter ("all") and page
    "AOO": ("i",),  # open an order
    "AOS": ("i",),  # ship (asks for a tracking number)
    "AOD": ("i",),  # mark delivered
    "AOC": ("i",),  # cancel: ask to confirm
    "AOY": ("i",),  # cancel: confirmed
    "AOR": ("i",),  # refund (asks for an amount)
    "AOA": ("i",),  # approve a flagged payment: ask to confirm
    "AOP": ("i",),  # approve a flagged payment: confirmed
}


@dataclass(frozen=True, slots=True)
class ButtonData:
    action: str
    args: tuple[int | str, ...] = ()

    def int_arg(self, index: int) -> int:
        value = self.args[index]
        assert isinstance(value, int)
        return value

    def str_arg(self, index: int) -> str:
        return str(self.args[index])


class CallbackDataError(ValueError):
    """Raised when *we* try to build a payload that is invalid or too long (a bug, not input)."""


def encode(action: str, *args: int | str) -> str:
    kinds = ACTIONS.get(action)
    if kinds is None:
        raise CallbackDataError(f"unknown button action {action!r}")
    if len(kinds) != len(args):
        raise CallbackDataError(f"{action!r} takes {len(kinds)} argument(s), got {len(args)}")
    parts = [VERSION, action]
    for kind, arg in zip(kinds, args, strict=True):
        text = str(arg)
        if not _valid(kind, text):
            raise CallbackDataError(f"argument {arg!r} does not fit kind {kind!r} of {action!r}")
        parts.append(text)
    data = SEPARATOR.join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(f"callback data {data!r} is longer than {MAX_BYTES} bytes")
    return data


def decode(data: str | None) -> ButtonData | None:
    """Parse a payload from Telegram; None for anything stale, forged or malformed."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(SEPARATOR)
    if len(parts) < 2 or parts[0] != VERSION:
        return None
    action, raw_args = parts[1], parts[2:]
    kinds = ACTIONS.get(action)
    if kinds is None or len(kinds) != len(raw_args):
        return None
    args: list[int | str] = []
    for kind, raw in zip(kinds, raw_args, strict=True):
        if not _valid(kind, raw):
            return None
        args.append(int(raw) if kind in ("i", "z") else raw)
    return ButtonData(action, tuple(args))


def _valid(kind: str, text: str) -> bool:
    if kind == "i":
        return text.isdigit() and len(text) <= 12
    if kind == "z":
        return text.lstrip("-").isdigit() and len(text) <= 12
    if kind == "s":
        return 0 < len(text) <= 32 and SEPARATOR not in text and text.isascii()
    return False
