"""A Mini App's `initData`, checked exactly as Telegram documents it.

Telegram hands the page a query string (`Telegram.WebApp.initData`) that names the user and is
signed with a key only Telegram and the bot know:

    secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
    hash       = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))

where data_check_string is every field but `hash`, sorted by key, as `key=value` lines joined
with "\\n". (`SHA256(bot_token)` as the key is the Login Widget's scheme, not this one.) The page
sends the string with every API call; the server trusts nothing else from it about who is
asking. `auth_date` must be recent: a leaked initData stops working after `max_age` seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

SECRET_KEY_CONSTANT = b"WebAppData"
CLOCK_SKEW_SECONDS = 60  # an auth_date this far in the future is still the same moment
MAX_INIT_DATA_LENGTH = 4096  # Telegram's are a few hundred bytes


class InitDataError(Exception):
    """The initData is missing, malformed, not signed by Telegram for this bot, or too old.

    The message says which, in words a developer can act on (it is sent with the 401)."""


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """The Telegram user the signed initData names."""

    id: int
    first_name: str = ""
    username: str | None = None
    language_code: str | None = None


def _secret_key(bot_token: str) -> bytes:
    return hmac.new(SECRET_KEY_CONSTANT, bot_token.encode(), hashlib.sha256).digest()


def _data_check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def _hash(fields: Mapping[str, str], bot_token: str) -> str:
    data = _data_check_string(fields).encode()
    return hmac.new(_secret_key(bot_token), data, hashlib.sha256).hexdigest()


def validate_init_data(
    init_data: str, bot_token: str, *, max_age: int, now: float | None = None
) -> WebAppUser:
    """The user `init_data` was signed for; InitDataError if it cannot be trusted."""
    if not init_data:
        raise InitDataError("no initData: open the shop from the bot in Telegram")
    if len(init_data) > MAX_INIT_DATA_LENGTH:
        raise InitDataError("initData is too long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError("initData is not a query string") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("initData repeats a field")
    given = fields.get("hash", "")
    if not given:
        raise InitDataError("initData has no hash")
    if not hmac.compare_digest(given.lower().encode(), _hash(fields, bot_token).encode()):
        raise InitDataError("initData is not signed by Telegram for this bot (tampered?)")
    auth_date = fields.get("auth_date", "")
    if not auth_date.isdigit():
        raise InitDataError("initData has no auth_date")
    age = (time.time() if now is None else now) - int(auth_date)
    if age > max_age:
        raise InitDataError("initData has expired: close the shop and open it again")
    if age < -CLOCK_SKEW_SECONDS:
        raise InitDataError("initData is dated in the future")
    return _user(fields.get("user", ""))


def _user(raw: str) -> WebAppUser:
    try:
        user = json.loads(raw)
    except ValueError:
        user = None
    if not isinstance(user, dict):
        raise InitDataError("initData names no user")
    user_id = user.get("id")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise InitDataError("initData names no user")

    def text(key: str) -> str | None:
        value = user.get(key)
        return value if isinstance(value, str) and value else None

    return WebAppUser(
        id=user_id,
        first_name=text("first_name") or "",
        username=text("username"),
        language_code=text("language_code"),
    )


def sign_init_data(
    bot_token: str,
    user: Mapping[str, Any],
    *,
    auth_date: int | None = None,
    query_id: str | None = "AAHdF6IQAAAAAN0XohDhrOrc",
    **extra: str,
) -> str:
    """initData as Telegram would sign it for `user` (the sandbox's link, and tests)."""
    fields: dict[str, str] = {
        "user": json.dumps(dict(user), separators=(",", ":"), ensure_ascii=False),
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
        **extra,
    }
    if query_id is not None:
        fields["query_id"] = query_id
    fields["hash"] = _hash(fields, bot_token)
    return urlencode(fields)
