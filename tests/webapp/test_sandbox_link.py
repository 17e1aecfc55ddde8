"""`python -m bot sandbox` prints a link to its storefront, signed for the sandbox's shopper."""

from __future__ import annotations

import asyncio
import io
import os
import re
from urllib.parse import parse_qs

import aiohttp

from bot.sandbox import run_sandbox
from tests.webapp.conftest import Page

LINK = re.compile(r"http://127\.0\.0\.1:\d+/shop/#\S+")


class Screen(io.StringIO):
    """The terminal's output; `link` is set once the storefront's link is printed."""

    def __init__(self) -> None:
        super().__init__()
        self.link = asyncio.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        if LINK.search(self.getvalue()):
            self.link.set()
        return written


async def test_the_sandbox_link_opens_alices_storefront_on_her_chat_cart() -> None:
    """The page adds to Alice's cart and checks out; the terminal shows the cart and pays."""
    read_fd, write_fd = os.pipe()
    screen = Screen()
    with os.fdopen(read_fd) as stdin:
        sandbox = asyncio.create_task(run_sandbox(stdin=stdin, out=screen))
        await asyncio.wait_for(screen.link.wait(), 30)
        found = LINK.search(screen.getvalue())
        assert found is not None
        address, fragment = found.group(0).split("#")
        init_data = parse_qs(fragment)["tgWebAppData"][0]
        async with aiohttp.ClientSession() as http:
            async with http.get(address) as response:
                assert response.status == 200 and "static/app.js" in await response.text()
            page = Page(http, address, init_data)
            first = (await page.ok("GET", "categories"))["categories"][0]["id"]
            product = (await page.ok("GET", f"categories/{first}"))["items"][0]
            await page.add(product["id"], 2)
            link = (await page.ok("POST", "checkout"))["invoice_link"]
        # The page's checkout made an invoice link: the terminal pays it, as Telegram would.
        os.write(write_fd, f"/cart\npay {link}\n/cart\nquit\n".encode())
        os.close(write_fd)
        await asyncio.wait_for(sandbox, 30)
    shown = screen.getvalue()
    in_cart = shown.index(f"2 × {product['price_text']}")  # Alice's /cart in the terminal
    assert in_cart < shown.index("Payment received") < shown.index("Your cart is empty")
