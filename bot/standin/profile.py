"""The bot's profile: getMe, its commands per scope and language, menu buttons, descriptions.

A menu button may open a Mini App (``{"type": "web_app", "text": ..., "web_app": {"url"}}``);
as on Telegram its URL must be https. ``FakeUser.menu_button`` is what the user sees.
"""

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


def _menu_button(value: Any) -> dict[str, Any]:
    """A MenuButton checked as the Bot API server reads it (absent: the default button)."""
    if value is None:
        return {"type": "default"}
    if not isinstance(value, dict):
        raise ApiError(errors.menu_button_invalid("MenuButton must be an Object"))
    kind = _string_field(value, "type")
    if kind in ("default", "commands"):
        return {"type": kind}
    if kind != "web_app":
        raise ApiError(errors.menu_button_invalid("MenuButton has unsupported type"))
    text = _string_field(value, "text")
    web_app = value.get("web_app")
    if web_app is None:
        raise ApiError(errors.menu_button_invalid(errors.missing_field("web_app")))
    if not isinstance(web_app, dict):
        raise ApiError(errors.menu_button_invalid(errors.wrong_field_type("web_app", "Object")))
    url = _string_field(web_app, "url")
    if not url.startswith("https://"):
        raise ApiError(errors.web_app_url_invalid("menu button", url))
    return {"type": "web_app", "text": text, "web_app": {"url": url}}


def _string_field(value: dict[str, Any], name: str) -> str:
    field = value.get(name)
    if field is None:
        raise ApiError(errors.menu_button_invalid(errors.missing_field(name)))
    if not isinstance(field, str):
        raise ApiError(errors.menu_button_invalid(errors.wrong_field_type(name, "String")))
    return field


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

    def menu_of(self, chat_id: int, language_code: str | None) -> list[tuple[str, str]]:
        """The command menu a user sees in their private chat, resolved as Telegram does: the
        chat's own scope, then all private chats, then the default; in each, the list for
        the user's language, then the one for all languages. (command, description) pairs."""
        language = (language_code or "").split("-")[0]
        for scope in (f"chat:{chat_id}", "all_private_chats", "default"):
            by_language = self.commands_by_scope.get(scope, {})
            for code in (language, ""):
                if code in by_language:
                    return [(c["command"], c["description"]) for c in by_language[code]]
        return []

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
        button = _menu_button(params.json("menu_button"))
        chat_id = params.values.get("chat_id")
        if chat_id is not None and chat_id not in self.chats:
            raise ApiError(errors.CHAT_NOT_FOUND)
        self.menu_buttons[str(chat_id or "default")] = button
        return True

    @api_method("getChatMenuButton")
    async def _get_chat_menu_button(self, params: Params) -> Any:
        chat_id = params.values.get("chat_id")
        return self.menu_buttons.get(
            str(chat_id or "default"),
            self.menu_buttons.get("default", {"type": "commands"}),
        )

    def menu_button_for(self, chat_id: int) -> dict[str, Any]:
        """The button a user sees beside the input field in this chat: the chat's own, else
        the bot's default, else the list of commands."""
        for key in (str(chat_id), "default"):
            button = self.menu_buttons.get(key)
            if button is not None and button["type"] != "default":
                return dict(button)
        return {"type": "commands"}

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
