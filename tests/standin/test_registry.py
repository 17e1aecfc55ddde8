"""Each Bot API method is registered where its handler is defined, with @api_method."""

from __future__ import annotations

import aiohttp
import pytest

from bot.standin import BotApiStandIn
from bot.standin.core import api_method
from bot.standin.params import Params


class WithDice(BotApiStandIn):
    """A stand-in grown by one method, as an area adds its own."""

    @api_method("sendDice", rate_limited=True)
    async def _send_dice(self, params: Params) -> dict[str, int]:
        return {"value": 6}


async def test_a_method_is_served_where_it_is_defined() -> None:
    async with WithDice() as standin:
        async with aiohttp.ClientSession() as http:
            url = f"{standin.base_url}{standin.token}/SENDDICE"  # Telegram ignores case
            async with http.post(url) as response:
                assert await response.json() == {"ok": True, "result": {"value": 6}}
        assert [call.method for call in standin.calls] == ["sendDice"]


def test_a_method_cannot_be_registered_twice() -> None:
    class Twice(BotApiStandIn):
        @api_method("sendMessage")
        async def _another_send_message(self, params: Params) -> bool:
            return True

    with pytest.raises(TypeError, match="sendMessage is registered twice"):
        Twice()
