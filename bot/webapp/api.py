"""The storefront over HTTP: the page itself, product photos, and a small JSON API.

Mounted by bot.web at /shop/ of the bot's own server (beside the webhook, or on WEBAPP_PORT
when polling). Every API call must carry the Mini App's initData (`Authorization: tma
<initData>`): the shopper is whoever Telegram signed it for, never anything the page says,
so a shopper reaches only their own cart and orders. Missing, tampered or expired initData
gets 401 with the reason; more than a shopper's share of requests gets 429.

Handlers are thin, as in bot/handlers: parse the request, call one use case (the chat's cart
and checkout, bot.conversation.storefront and journey.pay), answer with bot.webapp.views.
Photos are public (an <img> sends no headers), and only those of products on sale.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import math
import mimetypes
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web
from telegram import Bot
from telegram.error import TelegramError

from bot import i18n
from bot.conversation import journey, storefront
from bot.conversation.journey import Shopper, Shown
from bot.conversation.screens import CheckoutScreen, InvoiceScreen, PaidByCardScreen
from bot.handlers.payments import paid_by_card
from bot.i18n import N_
from bot.services.blocking import REFUSAL, Blocked
from bot.services.cancelling import NotCancellable
from bot.services.cart import MAX_QUANTITY
from bot.services.catalog import CATEGORY_ORDERS
from bot.services.errors import (
    CategoryNotFound,
    NotRateable,
    OrderNotFound,
    ProductUnavailable,
    ShopError,
    StillToPay,
    VariantUnavailable,
)
from bot.services.photos import PhotoKind
from bot.services.ratings import STARS
from bot.services.returns import REASON_CODES, NotReturnable, UnknownReturnLine
from bot.shop import Shop
from bot.store.ids import MAX_ROW_ID, row_id
from bot.texts import returns as return_texts
from bot.usecases import returns
from bot.usecases.shopper_orders import cancel_own_order
from bot.views import payments as payment_views
from bot.views import shopper as shopper_views
from bot.webapp import views
from bot.webapp.init_data import InitDataError, WebAppUser, validate_init_data
from bot.webapp.limits import RateLimiter
from bot.webapp.texts import page_texts

log = logging.getLogger(__name__)

MOUNT = "/shop"
STATIC = Path(__file__).parent / "static"
ASSET_TYPES = {"app.js": "text/javascript", "app.css": "text/css"}
AUTH_SCHEME = "tma "
RATE_PER_SECOND = 5.0  # a shopper's steady pace of API calls...
RATE_BURST = 30  # ...after a first burst this big (opening the page makes four at once)
MAX_BODY = 4096  # the API's JSON bodies are a few numbers
PHOTO_CACHE_ITEMS = 64  # photos fetched from Telegram by file_id, kept in memory
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' https://telegram.org; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
PAGE_WORD = re.compile(r"\{\{t:([^}]+)\}\}")  # index.html's own words
GONE = journey.GONE
NO_CATEGORY = N_("That category is empty now.")
NO_ORDER = N_("That order is not in your history.")
SORRY = N_("Something went wrong on our side. Please try again.")
NOT_AN_OBJECT = N_("The body must be a JSON object.")
NO_ADDRESS = N_("The shop has nothing at this address.")
WRONG_METHOD = N_("This address does not take {method} requests.")

Handler = Callable[[web.Request, Shopper], Awaitable[web.Response]]


class BadInput(Exception):
    """A request the API cannot read; the message says what to send instead (400), in the
    shopper's language when it is answered."""

    def __init__(self, text: str, **params: Any) -> None:
        super().__init__(text.format(**params))
        self.text = text
        self.params = params

    def words(self, tr: i18n.Translator) -> str:
        return tr._(self.text, **self.params)


