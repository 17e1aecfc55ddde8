"""The permission table (bot.permissions) covers every admin command, button, step and menu
section, so a new one cannot forget to say who may use it; and staff may do the day's work,
never what moves money, the catalog or every customer at once."""

from __future__ import annotations

import pytest

from bot import callback_data, permissions
from bot.config import load_settings
from bot.handlers import admin
from bot.handlers.admin import flows, menu
from bot.permissions import Role
from bot.texts.commands import ADMIN_COMMANDS

ADMIN_BUTTONS = sorted(
    (action for action in callback_data._ACTIONS.values() if action.code[:1].isupper()),
    key=lambda action: action.code,
)
STAFF_COMMANDS = {"admin", "orders_admin", "customer", "slots"}
STAFF_BUTTONS = {
    "AM",  # the menu (its Orders section only)
    "AOL",  # order lists
    "AOO",  # an order's screen
    "AOS",  # 🚚 Ship
    "AOD",  # 📦 Delivered
    "AOK",  # 🏬 Ready for pickup
    "AOU",  # ✅ Picked up
    "AOT",  # ✏️ Tracking number
    "AON",  # 🗒 Add note
    "AOI",  # 🧾 Invoice (a document of an order they can open)
    "ACU",  # 👤 Customer
    "ASX",  # ✅ Close conversation
    "AFC",  # a step's Confirm, Cancel, Skip (the step's own action is checked too)
    "AFX",
    "AFS",
}


@pytest.mark.parametrize("command", sorted(admin.COMMANDS))
def test_every_admin_command_names_an_action_of_the_table(command: str) -> None:
    assert permissions.COMMANDS[command] in permissions.STAFF_MAY
    assert permissions.may(Role.ADMIN, permissions.COMMANDS[command])
    staff_may = permissions.may(Role.STAFF, permissions.COMMANDS[command])
    assert staff_may == (command in STAFF_COMMANDS)
    assert not permissions.may(None, permissions.COMMANDS[command])


@pytest.mark.parametrize("action", ADMIN_BUTTONS, ids=lambda action: action.code)
def test_every_admin_button_is_answered_and_names_an_action_of_the_table(
    action: type[callback_data.Action],
) -> None:
    assert action in admin.BUTTONS  # answered by the admin dispatcher
    assert permissions.BUTTONS[action] in permissions.STAFF_MAY
    staff_may = permissions.may(Role.STAFF, permissions.BUTTONS[action])
    assert staff_may == (action.code in STAFF_BUTTONS)


@pytest.mark.parametrize("section", [*sorted(menu.SECTIONS), "menu"])
def test_every_admin_menu_section_names_an_action_and_staff_open_only_orders(
    section: str,
) -> None:
    action = permissions.button_action(callback_data.AdminMenu(section))
    assert action in permissions.STAFF_MAY
    assert permissions.may(Role.STAFF, action) == (section in ("orders", "menu"))


def test_every_step_says_who_may_take_it_and_staff_take_only_the_shipping_ones() -> None:
    assert set(flows.FLOWS) == set(permissions.STEPS)
    staff = {
        kind for kind, action in permissions.STEPS.items() if permissions.may(Role.STAFF, action)
    }
    assert staff == {"ship", "tracking", "note"}


def test_every_command_in_the_menus_is_one_the_table_knows() -> None:
    assert {name for name, _ in ADMIN_COMMANDS} == set(admin.COMMANDS) == set(permissions.COMMANDS)
    mine = {name for name, _ in permissions.commands_of(Role.STAFF, ADMIN_COMMANDS)}
    assert mine == STAFF_COMMANDS


def test_staff_hear_of_orders_to_ship_and_questions_admins_of_everything() -> None:
    settings = load_settings(
        {"BOT_TOKEN": "1:x", "ADMIN_IDS": "1, 2", "STAFF_IDS": "3,2"}, env_file=None
    )
    assert permissions.role_of(settings, 2) is Role.ADMIN  # in both lists: an admin
    assert permissions.role_of(settings, 3) is Role.STAFF
    assert permissions.role_of(settings, 4) is None
    assert permissions.readers(settings, "alert.new_order") == (1, 2, 3)
    assert permissions.readers(settings, "alert.question") == (1, 2, 3)
    assert permissions.readers(settings, "alert.other") == (1, 2)
    assert permissions.acting(settings, 3) == "staff:3"
    assert permissions.acting(settings, 2) == "admin:2"
