"""localstripe as the tests run it, answering as Stripe does for a repeated Idempotency-Key.

localstripe makes a POST again for the same key; Stripe returns the first answer (and makes
nothing). The refunds a crash left pending rely on that, so the fake keeps it too: the first
answer to each key is kept and given again. Run as `python localstripe_idempotent.py --port N`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from localstripe import server

_answers: dict[str, tuple[int, bytes, str]] = {}


@web.middleware
async def idempotent(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key:
        return await handler(request)
    if key in _answers:
        status, body, content_type = _answers[key]
        return web.Response(status=status, body=body, content_type=content_type)
    response = await handler(request)
    if isinstance(response, web.Response) and response.body is not None:
        body = response.body if isinstance(response.body, bytes) else response.text.encode()
        _answers[key] = (response.status, body, response.content_type)
    return response


if __name__ == "__main__":
    server.app.middlewares.insert(0, idempotent)
    server.start()