class Storefront:
    """The storefront's routes, around the shop and the bot that creates invoice links."""

    def __init__(self, shop: Shop, bot: Bot, limiter: RateLimiter | None = None) -> None:
        self.shop = shop
        self.bot = bot
        self.limiter = limiter or RateLimiter(RATE_PER_SECOND, RATE_BURST)
        self.assets = Assets(STATIC, shop.settings.default_language)
        self._photos: OrderedDict[str, tuple[bytes, str]] = OrderedDict()

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._answers])
        add = app.router
        add.add_get("/", self.assets.index)
        add.add_get("/static/{name}", self.assets.asset)
        add.add_get(r"/photos/{product_id:[0-9]+}", self.photo)
        api: list[tuple[str, str, Handler]] = [
            ("GET", "/api/texts", self.texts),
            ("GET", "/api/categories", self.categories),
            ("GET", r"/api/categories/{category_id:[0-9]+}", self.category),
            ("GET", "/api/search", self.search),
            ("GET", r"/api/products/{product_id:[0-9]+}", self.product),
            ("GET", "/api/cart", self.cart),
            ("POST", "/api/cart/lines", self.add),
            ("PUT", r"/api/cart/lines/{product_id:[0-9]+}", self.set_quantity),
            ("DELETE", "/api/cart", self.clear),
            ("POST", "/api/delivery_time", self.choose_time),
            ("DELETE", "/api/delivery_time", self.choose_time),
            ("POST", "/api/checkout", self.checkout),
            ("GET", "/api/orders", self.orders),
            ("GET", r"/api/orders/{order_id:[0-9]+}", self.order),
            ("POST", r"/api/orders/{order_id:[0-9]+}/buy_again", self.buy_again),
            ("POST", "/api/orders/{order_id}/cancel", self.cancel),  # any id: 400 if malformed
            ("GET", "/api/orders/{order_id}/return", self.return_quote),  # the same
            ("POST", "/api/orders/{order_id}/return", self.return_items),
            ("PUT", r"/api/orders/{order_id:[0-9]+}/ratings/{product_id:[0-9]+}", self.rate),
            ("GET", "/api/saved", self.saved),
            ("PUT", r"/api/saved/{product_id:[0-9]+}", self.save),
            ("DELETE", r"/api/saved/{product_id:[0-9]+}", self.save),
        ]
        for method, path, handler in api:
            add.add_route(method, path, self._signed_in(handler))
        return app

    # ------------------------------------------------------------ who is asking

    def _signed_in(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
        settings = self.shop.settings

        async def checked(request: web.Request) -> web.Response:
            try:
                user = self._user(request)
            except InitDataError as refused:
                return _json(views.error(str(refused)), status=401)
            # The shopper's Telegram language until a visit reads their /language choice.
            tr = i18n.use(i18n.choose(None, user.language_code, settings.default_language))
            wait = self.limiter.wait_needed(user.id)
            if wait:
                headers = {"Retry-After": str(math.ceil(wait))}
                message = tr._("Too many requests: please wait a moment.")
                return _json(views.error(message), status=429, headers=headers)
            who = Shopper(user.id, user.id, user.first_name, user.username, user.language_code)
            return await handler(request, who)

        return checked

    def _refusal(self, refused: Blocked) -> str:
        """ "This shop can't take your messages." in her /language choice, else the page's."""
        language = refused.language or i18n.current().language
        return i18n.translator(language)._(REFUSAL)

    def _user(self, request: web.Request) -> WebAppUser:
        """Whom Telegram signed the request's initData for; InitDataError says why not."""
        settings = self.shop.settings
        header = request.headers.get("Authorization", "")
        init_data = header[len(AUTH_SCHEME) :] if header.startswith(AUTH_SCHEME) else ""
        return validate_init_data(
            init_data, settings.bot_token, max_age=settings.webapp_auth_max_age
        )

    # ------------------------------------------------------------ the catalog

    async def texts(self, request: web.Request, who: Shopper) -> web.Response:
        """The page's words in the shopper's language (their /language choice included)."""
        tr = await storefront.reader(self.shop, who)
        return _json({"language": tr.language, "texts": page_texts(tr)})

    async def categories(self, request: web.Request, who: Shopper) -> web.Response:
        """The categories, with `in_stock=1` counting (and having) only what is in stock."""
        return _json(views.categories(await storefront.categories(self.shop, _in_stock(request))))

    async def category(self, request: web.Request, who: Shopper) -> web.Response:
        category_id = _path_id(request, "category_id", CategoryNotFound)
        page = await storefront.category_page(
            self.shop, category_id, _page(request), _order(request), _in_stock(request)
        )
        return _json(views.product_page(page))

    async def search(self, request: web.Request, who: Shopper) -> web.Response:
        query = request.query.get("q", "")[:200]
        return _json(views.search_page(await storefront.search(self.shop, query, _page(request))))

    async def product(self, request: web.Request, who: Shopper) -> web.Response:
        product_id = _path_id(request, "product_id", ProductUnavailable)
        view = await storefront.product(self.shop, who, product_id)
        threshold = self.shop.settings.low_stock_threshold
        return _json(views.product(view, threshold, MAX_QUANTITY, self.shop.settings.zone))

    # ------------------------------------------------------------ the cart (the chat's)

    async def cart(self, request: web.Request, who: Shopper) -> web.Response:
        return _json(views.cart(await storefront.cart(self.shop, who)))

    async def add(self, request: web.Request, who: Shopper) -> web.Response:
        body = await _body(request)
        product_id = _body_id(body, "product_id", ProductUnavailable)
        quantity = _number(body, "quantity", default=1, least=1)
        shown = _number(body, "shown_price", default=None, least=0)
        variant_id = _body_id(body, "variant_id", VariantUnavailable, default=0)
        update = await storefront.add(self.shop, who, product_id, quantity, shown, variant_id)
        return _json(views.cart_update(update))

    async def set_quantity(self, request: web.Request, who: Shopper) -> web.Response:
        body = await _body(request)
        quantity = _number(body, "quantity", least=0)  # 0 takes the line out
        variant_id = _body_id(body, "variant_id", VariantUnavailable, default=0)
        product_id = _path_id(request, "product_id", ProductUnavailable)
        update = await storefront.set_quantity(self.shop, who, product_id, quantity, variant_id)
        return _json(views.cart_update(update))

    async def clear(self, request: web.Request, who: Shopper) -> web.Response:
        return _json(views.cart_update(await storefront.clear(self.shop, who)))

    async def choose_time(self, request: web.Request, who: Shopper) -> web.Response:
        """Her delivery time: POST {"day": "2026-12-07", "window": "10:00-12:00"} chooses it
        (or another), DELETE clears it; the cart as it is then. A time not free now (full,
        closed, past its cut-off, never offered) is refused in the chat's words: 409."""
        chosen = _slot(await _body(request)) if request.method == "POST" else None
        update = await storefront.choose_time(self.shop, who, chosen)
        if not update.done:
            return _json(views.error(update.notice) | views.cart_update(update), status=409)
        return _json(views.cart_update(update))

    # ------------------------------------------------------------ checkout (the chat's Pay)

    async def checkout(self, request: web.Request, who: Shopper) -> web.Response:
        """The chat's Pay: verify, place the order holding its stock, then an invoice link
        instead of an invoice message. Only successful_payment fulfils the order. The body's
        `fingerprint` is that of the cart the page showed (views.cart): another cart is not
        paid but sent back ("changed"). Without one (a page from before), the cart is paid
        as it is. `delivery` (the time the page shows chosen, or null) says the page chooses
        the delivery time itself; a page from before gets the chat's summary to choose it."""
        body = await _body(request) if request.can_read_body else {}
        fingerprint = _number(body, "fingerprint", default=None)
        on_page = "delivery" in body
        if on_page and body["delivery"] is not None and not isinstance(body["delivery"], str):
            raise BadInput(N_("delivery must be the delivery time the page shows, or null."))
        shown = Shown(fingerprint) if fingerprint is not None else None
        if on_page and (now := await storefront.time_changed(self.shop, who, body["delivery"])):
            return _json(views.time_changed(now))  # chosen again in the chat: check it
        screen = await journey.pay(self.shop, who, shown)
        if isinstance(screen, InvoiceScreen):
            for message_id in screen.replaced_invoices:  # the chat's older, now unpayable
                await self.shop.notifier.remove_message(who.chat_id, message_id)
            link = await payment_views.invoice_link(self.bot, self.shop.settings, screen)
            if isinstance(link, str):
                return _json(views.invoice(screen, link))
            screen = await journey.invoice_sent(self.shop, who, screen, link)
        if isinstance(screen, PaidByCardScreen):  # no invoice: the gift card paid it all
            for message_id in screen.replaced_invoices:
                await self.shop.notifier.remove_message(who.chat_id, message_id)
            await paid_by_card(self.shop, who, screen)
            return _json(views.paid_by_card(screen))
        missing = isinstance(screen, CheckoutScreen) and screen.slot_missing and not screen.blocked
        if missing and not on_page:  # a page from before: her delivery time is chosen there
            assert isinstance(screen, CheckoutScreen)
            await self._summary_in_chat(who, screen)
        answer = views.checkout(screen, self.shop.settings.shown_tax_label, on_page)
        if answer.get("closed"):  # sales are paused (/pause): refused, an error as any other
            return _json(views.error(answer["closed"]) | answer, status=409)
        return _json(answer)

    async def _summary_in_chat(self, who: Shopper, screen: CheckoutScreen) -> None:
        """The order summary with its delivery time buttons, sent to her chat: the page
        has no such choice, and no order is placed without one."""
        view = shopper_views.render(screen, self.shop.settings, i18n.current())
        try:
            await self.bot.send_message(
                who.chat_id, view.text, parse_mode="HTML", reply_markup=view.keyboard
            )
        except TelegramError as exc:
            log.warning("could not send the order summary to chat %s: %s", who.chat_id, exc)

    async def orders(self, request: web.Request, who: Shopper) -> web.Response:
        found = await storefront.orders(self.shop, who, _page(request))
        return _json(views.orders(found, self.shop.settings.tracking_url))

    async def order(self, request: web.Request, who: Shopper) -> web.Response:
        order_id = _path_id(request, "order_id", OrderNotFound)
        mine = await storefront.order(self.shop, who, order_id)
        return _json(views.my_order(mine, self.shop.settings.tracking_url))

    async def buy_again(self, request: web.Request, who: Shopper) -> web.Response:
        """🔁 Buy again: the chat's reorder into the one cart, with what fell short."""
        order_id = _path_id(request, "order_id", OrderNotFound)
        return _json(views.cart_update(await storefront.buy_again(self.shop, who, order_id)))

    async def cancel(self, request: web.Request, who: Shopper) -> web.Response:
        """✖️ Cancel order, once she said yes: the chat's cancel (restock, full refund, the
        admins told), then her order as it is now. Not hers or unknown: 404; one she may not
        cancel (any more: shipped, cancelled already, flagged): 409, saying why."""
        order_id = _whole_path_id(request, "order_id", OrderNotFound)
        try:
            said = await cancel_own_order(self.shop, who.user_id, order_id)
        except ShopError:
            await storefront.reader(self.shop, who)  # the refusal in her /language choice
            raise
        done = await storefront.cancelled(self.shop, who, order_id, said)
        return _json(views.cancelled(done, self.shop.settings.tracking_url))

    async def return_quote(self, request: web.Request, who: Shopper) -> web.Response:
        """What the lines she ticked would bring back (`?lines=41,42&reason=damaged`), worded
        as the chat's last question; answered as a send would be (400, 404, 409)."""
        order_id = _whole_path_id(request, "order_id", OrderNotFound)
        listed = [n for n in request.query.get("lines", "").split(",") if n]
        line_ids = _ids([int(n) if _digits(n) else n for n in listed], "lines")
        reason = _reason(request.query.get("reason", "other"))
        try:
            quote = await storefront.return_quote(self.shop, who, order_id, line_ids, reason)
        except ShopError:
            await storefront.reader(self.shop, who)  # the refusal in her /language choice
            raise
        return _json(views.return_quote(quote))

    async def return_items(self, request: web.Request, who: Shopper) -> web.Response:
        """↩️ Return items: her request for those lines, for that reason, made by the chat's
        own use case (checked again as the order is now, one open at a time, the admins
        alerted), then her order as it is now. Not hers: 404; one she may not return (any
        more, or with a request waiting): 409, saying why; a body naming no line, a line not
        offered or an unknown reason: 400."""
        order_id = _whole_path_id(request, "order_id", OrderNotFound)
        body = await _body(request)
        line_ids = _ids(body.get("lines"), "lines")
        index = REASON_CODES.index(_reason(body.get("reason"))) + 1
        try:
            sent = await returns.request_return(
                self.shop, who.user_id, order_id, 0, index, line_ids=line_ids
            )
        except ShopError:
            await storefront.reader(self.shop, who)  # the refusal in her /language choice
            raise
        said = partial(return_texts.sent, request_id=sent.id, order_id=order_id)
        done = await storefront.return_sent(self.shop, who, order_id, said)
        return _json(views.cancelled(done, self.shop.settings.tracking_url))

    async def rate(self, request: web.Request, who: Shopper) -> web.Response:
        """Her stars for a product of her order: 1-5 or 400; an order she may not rate
        from (someone else's is 404) or a product not in it: 409."""
        stars = _one_of(await _body(request), "stars", STARS)
        order_id = _path_id(request, "order_id", OrderNotFound)
        product_id = _path_id(request, "product_id", ProductUnavailable)
        rated = await storefront.rate(self.shop, who, order_id, product_id, stars)
        return _json(views.rated(rated))

    # ------------------------------------------------------------ saved products (♡)

    async def saved(self, request: web.Request, who: Shopper) -> web.Response:
        return _json(views.product_page(await storefront.saved(self.shop, who, _page(request))))

    async def save(self, request: web.Request, who: Shopper) -> web.Response:
        """PUT saves the product, DELETE drops it; past the most one may save: 409."""
        product_id = _path_id(request, "product_id", ProductUnavailable)
        kept = await storefront.save(self.shop, who, product_id, request.method == "PUT")
        if not kept.done:
            return _json(views.error(kept.notice), status=409)
        return _json(views.kept(kept))

    # ------------------------------------------------------------ answers no handler gave

    @web.middleware
    async def _answers(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Domain refusals and bad input as JSON the page can show; never a traceback."""
        try:
            return await handler(request)
        except BadInput as bad:
            return _json(views.error(bad.words(i18n.current())), status=400)
        except ProductUnavailable:
            return _json(views.error(i18n.current()._(GONE)), status=404)
        except CategoryNotFound:
            return _json(views.error(i18n.current()._(NO_CATEGORY)), status=404)
        except StillToPay as refused:  # hers: said as it is
            return _json(views.error(refused.said(i18n.current())), status=409)
        except OrderNotFound:
            return _json(views.error(i18n.current()._(NO_ORDER)), status=404)
        except (NotRateable, NotCancellable, NotReturnable) as refused:
            return _json(views.error(refused.said(i18n.current())), status=409)
        except UnknownReturnLine as bad:
            return _json(views.error(bad.said(i18n.current())), status=400)
        except Blocked as refused:  # the shop blocked her (/block): her visit went no further
            return _json(views.error(self._refusal(refused)), status=403)
        except web.HTTPException as http:
            if not request.path.startswith(f"{MOUNT}/api/") or http.status < 400:
                raise
            return self._refused(request, http)
        except Exception:
            log.exception("storefront: %s %s failed", request.method, request.path)
            return _json(views.error(i18n.current()._(SORRY)), status=500)

    def _refused(self, request: web.Request, http: web.HTTPException) -> web.Response:
        """aiohttp's own refusal of an API request (an unknown address, a wrong method): no
        handler ran to learn the asker's language, so it is read here, as the API's other
        errors are said in it."""
        tr = self._reader(request)
        if http.status == web.HTTPNotFound.status_code:
            message = tr._(NO_ADDRESS)
        elif http.status == web.HTTPMethodNotAllowed.status_code:
            message = tr._(WRONG_METHOD, method=request.method)
        else:
            message = http.reason
        allow = {"Allow": http.headers["Allow"]} if "Allow" in http.headers else {}
        return _json(views.error(message), status=http.status, headers=allow)

    def _reader(self, request: web.Request) -> i18n.Translator:
        """The asker's language without a handler: their Telegram language when initData is
        good, else their browser's, else the shop's."""
        try:
            telegram = self._user(request).language_code
        except InitDataError:
            telegram = None
        browser = _browser_language(request.headers.get("Accept-Language", ""))
        return i18n.use(i18n.choose(None, telegram or browser, self.shop.settings.default_language))

    # ------------------------------------------------------------ photos

    async def photo(self, request: web.Request) -> web.StreamResponse:
        variant = request.query.get("variant", "0")  # a variant's own photo
        further = request.query.get("photo", "0")  # a further photo of the gallery, from 1
        source = None
        if all(row_id(n) is not None or n == "0" for n in (variant, further)):
            product_id = _path_id(request, "product_id", ProductUnavailable)
            with contextlib.suppress(ProductUnavailable):  # VariantUnavailable too
                source = await storefront.photo(self.shop, product_id, int(variant), int(further))
        cache = {"Cache-Control": "public, max-age=3600", **SECURITY_HEADERS}
        if source is None:
            raise web.HTTPNotFound(text="no photo")
        if source.kind is PhotoKind.URL:
            raise web.HTTPFound(source.value, headers=cache)
        if source.kind is PhotoKind.PATH:
            return web.FileResponse(source.value, headers=cache)
        body, content_type = await self._telegram_file(source.value)
        return web.Response(body=body, content_type=content_type, headers=cache)

    async def _telegram_file(self, file_id: str) -> tuple[bytes, str]:
        """A photo Telegram keeps (an admin sent it): fetched once, then served from memory."""
        if file_id in self._photos:
            self._photos.move_to_end(file_id)
            return self._photos[file_id]
        try:
            file = await self.bot.get_file(file_id)
            body = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            log.warning("storefront photo %s: Telegram did not give it: %s", file_id, exc)
            raise web.HTTPNotFound(text="no photo") from None
        content_type = mimetypes.guess_type(file.file_path or "")[0] or "image/jpeg"
        self._photos[file_id] = (body, content_type)
        while len(self._photos) > PHOTO_CACHE_ITEMS:
            self._photos.popitem(last=False)
        return body, content_type


class Assets:
    """The page and its two files, read once; the page names them with a content hash so a
    new version is fetched at once and an old one can be cached for long. The page's own
    words (`{{t:...}}`, bot/webapp/texts.py) are in the browser's language (Accept-Language):
    they show before the shopper's language is known, or when the page is opened outside
    Telegram and never learns it."""

    def __init__(self, folder: Path, default_language: str) -> None:
        self.files = {name: (folder / name).read_bytes() for name in ASSET_TYPES}
        page = (folder / "index.html").read_text(encoding="utf-8")
        for name, data in self.files.items():
            page = page.replace(f"{{{{{name}}}}}", hashlib.sha256(data).hexdigest()[:12])
        self.pages = {language: _in_language(page, language) for language in i18n.LANGUAGES}
        self.default_language = i18n.choose(None, None, default_language)

    async def index(self, request: web.Request) -> web.Response:
        headers = {"Cache-Control": "no-cache", "Content-Security-Policy": PAGE_POLICY}
        headers["Vary"] = "Accept-Language"
        language = _browser_language(request.headers.get("Accept-Language", ""))
        return web.Response(
            body=self.pages[language or self.default_language],
            content_type="text/html",
            charset="utf-8",
            headers={**headers, **SECURITY_HEADERS},
        )

    async def asset(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.files:
            raise web.HTTPNotFound()
        headers = {"Cache-Control": "public, max-age=86400", **SECURITY_HEADERS}
        return web.Response(
            body=self.files[name], content_type=ASSET_TYPES[name], charset="utf-8", headers=headers
        )


# ---------------------------------------------------------------- reading requests


def _in_language(page: str, language: str) -> bytes:
    tr = i18n.translator(language)
    page = page.replace("{{language}}", tr.language)
    return PAGE_WORD.sub(lambda found: html.escape(tr._(found[1])), page).encode()


def _browser_language(accepted: str) -> str | None:
    """The first language of an Accept-Language header that the shop speaks ("ru-RU,ru;q=0.9")."""
    for tag in accepted.split(","):
        if language := i18n.normalize(tag.split(";", 1)[0]):
            return language
    return None


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise BadInput(N_("The body is too large."))
    try:
        body = json.loads(raw)
    except ValueError:
        raise BadInput(NOT_AN_OBJECT) from None
    if not isinstance(body, dict):
        raise BadInput(NOT_AN_OBJECT)
    return body


_REQUIRED: Any = object()


def _number(
    body: dict[str, Any], name: str, default: Any = _REQUIRED, least: int | None = None
) -> Any:
    """A whole number from the body, at least `least` (or `default` when it is absent or
    null): one out of range is refused, never quietly made into another."""
    value = body.get(name)
    if value is None:
        if default is _REQUIRED:
            raise BadInput(N_("{name} is required."), name=name)
        return default
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 10**12:
        raise BadInput(N_("{name} must be a whole number."), name=name)
    if least is not None and value < least:
        raise BadInput(N_("{name} must be from {least}."), name=name, least=least)
    return value


def _digits(raw: str) -> bool:
    """Plain ASCII digits, few enough to be a number worth reading ("²" is a digit, no number)."""
    return raw.isascii() and raw.isdigit() and len(raw) < 20


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WINDOW = re.compile(r"[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}")


def _slot(body: dict[str, Any]) -> tuple[date, str]:
    """A delivery time: `day` as 2026-12-07 and `window` as 10:00-12:00. Whether the shop
    offers it now is the chat's rule (delivery_slots.choose), not the request's."""
    day, window = body.get("day"), body.get("window")
    if not isinstance(day, str) or not _DAY.fullmatch(day):
        raise BadInput(N_("day is required: the delivery day, written as 2026-12-07."))
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise BadInput(N_("day is required: the delivery day, written as 2026-12-07.")) from None
    if not isinstance(window, str) or not _WINDOW.fullmatch(window):
        raise BadInput(N_("window is required: a delivery window, written as 10:00-12:00."))
    return parsed, window


def _reason(value: Any) -> str:
    """A return's reason, by its code."""
    if value not in REASON_CODES:
        raise BadInput(N_("reason must be one of: {reasons}."), reasons=", ".join(REASON_CODES))
    return str(value)


def _ids(value: Any, name: str) -> tuple[int, ...]:
    """A non-empty list of ids, each once (a line named twice is one line)."""
    if not isinstance(value, list) or not value:
        raise BadInput(N_("{name} must be a list of at least one id."), name=name)
    whole = (isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_ROW_ID for v in value)
    if not all(whole):
        raise BadInput(N_("{name} must hold whole numbers from 1."), name=name)
    return tuple(dict.fromkeys(value))


def _one_of(body: dict[str, Any], name: str, allowed: range) -> int:
    """A whole number of `allowed` (stars: 1-5); anything else is refused saying so."""
    value = body.get(name)
    if value is None:
        raise BadInput(N_("{name} is required."), name=name)
    if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
        raise BadInput(
            N_("{name} must be a whole number from {least} to {most}."),
            name=name,
            least=allowed[0],
            most=allowed[-1],
        )
    return value


def _path_id(request: web.Request, name: str, unknown: Callable[[int], Exception]) -> int:
    """The id in the path; one wider than the database's ids (bot.store.ids) names nothing
    there, so it is refused as an unknown one is, without asking the database (nor turning
    thousands of digits into a number, which Python refuses)."""
    digits = request.match_info[name].lstrip("0") or "0"  # the route lets only digits through
    value = int(digits) if len(digits) <= len(str(MAX_ROW_ID)) else MAX_ROW_ID + 1
    if value > MAX_ROW_ID:
        raise unknown(value)
    return value


def _whole_path_id(request: web.Request, name: str, unknown: Callable[[int], Exception]) -> int:
    """`_path_id` for a route that takes any segment, so that one that is no whole number
    ("7.5", "-1", "seven") is refused saying so (400) rather than as an unknown address."""
    raw = request.match_info[name]
    if not (raw.isascii() and raw.isdigit()):  # "²" is a digit, no number
        raise BadInput(N_("{name} must be a whole number from {least}."), name=name, least=0)
    return _path_id(request, name, unknown)


def _body_id(
    body: dict[str, Any], name: str, unknown: Callable[[int], Exception], default: Any = _REQUIRED
) -> Any:
    """`_number`, for an id: one no row can have (bot.store.ids) is refused as an unknown
    one is, without asking the database."""
    value = _number(body, name, default, least=0)
    if value is not None and value > MAX_ROW_ID:
        raise unknown(value)
    return value


def _page(request: web.Request) -> int:
    raw = request.query.get("page", "0")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:  # "²" is a digit, no number
        raise BadInput(N_("{name} must be a whole number from {least}."), name="page", least=0)
    return int(raw)


def _order(request: web.Request) -> str:
    """`sort`: how to order a category (name by default)."""
    order = request.query.get("sort", "name")
    if order not in CATEGORY_ORDERS:
        raise BadInput(N_("sort must be one of: {orders}."), orders=", ".join(CATEGORY_ORDERS))
    return order


def _in_stock(request: web.Request) -> bool:
    """`in_stock=1`: only what can be bought now."""
    raw = request.query.get("in_stock", "0")
    if raw not in ("0", "1"):
        raise BadInput(N_("in_stock must be 0 or 1."))
    return raw == "1"


def _json(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    headers = {"Cache-Control": "no-store", **SECURITY_HEADERS, **(headers or {})}
    return web.json_response(body, status=status, headers=headers)
