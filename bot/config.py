"""Settings from the environment and an optional .env file, checked once at start-up."""

from __future__ import annotations

import hashlib
import io
import itertools
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from dotenv.parser import parse_stream
from telegram.constants import InvoiceLimit

from bot.catalog_rules import is_count
from bot.i18n import LANGUAGES, normalize
from bot.money import MoneyError, check_currency, exponent, parse_amount
from bot.tax import DEFAULT_LABEL, MAX_LABEL, TaxRateError, parse_rate

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/shop.db"
DEFAULT_STRIPE_API_BASE = "https://api.stripe.com"
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


MOST_RESUME_HOURS = 720  # 30 days, as far ahead as a broadcast may be planned
MOST_BATCH = 1000  # recipients read at once, and the most who may get a broadcast twice
DEFAULT_INVOICE_PREFIX = "INV-"
INVOICE_SELLER_MAX = 120  # a legal name on one line of the PDF
INVOICE_ADDRESS_LINES = 6
INVOICE_ADDRESS_LINE_MAX = 80
_TAX_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{1,30}$")  # "DE123456789", "ESB-1234567-8"
_PREFIX_RE = re.compile(r"^[A-Za-z0-9/_-]{1,12}$")  # "INV-", "F/"
MAX_PICKUP_POINTS = 10  # a payment form's list stays short enough to read
PICKUP_NAME_MAX = 48  # the option's title in the form: "🏬 Pick up: <name> (free)"
PICKUP_ADDRESS_MAX = 200
MOST_DELIVERY_WINDOWS = 8  # DELIVERY_SLOTS: windows a day
MOST_DELIVERY_DAYS = 14  # DELIVERY_DAYS_AHEAD
MOST_DELIVERY_CHOICES = 48  # windows × days: the buttons a summary may offer
_WINDOW_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class PickupPoint:
    """A place where buyers collect their order (PICKUP_POINTS): its name and where it is."""

    name: str
    address: str = ""

    @property
    def place(self) -> str:
        """ "Main Street shop, 12 Main St, Springfield": how notices and screens name it."""
        return f"{self.name}, {self.address}" if self.address else self.name


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment; every field but the token has a default."""

    bot_token: str
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL connections a worker keeps (None: bot.store.db.POSTGRES_POOL_SIZE)
    database_pool_size: int | None = None
    admin_ids: frozenset[int] = frozenset()
    staff_ids: frozenset[int] = frozenset()  # pack, ship, answer shoppers (bot.permissions)
    currency: str = "USD"
    default_language: str = "en"  # for readers whose Telegram language the shop does not speak
    payment_provider_token: str = ""
    stripe_api_key: str = ""
    stripe_api_base: str = DEFAULT_STRIPE_API_BASE
    log_level: str = "INFO"
    payload_secret: str = field(default="", repr=False)
    catalog_path: Path = Path("data/catalog.json")
    reservation_minutes: int = 15
    low_stock_threshold: int = 3
    shipping_countries: frozenset[str] = frozenset(
        {"US", "CA", "GB", "IE", "DE", "FR", "NL", "BE", "ES", "IT", "AT", "SE", "DK", "PL"}
    )
    shipping_home_country: str = "US"
    shipping_standard: int = 500
    shipping_express: int = 1500
    free_shipping_over: int = 5000
    min_order: int = 0  # the least the goods may come to at checkout (0: no minimum)
    # A gift card worth this, for the shopper whose invited friend got her first order
    # (bot.services.referrals); 0: invitations are off.
    referral_reward: int = 0
    shipping_international_extra: int = 1000
    # Where buyers may collect their order at home (payment form option "pickup:1", ...).
    pickup_points: tuple[PickupPoint, ...] = ()
    broadcast_rate: float = 25.0
    # A broadcast a crash cut short goes on (another worker, or the restart) if it started
    # within these hours; an older one is yesterday's news and is reported as it got.
    broadcast_resume_hours: int = 24
    # Messages a broadcast sends between two records of how far it got (and recipients it
    # reads at once): the most a crash may leave in doubt, so the most who may get it twice.
    broadcast_batch: int = 20
    cart_reminder_hours: int = 24  # 0: no cart reminders
    webhook_url: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str = field(default="", repr=False)
    inbox_lease_seconds: int = 30
    inbox_keep_hours: int = 24
    metrics_port: int = 0  # polling mode: serve /healthz and /metrics here (0: off)
    stars_reconcile_seconds: int = 300  # Stars shops: how often getStarTransactions is read
    webapp_url: str = ""  # the storefront's public https address ("": the storefront is off)
    webapp_port: int = 8080  # polling mode: where the storefront is served
    webapp_auth_max_age: int = 3600  # seconds a Mini App's initData stays good after auth_date
    tip_max: int = 0  # card invoices: the largest tip the payment form allows (0: no tips)
    tip_suggested: tuple[int, ...] = ()  # up to four tip buttons, ascending, each <= tip_max
    shop_timezone: str = "UTC"  # IANA name: where the shop's day begins (/stats "Today")
    shopper_cancel: bool = True  # a shopper may cancel her own paid order before it ships
    daily_report_hour: int | None = 9  # the admins' morning report: this hour, shop's clock
    tracking_url: str = ""  # a carrier's page with {number} in it ("": no Track parcel button)
    privacy_policy_url: str = ""  # the shop's full privacy policy ("": no button under /privacy)
    return_days: int = 14  # days after delivery a shopper may ask to return items (0: off)
    # VAT included in prices (bot.tax), in basis points: 2000 is 20% (None: the shop shows
    # no tax at all), and what the shop calls it ("Includes VAT 20%: $2.67").
    tax_rate_bp: int | None = None
    tax_label: str = DEFAULT_LABEL
    # Invoices (bot.services.invoices): the seller's legal name ("": no invoices at all), her
    # address as lines, VAT number ("": none printed) and what numbers begin with.
    invoice_seller: str = ""
    invoice_address: tuple[str, ...] = ()
    invoice_tax_id: str = ""
    invoice_prefix: str = DEFAULT_INVOICE_PREFIX
    # Delivery time slots (bot.services.delivery_slots): the day's windows, "10:00-12:00"
    # (empty: she is not asked when), orders each window takes per day, days offered from
    # today (the shop's days) and the minutes before its start a window stops being offered.
    delivery_slots: tuple[str, ...] = ()
    delivery_slot_capacity: int = 5
    delivery_days_ahead: int = 3
    delivery_cutoff_minutes: int = 60

    def __post_init__(self) -> None:
        if not self.payload_secret:
            derived = hashlib.sha256(b"shopbot-payload:" + self.bot_token.encode()).hexdigest()
            object.__setattr__(self, "payload_secret", derived)
        if not self.webhook_secret:
            derived = hashlib.sha256(b"shopbot-webhook:" + self.bot_token.encode()).hexdigest()
            object.__setattr__(self, "webhook_secret", derived[:64])

    @property
    def bot_api_base_url(self) -> str:
        """Base URL handed to python-telegram-bot (it appends the token)."""
        return _api_root(self.telegram_api_base_url) + "/bot"

    @property
    def bot_api_file_url(self) -> str:
        """File download base URL, derived from the API base URL."""
        return _api_root(self.telegram_api_base_url) + "/file/bot"

    @property
    def storefront_on(self) -> bool:
        """The Mini App storefront is served (WEBAPP_URL is set)."""
        return bool(self.webapp_url)

    @property
    def tips_on(self) -> bool:
        """Card invoices offer a tip (Stars invoices never do)."""
        return self.tip_max > 0 and not self.uses_stars

    @property
    def uses_stars(self) -> bool:
        """Invoices in Telegram Stars (no provider token needed)."""
        return self.currency == "XTR"

    @property
    def zone(self) -> ZoneInfo:
        """SHOP_TIMEZONE as a time zone (checked when the settings were read)."""
        return ZoneInfo(self.shop_timezone)

    def now(self) -> datetime:
        """This moment on the shop's clock: a promo code's days are the shop's days."""
        return datetime.now(self.zone)

    @property
    def invoices_on(self) -> bool:
        """Paid orders offer a 🧾 Invoice (INVOICE_SELLER is set)."""
        return bool(self.invoice_seller)

    @property
    def slots_on(self) -> bool:
        """Orders shipped to an address ask when they should arrive (DELIVERY_SLOTS is set)."""
        return bool(self.delivery_slots)

    @property
    def tax_on(self) -> bool:
        """Orders say the VAT their prices include (TAX_RATE is set)."""
        return self.tax_rate_bp is not None

    @property
    def shown_tax_label(self) -> str | None:
        """TAX_LABEL, which the lines saying the tax name ("Includes VAT 20%: $2.67"), when
        the shop has TAX_RATE; None when it shows no tax."""
        return self.tax_label if self.tax_on else None

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids


