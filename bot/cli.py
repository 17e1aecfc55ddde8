"""`python -m bot <command>`: run the bot, seed the catalog, apply migrations, and more."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import text
from sqlalchemy.engine import make_url
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

from bot.config import ConfigError, Settings, load_settings
from bot.i18n import LANGUAGES
from bot.logging_setup import configure_logging, redact
from bot.store.catalog_file import CatalogError

if TYPE_CHECKING:
    from bot.runner import CannotListen
    from bot.store.uow import Store

log = logging.getLogger("bot")
# pg_advisory_lock key held while a process migrates and seeds ("shopbot" in ASCII).
STARTUP_LOCK_KEY = 0x73686F70626F74


class StartupError(Exception):
    """A problem that stops start-up; printed as one line, exit code 1."""


@dataclass(frozen=True)
class Command:
    help: str
    run: Callable[[argparse.Namespace], int]
    arguments: Callable[[argparse.ArgumentParser], object] = lambda parser: None
    needs_settings: bool = True


def safe_url(url: str) -> str:
    """The database URL with any password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable DATABASE_URL>"


@asynccontextmanager
async def one_at_a_time(store: Store) -> AsyncIterator[None]:
    """On PostgreSQL, workers starting together migrate and seed one after another.

    Without it, two first starts on an empty database both create the tables and one dies.
    A session advisory lock, on its own connection, is released when that connection closes.
    """
    if store.engine.dialect.name != "postgresql":
        yield
        return
    async with store.engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK_KEY})
        try:
            yield
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK_KEY})


async def prepare_database(settings: Settings, *, seed: bool = True) -> None:
    """Apply migrations and seed an empty shop; errors become one clear StartupError line."""
    from bot.store.db import DATABASE_ERRORS
    from bot.store.seed import seed_if_empty
    from bot.store.uow import Store

    store = Store.from_url(settings.database_url)
    try:
        async with one_at_a_time(store):
            try:
                await store.migrate()
            except Exception as exc:
                raise _unusable(settings, exc) from None
            if seed:
                report = await seed_if_empty(
                    store, settings.catalog_path, currency=settings.currency
                )
                if report:
                    log.info(
                        "seeded the empty shop from %s: %s",
                        settings.catalog_path,
                        report.summary(),
                    )
    except DATABASE_ERRORS as exc:
        raise _unusable(settings, exc) from None
    except OSError as exc:  # e.g. no connection for the start-up lock
        raise _unusable(settings, exc) from None
    finally:
        await store.close()


def _unusable(settings: Settings, exc: BaseException) -> StartupError:
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return StartupError(
        f"DATABASE_URL: cannot use the database at {safe_url(settings.database_url)}: {reason}"
    )


def _settings(args: argparse.Namespace) -> Settings:
    settings: Settings = args.settings
    return settings


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    asyncio.run(prepare_database(settings))
    log.info("starting long polling against %s", settings.bot_api_base_url)
    asyncio.run(serve(settings, "polling"))
    log.info("stopped")
    return 0


def cmd_webhook(args: argparse.Namespace) -> int:
    """One worker behind the webhook; run several on one database behind a load balancer."""
    from bot.app import webhook_options

    settings = _settings(args)
    options = webhook_options(settings)  # a bad WEBHOOK_* is one clear line before any work
    asyncio.run(prepare_database(settings))
    log.info(
        "serving the webhook on %s:%s/%s for %s",
        options["listen"],
        options["port"],
        options["url_path"],
        options["webhook_url"],
    )
    asyncio.run(serve(settings, "webhook"))
    log.info("stopped")
    return 0


async def serve(settings: Settings, mode: Literal["polling", "webhook"]) -> None:
    """Run until SIGTERM or SIGINT (Ctrl-C), then stop cleanly."""
    from bot.runner import CannotListen, Runner
    from bot.shop import Shop

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    shop = Shop.create(settings)
    runner = Runner(settings, shop, mode)
    try:
        try:
            await runner.start()
        except (TelegramError, CannotListen) as exc:
            raise _cannot_start(settings, exc) from None
        await stop.wait()
    finally:
        await runner.stop()
        await shop.close()


def _cannot_start(settings: Settings, exc: TelegramError | CannotListen) -> StartupError:
    """The one line for a start-up the Bot API or the network refused, naming the setting."""
    if not isinstance(exc, TelegramError):
        return StartupError(str(exc))
    if isinstance(exc, InvalidToken):  # its message quotes the token
        return StartupError("BOT_TOKEN was rejected by Telegram (getMe: Unauthorized)")
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return StartupError(
            f"TELEGRAM_API_BASE_URL: cannot reach the Bot API at "
            f"{settings.bot_api_base_url}: {exc.message}"
        )
    return StartupError(f"Telegram refused start-up: {exc.message}")


