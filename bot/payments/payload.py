"""Signed invoice payloads: which order, for which user, and proof that we wrote it.

Telegram echoes the payload back in shipping and pre-checkout queries and in the successful
payment. A payload is ``<version>.<order id>.<user id>.<signature>``, signed with HMAC-SHA256
under the server secret, so a forged payload or another user's invoice is recognised.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from telegram.constants import InvoiceLimit

VERSION = "1"


class InvalidPayload(Exception):
    """The payload was not written by this shop (forged, truncated, old version)."""


@dataclass(frozen=True)
class InvoicePayload:
    order_id: int
    user_id: int


def _signature(body: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_payload(order_id: int, user_id: int, secret: str) -> str:
    """The payload for an invoice of `order_id` addressed to Telegram user `user_id`."""
    body = f"{VERSION}.{order_id}.{user_id}"
    payload = f"{body}.{_signature(body, secret)}"
    assert len(payload.encode()) <= InvoiceLimit.MAX_PAYLOAD_LENGTH
    return payload


def verify_payload(payload: str, secret: str) -> InvoicePayload:
    """The order and user the payload names, or InvalidPayload if we did not sign it."""
    parts = payload.split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        raise InvalidPayload("unknown payload format")
    version, order_id, user_id, signature = parts
    body = f"{version}.{order_id}.{user_id}"
    if not hmac.compare_digest(signature, _signature(body, secret)):
        raise InvalidPayload("bad signature")
    if not order_id.isdigit() or not user_id.lstrip("-").isdigit():
        raise InvalidPayload("malformed ids")
    return InvoicePayload(order_id=int(order_id), user_id=int(user_id))
