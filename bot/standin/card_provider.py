"""Stripe played by localstripe, for the tests and the sandbox: a server on a free loopback
port, and card charges made on it as Stripe makes them behind Telegram's payment form.

localstripe makes a POST again for the same Idempotency-Key; Stripe returns the first answer
(and makes nothing). Refunds tried again (a crash, a provider that could not be reached) rely
on that, so the server started here keeps it too: the first answer to each key is kept and
given again. localstripe comes with the `[test]` extra; `available()` says whether it is here.
Run as `python -m bot.standin.card_provider --port N` (what `LocalStripe` starts).
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import stripe

from bot.standin.harness import LOOPBACK, free_port

API_KEY = "sk_test_localstripe"  # localstripe takes any key that looks like a test key
STARTUP_SECONDS = 20.0


def available() -> bool:
    """Whether localstripe is installed (`pip install -e '.[test]'`)."""
    return importlib.util.find_spec("localstripe") is not None


class LocalStripe:
    """localstripe in a process of its own while in the `with` (its base URL), started from
    `workdir` (where it keeps its files), from scratch."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def __enter__(self) -> str:
        return self.start()

    def start(self) -> str:
        """Start it and wait until it listens (RuntimeError if it does not); its base URL."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, "--port", str(self.port), "--from-scratch"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            self._wait_until_listening()
        except BaseException:
            self.stop()
            raise
        return self.url

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_until_listening(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"localstripe exited with {self._process.returncode}")
            try:
                socket.create_connection((LOOPBACK, self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"localstripe did not open its port within {STARTUP_SECONDS:.0f} s"
                    ) from None
                time.sleep(0.05)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stripe_client(base_url: str, http: stripe.HTTPXClient | None = None) -> stripe.StripeClient:
    """A client of the localstripe at `base_url`, async as the shop's is (on `http`, for a
    caller that closes it)."""
    return stripe.StripeClient(
        API_KEY, base_addresses={"api": base_url}, http_client=http or stripe.HTTPXClient()
    )


async def charge_card(client: stripe.StripeClient, amount: int, currency: str) -> str:
    """A card payment of `amount` minor units, made and confirmed as Stripe does when the
    shopper pays Telegram's form: its charge id (what successful_payment carries)."""
    intent = await client.v1.payment_intents.create_async(
        params={
            "amount": amount,
            "currency": currency.lower(),
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    if intent.status != "succeeded":
        raise RuntimeError(f"localstripe left the payment {intent.status}")
    latest: Any = intent.latest_charge  # localstripe embeds the charge object
    return str(latest if isinstance(latest, str) else latest.id)


def _serve() -> None:
    """localstripe's server, answering a repeated Idempotency-Key with its first answer."""
    from aiohttp import web
    from localstripe import server

    answers: dict[str, tuple[int, bytes, str]] = {}

    @web.middleware
    async def idempotent(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)
        if key in answers:
            status, body, content_type = answers[key]
            return web.Response(status=status, body=body, content_type=content_type)
        response = await handler(request)
        if isinstance(response, web.Response) and response.body is not None:
            kept = response.body
            body = kept if isinstance(kept, bytes) else (response.text or "").encode()
            answers[key] = (response.status, body, response.content_type)
        return response

    server.app.middlewares.insert(0, idempotent)
    server.start()


if __name__ == "__main__":
    _serve()
