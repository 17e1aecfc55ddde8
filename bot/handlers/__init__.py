"""Handler modules, one per feature, registered in one explicit order."""

from __future__ import annotations

from bot.context import AnyApplication
from bot.handlers import basics, errors, fallback

# Order matters: earlier modules win; `fallback` answers whatever nobody else handled.
FEATURES = [basics, fallback]


def register_handlers(app: AnyApplication) -> None:
    for feature in FEATURES:
        feature.register(app)
    app.add_error_handler(errors.on_error)
