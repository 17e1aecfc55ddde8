"""The tracking-number rule Ship and ✏️ Tracking number share, and the carrier's page a
shopper's 📦 Track parcel opens."""

from __future__ import annotations

import pytest

from bot.services.tracking import BadTracking, clean_tracking, tracking_link

PAGE = "https://www.17track.net/en/track?nums={number}"


def test_a_number_is_kept_without_the_blanks_around_it() -> None:
    assert clean_tracking("  1Z999AA10123456784 \n") == "1Z999AA10123456784"
    assert clean_tracking("RR 123/456 US") == "RR 123/456 US"
    assert clean_tracking("x" * 128) == "x" * 128


@pytest.mark.parametrize("typed", ["", "   ", "x" * 129, "1Z999\nAA10", "1Z999\rAA10"])
def test_what_is_not_one_line_of_1_to_128_characters_is_refused(typed: str) -> None:
    with pytest.raises(BadTracking) as refused:
        clean_tracking(typed)
    assert refused.value.note() and "128" in str(refused.value.params)


def test_the_number_goes_into_the_page_url_encoded() -> None:
    assert tracking_link(PAGE, "1Z999AA10123456784") == (
        "https://www.17track.net/en/track?nums=1Z999AA10123456784"
    )
    assert tracking_link(PAGE, "RR 123/456 US") == (
        "https://www.17track.net/en/track?nums=RR%20123%2F456%20US"
    )
    # what would end the parameter, start another or a fragment stays inside it
    assert tracking_link(PAGE, "A&b=c#d?") == (
        "https://www.17track.net/en/track?nums=A%26b%3Dc%23d%3F"
    )
    assert tracking_link("https://t.example/{number}/status", "Ж1") == (
        "https://t.example/%D0%961/status"
    )


def test_no_page_or_no_number_gives_no_link() -> None:
    assert tracking_link("", "1Z999AA10123456784") is None
    assert tracking_link(PAGE, None) is None
    assert tracking_link(PAGE, "") is None