def cmd_seed(args: argparse.Namespace) -> int:
    from bot.store.db import DATABASE_ERRORS
    from bot.store.seed import seed_catalog
    from bot.store.uow import Store

    settings = _settings(args)
    path = Path(args.file) if args.file else settings.catalog_path

    async def _seed() -> str:
        await prepare_database(settings, seed=False)
        store = Store.from_url(settings.database_url)
        try:
            return (await seed_catalog(store, path, currency=settings.currency)).summary()
        except DATABASE_ERRORS as exc:  # e.g. a read-only database file
            raise _unusable(settings, exc) from None
        finally:
            await store.close()

    print(f"seeded from {path}: {asyncio.run(_seed())}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    asyncio.run(prepare_database(settings, seed=False))
    print(f"database at {safe_url(settings.database_url)} is at the latest schema")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot import demo

    return demo.main(
        db_path=Path(args.db) if args.db else None,
        stars=args.stars,
        language=args.lang,
        tax=args.tax,
    )


def cmd_sandbox(args: argparse.Namespace) -> int:
    from bot import sandbox

    if args.env_file is not None and not Path(args.env_file).exists():
        raise ConfigError(f"--env-file {args.env_file}: no such file")
    return sandbox.main(
        db_path=Path(args.db) if args.db else None,
        stars=args.stars,
        language=args.lang,
        tax=args.tax,
        env_file=args.env_file or ".env",
    )


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH", help="keep the SQLite database in PATH (default: a temporary one)"
    )
    parser.add_argument(
        "--stars",
        action="store_true",
        help="a Telegram Stars shop (CURRENCY=XTR, data/catalog-stars.json, no provider token)",
    )
    parser.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        default="en",
        help="the shopper's Telegram language: the bot answers in it (default: en)",
    )
    parser.add_argument(
        "--tax",
        metavar="RATE",
        help="prices include VAT at RATE percent (TAX_RATE, such as 20 or 7.7): orders say it;"
        " not with --stars",
    )


COMMANDS: dict[str, Command] = {
    "run": Command("run the bot with long polling (the default)", cmd_run),
    "webhook": Command("run the bot behind a webhook (production)", cmd_webhook),
    "seed": Command(
        "upsert the catalog file into the database (idempotent)",
        cmd_seed,
        lambda p: p.add_argument("--file", help="catalog JSON or CSV (default: CATALOG_PATH)"),
    ),
    "migrate": Command("apply database migrations and exit", cmd_migrate),
    "demo": Command(
        "play a scripted purchase against a local Telegram stand-in (no token, no network)",
        cmd_demo,
        _demo_arguments,
        needs_settings=False,
    ),
    "sandbox": Command(
        "chat with the bot in this terminal through the local stand-in (no token needed)",
        cmd_sandbox,
        _demo_arguments,
        needs_settings=False,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="A shopping assistant that lives in Telegram.",
    )
    parser.add_argument(
        "--env-file", help="settings file (default: .env, if there is one)", metavar="PATH"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.arguments(sub.add_parser(name, help=command.help, description=command.help))
    return parser


def secrets_of(settings: Settings | None) -> list[str]:
    """What is never printed or logged: the token, the Stripe key, the database password."""
    if settings is None:  # settings refused: what the environment holds
        return [os.environ.get("BOT_TOKEN", "").strip(), os.environ.get("STRIPE_API_KEY", "")]
    try:
        password = make_url(settings.database_url).password or ""
    except Exception:
        password = ""
    return [settings.bot_token, settings.stripe_api_key, str(password)]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    name = args.command or "run"
    command = COMMANDS[name]
    settings: Settings | None = None
    try:
        if command.needs_settings:
            if args.env_file is not None and not Path(args.env_file).exists():
                raise ConfigError(f"--env-file {args.env_file}: no such file")
            settings = args.settings = load_settings(env_file=args.env_file or ".env")
            configure_logging(settings.log_level, secrets_of(settings))
        return command.run(args)
    except (ConfigError, StartupError, CatalogError) as exc:
        _fail(str(exc), settings)
        return 2 if isinstance(exc, ConfigError) else 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a start-up the checks above missed: still one line
        log.debug("start-up failed", exc_info=True)  # LOG_LEVEL=DEBUG: the traceback, redacted
        first_line = (str(exc).splitlines() or [""])[0]
        _fail(f"{type(exc).__name__}: {first_line}", settings)
        return 1


def _fail(message: str, settings: Settings | None) -> None:
    print(f"error: {redact(message, secrets_of(settings))}", file=sys.stderr)
