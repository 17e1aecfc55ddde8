"""A typed CallbackContext that hands handlers the shop's services, with no module globals."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext

from bot.pacing import ShopBot
from bot.shop import Shop

SHOP_KEY = "shop"


class ShopContext(CallbackContext[ShopBot, dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def shop(self) -> Shop:
        shop = self.bot_data.get(SHOP_KEY)
        if not isinstance(shop, Shop):
            raise RuntimeError(
                "the shop is not set up: build the app with bot.app.build_application"
            )
        return shop


AnyApplication = Application[Any, Any, Any, Any, Any, Any]