def _api_root(url: str) -> str:
    root = url.rstrip("/")
    return root[: -len("/bot")] if root.endswith("/bot") else root


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Read settings from `environ` (default os.environ) over an optional .env file.

    Real environment variables win over the file, like docker and most twelve-factor tools.
    """
    return parse_settings(env_values(environ, env_file))


def env_values(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> dict[str, str]:
    """The raw values `load_settings` reads (`environ` over the .env file), unchecked: for
    the sandbox, which takes the shop's settings from them and decides the rest itself."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).exists():
        try:
            content = Path(env_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {env_file}: {exc}") from None
        # python-dotenv skips a line it cannot parse with a warning, and an unclosed quote
        # would silently drop a setting (ADMIN_IDS="1,2: a shop with no admins).
        for binding in parse_stream(io.StringIO(content)):
            if binding.error:
                raise ConfigError(
                    f"{env_file}, line {binding.original.line}: cannot be read (an unclosed quote?)"
                )
        loaded = dotenv_values(stream=io.StringIO(content))
        values.update({k: v for k, v in loaded.items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return values


def parse_settings(env: Mapping[str, str]) -> Settings:
    """Settings from raw values, each checked (ConfigError, one line, for the first wrong)."""

    def get(name: str, default: str = "") -> str:
        return env.get(name, default).strip() or default

    token = get("BOT_TOKEN")
    if not token:
        raise ConfigError("BOT_TOKEN is not set: put the token from @BotFather in it")
    bot_id, _, secret = token.partition(":")
    if not is_count(bot_id) or not secret:
        raise ConfigError("BOT_TOKEN is malformed: expected '<digits>:<secret>' from @BotFather")

    base = get("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL)
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_API_BASE_URL must start with http:// or https://: {base!r}")

    database_url = get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ConfigError(
            "DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
        )
    if _in_memory(database_url):
        raise ConfigError(
            "DATABASE_URL: an in-memory SQLite database would lose the shop at every restart;"
            " name a file, such as sqlite+aiosqlite:///data/shop.db"
        )

    try:
        currency = check_currency(get("CURRENCY", "USD"))
    except MoneyError as exc:
        raise ConfigError(f"CURRENCY: {exc}") from None

    level = get("LOG_LEVEL", "INFO").upper()
    if level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {level!r}")

    stripe_base = get("STRIPE_API_BASE", DEFAULT_STRIPE_API_BASE)
    if not stripe_base.startswith(("http://", "https://")):
        raise ConfigError(f"STRIPE_API_BASE must start with http:// or https://: {stripe_base!r}")

    countries = frozenset(
        c.strip().upper() for c in get("SHIPPING_COUNTRIES", "").split(",") if c.strip()
    )
    for code in countries:
        if len(code) != 2 or not code.isalpha():
            raise ConfigError(f"SHIPPING_COUNTRIES: {code!r} is not a two-letter country code")

    home = get("SHIPPING_HOME_COUNTRY", "US").upper()
    if len(home) != 2 or not home.isalpha():
        raise ConfigError(f"SHIPPING_HOME_COUNTRY: {home!r} is not a two-letter country code")

    webapp_url = get("WEBAPP_URL")
    if webapp_url and not (webapp_url.startswith("https://") and len(webapp_url) > 8):
        raise ConfigError(
            f"WEBAPP_URL must be the storefront's public https:// address: {webapp_url!r}"
        )
    if webapp_url and not webapp_url.endswith("/") and not any(c in webapp_url for c in "?#"):
        webapp_url += "/"  # the page's own addresses are relative to its folder

    tax_rate = _tax_rate(get("TAX_RATE"), currency)
    tax_label = _tax_label(get("TAX_LABEL", DEFAULT_LABEL))

    seller, address, tax_id, prefix = _invoice_settings(env)

    tip_max = _amount(env, "TIP_MAX", currency, "0")
    tip_suggested = _tip_suggestions(env.get("TIP_SUGGESTED", ""), currency, tip_max)

    slots = _delivery_slots(get("DELIVERY_SLOTS"))
    days_ahead = _whole_up_to(env, "DELIVERY_DAYS_AHEAD", 3, MOST_DELIVERY_DAYS, "days")
    if len(slots) * days_ahead > MOST_DELIVERY_CHOICES:
        raise ConfigError(
            f"DELIVERY_SLOTS × DELIVERY_DAYS_AHEAD must be at most {MOST_DELIVERY_CHOICES} times"
            f" to choose from, got {len(slots)} windows × {days_ahead} days"
        )

    defaults = Settings(bot_token=token)
    return Settings(
        bot_token=token,
        telegram_api_base_url=base,
        database_url=database_url,
        admin_ids=_int_set(env.get("ADMIN_IDS", ""), "ADMIN_IDS"),
        staff_ids=_int_set(env.get("STAFF_IDS", ""), "STAFF_IDS"),
        currency=currency,
        default_language=_language(get("DEFAULT_LANGUAGE", "en")),
        payment_provider_token=get("PAYMENT_PROVIDER_TOKEN"),
        stripe_api_key=get("STRIPE_API_KEY"),
        stripe_api_base=stripe_base,
        log_level=level,
        payload_secret=get("PAYLOAD_SECRET"),
        catalog_path=Path(get("CATALOG_PATH", "data/catalog.json")),
        database_pool_size=_positive_int(env, "DATABASE_POOL_SIZE", 0) or None,
        reservation_minutes=_positive_int(env, "RESERVATION_MINUTES", 15),
        low_stock_threshold=_positive_int(env, "LOW_STOCK_THRESHOLD", 3, allow_zero=True),
        shipping_countries=(countries or defaults.shipping_countries) | {home},
        shipping_home_country=home,
        shipping_standard=_amount(env, "SHIPPING_STANDARD", currency, "5.00"),
        shipping_express=_amount(env, "SHIPPING_EXPRESS", currency, "15.00"),
        free_shipping_over=_amount(env, "FREE_SHIPPING_OVER", currency, "50.00"),
        min_order=_amount(env, "MIN_ORDER", currency, "0"),
        referral_reward=_amount(env, "REFERRAL_REWARD", currency, "0"),
        shipping_international_extra=_amount(
            env, "SHIPPING_INTERNATIONAL_EXTRA", currency, "10.00"
        ),
        pickup_points=_pickup_points(get("PICKUP_POINTS")),
        broadcast_rate=_positive_float(env, "BROADCAST_RATE", 25.0),
        broadcast_resume_hours=_whole_up_to(
            env, "BROADCAST_RESUME_HOURS", 24, MOST_RESUME_HOURS, "hours"
        ),
        broadcast_batch=_whole_up_to(env, "BROADCAST_BATCH", 20, MOST_BATCH, "messages"),
        cart_reminder_hours=_positive_int(env, "CART_REMINDER_HOURS", 24, allow_zero=True),
        webhook_url=get("WEBHOOK_URL"),
        webhook_listen=get("WEBHOOK_LISTEN", "0.0.0.0"),
        webhook_port=_port(env, "WEBHOOK_PORT", 8443),
        webhook_secret=get("WEBHOOK_SECRET"),
        inbox_lease_seconds=_positive_int(env, "INBOX_LEASE_SECONDS", 30),
        inbox_keep_hours=_positive_int(env, "INBOX_KEEP_HOURS", 24),
        metrics_port=_port(env, "METRICS_PORT", 0, allow_zero=True),
        stars_reconcile_seconds=_positive_int(env, "STARS_RECONCILE_SECONDS", 300),
        webapp_url=webapp_url,
        webapp_port=_port(env, "WEBAPP_PORT", 8080),
        webapp_auth_max_age=_positive_int(env, "WEBAPP_AUTH_MAX_AGE", 3600),
        tip_max=tip_max,
        tip_suggested=tip_suggested,
        shop_timezone=_timezone(get("SHOP_TIMEZONE", "UTC")),
        shopper_cancel=_switch(env, "SHOPPER_CANCEL", True),
        daily_report_hour=_hour_or_off(env, "DAILY_REPORT_HOUR", 9),
        tracking_url=_tracking_url(get("TRACKING_URL")),
        privacy_policy_url=_privacy_policy_url(get("PRIVACY_POLICY_URL")),
        return_days=_positive_int(env, "RETURN_DAYS", 14, allow_zero=True),
        tax_rate_bp=tax_rate,
        tax_label=tax_label,
        invoice_seller=seller,
        invoice_address=address,
        invoice_tax_id=tax_id,
        invoice_prefix=prefix,
        delivery_slots=slots,
        delivery_slot_capacity=_positive_int(env, "DELIVERY_SLOT_CAPACITY", 5),
        delivery_days_ahead=days_ahead,
        delivery_cutoff_minutes=_positive_int(env, "DELIVERY_CUTOFF_MINUTES", 60, allow_zero=True),
    )


def _invoice_settings(env: Mapping[str, str]) -> tuple[str, tuple[str, ...], str, str]:
    """INVOICE_SELLER, INVOICE_ADDRESS (lines split at ";" or a newline, written as such or
    as the two characters \\n), INVOICE_TAX_ID and INVOICE_PREFIX, each checked; the address
    or tax number without a seller is refused, as it would silently print nothing."""
    seller = env.get("INVOICE_SELLER", "").strip()
    raw_address = env.get("INVOICE_ADDRESS", "").strip()
    tax_id = env.get("INVOICE_TAX_ID", "").strip()
    prefix = env.get("INVOICE_PREFIX", "").strip() or DEFAULT_INVOICE_PREFIX
    if len(seller) > INVOICE_SELLER_MAX or not seller.isprintable():
        raise ConfigError(
            f"INVOICE_SELLER must be the shop's legal name on one line, at most "
            f"{INVOICE_SELLER_MAX} characters, got {seller!r}"
        )
    if not seller and (raw_address or tax_id):
        raise ConfigError(
            "INVOICE_ADDRESS and INVOICE_TAX_ID need INVOICE_SELLER, the legal name invoices are"
            " issued in: set it, or leave them empty"
        )
    lines = tuple(line.strip() for line in re.split(r";|\n|\\n", raw_address) if line.strip())
    if len(lines) > INVOICE_ADDRESS_LINES or any(
        len(line) > INVOICE_ADDRESS_LINE_MAX or not line.isprintable() for line in lines
    ):
        raise ConfigError(
            f"INVOICE_ADDRESS must be at most {INVOICE_ADDRESS_LINES} lines separated by ; of at"
            f" most {INVOICE_ADDRESS_LINE_MAX} characters each, got {raw_address!r}"
        )
    if tax_id and not _TAX_ID_RE.match(tax_id):
        raise ConfigError(
            f"INVOICE_TAX_ID must be a VAT number of 2 to 31 letters, digits, spaces, dots or"
            f" dashes, such as DE123456789, got {tax_id!r}"
        )
    if not _PREFIX_RE.match(prefix):
        raise ConfigError(
            f"INVOICE_PREFIX must be at most 12 letters, digits, -, _ or /, such as INV-, got"
            f" {prefix!r}"
        )
    return seller, lines, tax_id, prefix


def _tax_rate(raw: str, currency: str) -> int | None:
    """TAX_RATE: empty (no tax shown), or the percent prices include (bot.tax.parse_rate);
    refused in a Stars shop, whose goods Telegram sells."""
    if not raw:
        return None
    if currency == "XTR":
        raise ConfigError(
            "TAX_RATE: a Stars shop (CURRENCY=XTR) shows no tax, Telegram sells its goods;"
            " leave TAX_RATE empty"
        )
    try:
        return parse_rate(raw)
    except TaxRateError as exc:
        raise ConfigError(f"TAX_RATE: {exc}") from None


def _tax_label(raw: str) -> str:
    """TAX_LABEL: a word of at most MAX_LABEL characters (VAT, MwSt., IVA, НДС)."""
    if len(raw) > MAX_LABEL or not raw.isprintable():
        raise ConfigError(
            f"TAX_LABEL must be a word of at most {MAX_LABEL} characters, such as VAT, got {raw!r}"
        )
    return raw


def _delivery_slots(raw: str) -> tuple[str, ...]:
    """DELIVERY_SLOTS: empty (off), or up to MOST_DELIVERY_WINDOWS daily windows separated by
    commas, each "HH:MM-HH:MM" ending after it starts and none overlapping another; kept in
    the order of the day, written as "10:00-12:00" (the form the store keys them by)."""
    if not raw.strip():
        return ()
    spans: list[tuple[int, int]] = []
    for part in raw.split(","):
        match = _WINDOW_RE.match(part.strip())
        if not match:
            raise ConfigError(
                f"DELIVERY_SLOTS must be windows such as 10:00-12:00,14:00-16:00, got {part!r}"
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise ConfigError(f"DELIVERY_SLOTS: {part.strip()!r} is not a time of day")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise ConfigError(f"DELIVERY_SLOTS: {part.strip()!r} must end after it starts")
        spans.append((start, end))
    if len(spans) > MOST_DELIVERY_WINDOWS:
        raise ConfigError(
            f"DELIVERY_SLOTS: at most {MOST_DELIVERY_WINDOWS} windows a day, got {len(spans)}"
        )
    spans.sort()
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            raise ConfigError("DELIVERY_SLOTS: windows must not overlap")
    return tuple(f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in spans)


def _pickup_points(raw: str) -> tuple[PickupPoint, ...]:
    """PICKUP_POINTS: empty (no pickup), or up to MAX_PICKUP_POINTS places separated by ";",
    each "name|address" (the address may be left out). Their order is their number in the
    payment form's option ids ("pickup:1" is the first)."""
    if not raw:
        return ()
    points: list[PickupPoint] = []
    for number, entry in enumerate(raw.split(";"), start=1):
        if not entry.strip():  # a trailing ";"
            continue
        name, _, address = (part.strip() for part in entry.partition("|"))
        problem = ""
        if not name:
            problem = "has no name"
        elif "|" in address:
            problem = "has more than one |"
        elif len(name) > PICKUP_NAME_MAX:
            problem = f"has a name longer than {PICKUP_NAME_MAX} characters"
        elif len(address) > PICKUP_ADDRESS_MAX:
            problem = f"has an address longer than {PICKUP_ADDRESS_MAX} characters"
        elif any(point.name.casefold() == name.casefold() for point in points):
            problem = f"repeats the name {name!r}"
        if problem:
            raise ConfigError(
                f"PICKUP_POINTS: place {number} ({entry.strip()!r}) {problem}; write "
                '"name|address; name|address", e.g. "Main Street shop|12 Main St; Harbour kiosk"'
            )
        points.append(PickupPoint(name, address))
    if len(points) > MAX_PICKUP_POINTS:
        raise ConfigError(
            f"PICKUP_POINTS: {len(points)} places; the payment form offers at most "
            f"{MAX_PICKUP_POINTS}"
        )
    return tuple(points)


def _tracking_url(raw: str) -> str:
    """TRACKING_URL: empty (no Track parcel button), or an https:// address (its host named,
    not made of the number) with {number} once, where the parcel's tracking number goes."""
    if not raw:
        return raw
    host = urlsplit(raw).netloc
    if not raw.startswith("https://") or raw.count("{number}") != 1 or not host or "{" in host:
        raise ConfigError(
            "TRACKING_URL must be an https:// address with {number} once, where the tracking "
            f"number goes (https://www.17track.net/en/track?nums={{number}}), got {raw!r}"
        )
    return raw


def _privacy_policy_url(raw: str) -> str:
    """PRIVACY_POLICY_URL: empty (no button), or an https:// page (a URL button needs one)."""
    if raw and (not raw.startswith("https://") or not urlsplit(raw).netloc):
        raise ConfigError(
            f"PRIVACY_POLICY_URL must be an https:// address (https://shop.example/privacy), "
            f"got {raw!r}"
        )
    return raw


def _timezone(raw: str) -> str:
    """An IANA time zone name ("Europe/Madrid"); the tzdata package holds them where the
    system has none."""
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"SHOP_TIMEZONE: {raw!r} is not a time zone name such as Europe/Madrid or UTC"
        ) from None
    return raw


def _in_memory(database_url: str) -> bool:
    if not database_url.startswith("sqlite"):
        return False
    path, _, query = database_url.partition("://")[2].removeprefix("/").partition("?")
    return path in ("", ":memory:") or "mode=memory" in query


def _language(raw: str) -> str:
    language = normalize(raw)
    if language is None:
        raise ConfigError(
            f"DEFAULT_LANGUAGE: {raw!r} is not a language of the shop ({', '.join(LANGUAGES)})"
        )
    return language


def _tip_suggestions(raw: str, currency: str, tip_max: int) -> tuple[int, ...]:
    """TIP_SUGGESTED as Telegram takes it: at most four amounts, ascending, none above
    TIP_MAX (and TIP_MAX set)."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts:
        return ()
    if tip_max <= 0:
        raise ConfigError("TIP_SUGGESTED needs TIP_MAX: set the largest tip first")
    if len(parts) > InvoiceLimit.MAX_TIP_AMOUNTS:
        raise ConfigError(f"TIP_SUGGESTED: at most {InvoiceLimit.MAX_TIP_AMOUNTS} amounts")
    try:
        amounts = tuple(parse_amount(part, currency) for part in parts)
    except MoneyError as exc:
        raise ConfigError(f"TIP_SUGGESTED: {exc}") from None
    if any(a <= 0 for a in amounts) or list(amounts) != sorted(set(amounts)):
        raise ConfigError("TIP_SUGGESTED: amounts above zero, each larger than the one before")
    if amounts[-1] > tip_max:
        raise ConfigError("TIP_SUGGESTED: no suggested tip may be larger than TIP_MAX")
    return amounts


_MOST_DIGITS = 18
"""Digits a whole-number setting may have: more than any id or count, far fewer than int()
refuses (4300), so a pasted blob is a ConfigError, not a ValueError."""


def _whole_number(text: str) -> bool:
    """ASCII digits only (`is_count`): int() also takes other scripts' digits, and
    isdigit() takes superscripts that int() then refuses."""
    return is_count(text) and len(text.lstrip("0")) <= _MOST_DIGITS


def _int_set(raw: str, name: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not _whole_number(part.removeprefix("-")):  # a group or channel id is negative
            raise ConfigError(f"{name} must be comma-separated Telegram user ids, got {part!r}")
        ids.add(int(part))
    return frozenset(ids)


def _positive_int(env: Mapping[str, str], name: str, default: int, allow_zero: bool = False) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not _whole_number(raw) or (int(raw) == 0 and not allow_zero):
        raise ConfigError(f"{name} must be a positive whole number, got {raw!r}")
    return int(raw)


def _whole_up_to(env: Mapping[str, str], name: str, default: int, most: int, unit: str) -> int:
    """A whole number from 1 to `most` (unset: `default`)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not _whole_number(raw) or not 1 <= int(raw) <= most:
        raise ConfigError(f"{name} must be a whole number of {unit} from 1 to {most}, got {raw!r}")
    return int(raw)


_ON, _OFF = ("1", "on", "true", "yes"), ("0", "off", "false", "no")


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A setting that is on or off: 1/on/true/yes or 0/off/false/no (any case)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _ON + _OFF:
        raise ConfigError(f"{name} must be on or off (1/0, true/false, yes/no), got {raw!r}")
    return raw in _ON


def _hour_or_off(env: Mapping[str, str], name: str, default: int) -> int | None:
    """A whole hour of the day, 0-23 (unset: `default`); set empty or `off`: None."""
    if name not in env:
        return default
    raw = env[name].strip()
    if not raw or raw.lower() == "off":
        return None
    if not _whole_number(raw) or int(raw) > 23:
        raise ConfigError(f"{name} must be a whole hour from 0 to 23, or off, got {raw!r}")
    return int(raw)


def _port(env: Mapping[str, str], name: str, default: int, allow_zero: bool = False) -> int:
    port = _positive_int(env, name, default, allow_zero)
    if port > 65535:
        raise ConfigError(f"{name} must be a TCP port from 1 to 65535, got {port}")
    return port


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and value > 0):
        raise ConfigError(f"{name} must be a positive number, got {raw!r}")
    return value


def _amount(env: Mapping[str, str], name: str, currency: str, default: str) -> int:
    if exponent(currency) == 0:
        default = default.split(".")[0] + "00"  # "5.00" -> 500 yen or stars
    raw = env.get(name, "").strip() or default
    try:
        return parse_amount(raw, currency)
    except MoneyError as exc:
        raise ConfigError(f"{name}: {exc}") from None
