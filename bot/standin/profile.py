"""The bot's profile: getMe, its commands per scope and language, menu buttons, descriptions."""

from __future__ import annotations

import re
from typing import Any

from bot.standin import errors
from bot.standin.core import StandInCore, api_method
from bot.standin.errors import ApiError
from bot.standin.params import Params

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def scope_key(scope: dict[str, Any] | None) -> str:
    """Serialise a BotCommandScope: "default", "all_private_chats", "chat:<id>", ..."""
    if not scope:
        return "default"
    kind = str(scope.get("type", "default"))
    if kind in ("chat", "chat_administrators"):
        return f"{kind}:{scope.get('chat_id')}"
    if kind == "chat_member":
        return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
    return kind


class ProfileArea(StandInCore):
    """What BotFather and the set*/get* profile methods configure."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.supports_inline_queries = True
        """getMe's flag: inline mode switched on with BotFather's /setinline."""
        self.commands_by_scope: dict[str, dict[str, list[dict[str, str]]]] = {}
        """Commands per serialised scope, then per language code ("" for all languages)."""
        self.menu_buttons: dict[str, Any] = {}
        self.descriptions: dict[str, str] = {}

    def commands(self, scope: str = "default", language_code: str = "") -> list[str]:
        """The command names set for a scope and language, e.g. ``["start", "cart"]``."""
        stored = self.commands_by_scope.get(scope, {}).get(language_code, [])
        return [command["command"] for command in stored]

    @api_method("getMe")
    async def _get_me(self, params: Params) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": self.supports_inline_queries,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ------------------------------------------------------------------ commands

    @api_method("setMyCommands")
    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise ApiError(errors.parameter_required("commands"))
        stored: list[dict[str, str]] = []
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            if not _COMMAND_RE.match(name.lower()):
                raise ApiError(errors.BOT_COMMAND_INVALID)
            stored.append({"command": name, "description": str(command.get("description", ""))})
        key = self._scope(params)
        language = params.text("language_code") or ""
        if stored:
            self.commands_by_scope.setdefault(key, {})[language] = stored
        else:
            self.commands_by_scope.get(key, {}).pop(language, None)
        return True

    @api_method("getMyCommands")
    async def _get_my_commands(self, params: Params) -> list[dict[str, str]]:
        language = params.text("language_code") or ""
        return self.commands_by_scope.get(self._scope(params), {}).get(language, [])

    @api_method("deleteMyCommands")
    async def _delete_my_commands(self, params: Params) -> bool:
        language = params.text("language_code") or ""
        self.commands_by_scope.get(self._scope(params), {}).pop(language, None)
        return True

    def _scope(self, params: Params) -> str:
        scope = params.json("scope")
        key = scope_key(scope if isinstance(scope, dict) else None)
        if key.startswith(("chat:", "chat_administrators:", "chat_member:")):
            chat_id = scope.get("chat_id") if isinstance(scope, dict) else None
            if chat_id not in self.chats:
                raise ApiError(errors.CHAT_NOT_FOUND)
        return key

    # ------------------------------------------------------------------ menu button

    @api_method("setChatMenuButton")
    async def _set_chat_menu_button(self, params: Params) -> bool:
        chat_id = params.values.get("chat_id")
        if chat_id is not None and chat_id not in self.chats:
            raise ApiError(errors.CHAT_NOT_FOUND)
        self.menu_buttons[str(chat_id or "default")] = params.json("menu_button") or {
            "type": "default"
        }
        return True

    @api_method("getChatMenuButton")
    async def _get_chat_menu_button(self, params: Params) -> Any:
        chat_id = params.values.get("chat_id")
        return self.menu_buttons.get(
            str(chat_id or "default"),
            self.menu_buttons.get("default", {"type": "commands"}),
        )

    # ------------------------------------------------------------------ descriptions

    @api_method("setMyDescription")
    async def _set_my_description(self, params: Params) -> bool:
        return self._set_description("description", params)

    @api_method("setMyShortDescription")
    async def _set_my_short_description(self, params: Params) -> bool:
        return self._set_description("short_description", params)

    @api_method("getMyDescription")
    async def _get_my_description(self, params: Params) -> dict[str, str]:
        return self._description("description", params)

    @api_method("getMyShortDescription")
    async def _get_my_short_description(self, params: Params) -> dict[str, str]:
        return self._description("short_description", params)

    def _set_description(self, name: str, params: Params) -> bool:
        language = params.text("language_code") or ""
        self.descriptions[f"{name}:{language}"] = params.text(name) or ""
        return True

    def _description(self, name: str, params: Params) -> dict[str, str]:
        language = params.text("language_code") or ""
        return {name: self.descriptions.get(f"{name}:{language}", "")}
