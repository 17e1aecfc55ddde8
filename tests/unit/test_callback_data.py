"""Callback data: compact, versioned, validated; anything else decodes to None."""

from __future__ import annotations

import pytest

from bot import callback_data as cd


def test_round_trip_and_size_limit() -> None:
    data = cd.encode("home")
    assert data == "1:home"
    assert cd.decode(data) == cd.ButtonData("home", ())


@pytest.mark.parametrize(
    "forged",
    ["", "garbage", "0:home", "1:nope", "1:home:extra", "9" * 65, "1:home\x00", "1"],
)
def test_forged_stale_or_unknown_payloads_decode_to_none(forged: str) -> None:
    assert cd.decode(forged) is None


def test_our_own_mistakes_fail_loudly() -> None:
    with pytest.raises(cd.CallbackDataError):
        cd.encode("nope")
    with pytest.raises(cd.CallbackDataError):
        cd.encode("home", 1)
