"""The bot's HTTP client for the Bot API: python-telegram-bot's requests over aiohttp.

PTB's own `HTTPXRequest` spends about 0.55 ms of the event loop's time on each Bot API call
(httpx, httpcore, h11, anyio: measured on this project's machine against a local server);
aiohttp, already the shop's web server, spends about 0.18 ms on the same call (its HTTP
parser is compiled). A round trip makes two or three calls (getUpdates, the answer, an edit
or a callback answer), so this is the largest single part of a reply the shop can choose.

It is a `BaseRequest`, the interface PTB keeps for other HTTP clients: PTB still builds every
call, reads every answer and turns Telegram's refusals into its exceptions
(`BaseRequest._request_wrapper`); only the transport differs. Its own failures become PTB's:
a timeout is `TimedOut`, any other client error `NetworkError`, as with httpx. A call
without files goes as a JSON body, which Telegram reads as the form PTB would send
(`_json_body`); files go as multipart.
"""

from __future__ import annotations

import functools
import io
import json
import ssl
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import aiohttp.payload
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the process: reading certifi's bundle takes
    25-50 ms, and the bot makes two clients at each start (PTB keeps one for getUpdates),
    a test harness at each of its starts. Nothing changes a context once made."""
    return ssl.create_default_context(cafile=certifi.where())


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session (keep-alive connections, up to
    `connection_pool_size` at once). Timeouts mean what PTB's documentation says: pool
    (waiting for a free connection), connect, read (between bytes of the answer) and write
    (sending the call; a file gets `media_write_timeout`). aiohttp has no write timeout of its
    own, so a call's whole time is capped at the sum of the four: a send that stalls still
    ends, and a long poll (PTB adds its wait to the read timeout) is not cut short."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str] = {}
        self._proxy_of: dict[str, str | None] = {}  # by scheme://host:port

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # As PTB's httpx client does: certificates checked against certifi's bundle (a
            # slim image may have no system one), and proxies taken from the environment
            # (HTTPS_PROXY, NO_PROXY: `_proxy`). Not aiohttp's trust_env, which also looks
            # for a .netrc on a worker thread at every call (it halved the shop's round
            # trips at 10 chats).
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=_tls_context()),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none
            )
            self._proxies = getproxies()
            self._proxy_of.clear()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = _given(read_timeout, self._read_timeout)
        write = _given(write_timeout, self._media_write_timeout if files else self._write_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            total=_sum(pool, connect, write, read),
            connect=_sum(pool, connect),  # a free connection, connected
            sock_connect=connect,
            sock_read=read,
        )
        data, headers = (
            _form(request_data, files) if request_data and files else _json_body(request_data)
        )
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout, proxy=self._proxy(url)
            ) as answer:
                return answer.status, await answer.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error

    def _proxy(self, url: str) -> str | None:
        """The environment's proxy for this URL's server, unless NO_PROXY names it (worked
        out once per server)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxy_of:
            proxy = self._proxies.get(parts.scheme)
            bypass = proxy is None or proxy_bypass(parts.hostname or "")
            self._proxy_of[origin] = None if bypass else proxy
        return self._proxy_of[origin]


def _given(timeout: ODVInput[float], own: float | None) -> float | None:
    """The call's timeout, or this client's own where PTB passes its default marker."""
    return own if isinstance(timeout, DefaultValue) else timeout


def _sum(*parts: float | None) -> float | None:
    """Timeouts added up; None (no limit) if any is."""
    return None if any(part is None for part in parts) else sum(p for p in parts if p)


_JSON = {"Content-Type": "application/json"}


def _json_body(call: RequestData | None) -> tuple[bytes | None, dict[str, str] | None]:
    """A call without files: its parameters as one JSON object. The Bot API server reads a
    JSON body's string values as it reads form fields and keeps any other value's JSON text
    (its `HttpReader::parse_json_parameters`), which is what PTB's form would have said
    (`RequestParameter.json_value`), so Telegram gets the same call. The form encoding
    (aiohttp's `FormData`, `urllib.parse.urlencode` quoting byte by byte) was a tenth of the
    event loop's time with three chats searching (py-spy); one `json.dumps` is a few
    microseconds, and a keyboard is dumped once, not once into a string and again quoted."""
    if call is None:
        return None, None
    body = json.dumps(call.parameters, ensure_ascii=False, separators=(",", ":"))
    return body.encode(), _JSON


class _FromTheStart(aiohttp.payload.IOBasePayload):
    """An open file sent from its start and left open: aiohttp would send it from where it
    stands and close it after, so a call tried again after a fault (bot.pacing) found it
    closed. Its owner closes it (an export: the handler, once Telegram has it)."""

    def __init__(self, value: Any, *args: Any, **kwargs: Any) -> None:
        value.seek(0)
        super().__init__(value, *args, **kwargs)

    def _close(self) -> None:
        pass

    async def close(self) -> None:
        pass


def _form(call: RequestData, files: dict[str, Any]) -> tuple[aiohttp.FormData, None]:
    """A multipart body: the call's parameters, then its files (PTB gives each as
    `(file name, content, MIME type)`, or its bare content)."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in call.json_parameters.items():
        form.add_field(name, value)
    for name, file in files.items():
        if isinstance(file, tuple):
            filename, content, *rest = file
            if isinstance(content, io.IOBase):  # an open file (an export): streamed, kept open
                content = _FromTheStart(content, content_type=rest[0] if rest else None)
            form.add_field(name, content, filename=filename, content_type=rest[0] if rest else None)
        else:
            form.add_field(name, file)
    return form, None
