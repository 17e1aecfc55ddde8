"""Handler modules, one per feature, registered in one explicit order."""

from __future__ import annotations

from bot.context import AnyApplication
from bot.handlers import (
    admin,
    cart,
    errors,
    fallback,
    faq,
    gate,
    inline,
    language,
    notifications,
    orders,
    payments,
    privacy,
    referrals,
    replay,
    reviews,
    saved,
    shop,
    support,
    text,
)

# Order matters: earlier modules win; `gate` turns away groups and edits before anyone,
# `replay` answers an update a crash interrupted after its change was made; `fallback`
# answers whatever nobody else handled.
FEATURES = [
    gate,
    replay,
    admin,
    shop,
    cart,
    orders,
    reviews,
    saved,
    referrals,
    payments,
    support,
    faq,
    privacy,
    notifications,
    language,
    text,
    inline,
    fallback,
]


def register_handlers(app: AnyApplication) -> None:
    for feature in FEATURES:
        feature.register(app)
    app.add_error_handler(errors.on_error)
