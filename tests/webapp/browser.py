"""Headless Chromium (Debian's package) driven by Selenium, with Telegram's WebApp object stubbed.

Telegram's own script cannot load here (no internet, and it is blocked so it never races the
stub): the stub gives the page what a Telegram client would, `initData` signed for the
shopper, theme colours, and a MainButton drawn like the client draws it under the page. It
records what the page asks of Telegram (haptics, openInvoice, openLink) in `window.__tg`, fires the
client's events (`window.__tg.fire('activated')`: the shopper came back to the app), and the API
requests the page starts (`window.__tg.started('checkout')`), counted as they leave.

Selenium blocks, so every call runs in a worker thread while the bot serves on the test's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import (
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# What Chromium needs here: no sandbox as root, and no calls home (the network is closed).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
PHONE = (390, 844)
WAIT_SECONDS = 10.0
# How often a wait looks at the page again (selenium's default is every 0.5 s, which most
# waits paid in full: the page had not drawn yet at the first look). A look is one
# WebDriver call, a few milliseconds.
LOOK_EVERY_SECONDS = 0.05
THEME = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#999999",
    "link_color": "#2481cc",
    "button_color": "#3390ec",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#efeff4",
    "section_bg_color": "#ffffff",
}
T = TypeVar("T")

STUB = """
(() => {
  const record = { haptics: [], invoices: [], invoiceCallbacks: [], requests: [], links: [] };
  const events = {};
  const fetchNow = window.fetch.bind(window);
  window.fetch = (url, options) => {
    record.requests.push(`${(options && options.method) || 'GET'} ${url}`);
    return fetchNow(url, options);
  };
  const mainClicks = [], backClicks = [];
  const main = {
    text: '', isVisible: false, isProgressVisible: false, isActive: true,
    enable() { this.isActive = true; draw(); return this; },
    disable() { this.isActive = false; draw(); return this; },
    setText(text) { this.text = text; draw(); return this; },
    show() { this.isVisible = true; draw(); return this; },
    hide() { this.isVisible = false; draw(); return this; },
    showProgress() { this.isProgressVisible = true; return this; },
    hideProgress() { this.isProgressVisible = false; return this; },
    onClick(fn) { mainClicks.push(fn); return this; },
    offClick(fn) {
      const i = mainClicks.indexOf(fn);
      if (i >= 0) mainClicks.splice(i, 1);
      return this;
    },
  };
  function draw() {
    // Telegram draws its MainButton under the page; here it is drawn over the page's foot.
    let el = document.getElementById('tg-main-button');
    if (!el && document.body) {
      el = document.createElement('button');
      el.id = 'tg-main-button';
      el.addEventListener('click', () => mainClicks.forEach((fn) => fn()));
      Object.assign(el.style, {
        position: 'fixed', left: '0', right: '0', bottom: '0', height: '56px', border: '0',
        font: '600 16px sans-serif', background: THEME.button_color, color: THEME.button_text_color,
        zIndex: '100',
      });
      document.body.appendChild(el);
    }
    if (el) {
      el.textContent = main.text;
      el.style.display = main.isVisible ? 'block' : 'none';
      el.style.opacity = main.isActive ? '1' : '0.5'; // as the client greys an inactive one
    }
  }
  document.addEventListener('DOMContentLoaded', draw);
  const back = {
    isVisible: false,
    show() { this.isVisible = true; return this; },
    hide() { this.isVisible = false; return this; },
    onClick(fn) { backClicks.push(fn); return this; },
    offClick() { return this; },
  };
  window.__tg = Object.assign(record, {
    main, back,
    pressBack() { backClicks.forEach((fn) => fn()); },
    invoiceClosed(status) { record.invoiceCallbacks.shift()(status); },
    fire(name) { (events[name] || []).forEach((fn) => fn()); },
    started(path) { return record.requests.filter((r) => r.includes(path)).length; },
  });
  window.Telegram = { WebApp: {
    initData: INIT_DATA, initDataUnsafe: {}, version: '8.0', platform: 'android',
    colorScheme: 'light', themeParams: THEME, isExpanded: true,
    ready() {}, expand() {},
    onEvent(name, fn) { (events[name] = events[name] || []).push(fn); },
    offEvent(name, fn) { events[name] = (events[name] || []).filter((f) => f !== fn); },
    MainButton: main, BackButton: back,
    HapticFeedback: {
      impactOccurred(style) { record.haptics.push('impact:' + style); },
      notificationOccurred(type) { record.haptics.push('notification:' + type); },
      selectionChanged() { record.haptics.push('selection'); },
    },
    openInvoice(url, callback) {
      record.invoices.push(url);
      record.invoiceCallbacks.push(callback);
    },
    openLink(url) { record.links.push(url); },
  } };
})();
"""


def chromium_missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    return None


class Browser:
    """One headless Chromium session, as a shopper's phone with the Mini App open.

    A run starts Chromium once (a second or more each time) and gives each test a phone of
    its own with `fresh_phone`: a new tab, where nothing set on the last one through DevTools
    (the stub, blocked URLs, the screen, intercepted requests) applies, and no storage or
    cookie of a page the last test opened."""

    def __init__(self, shots: Path) -> None:
        self.shots = shots
        self.readme_shots = readme_folder(shots)
        self.origins: set[str] = set()  # of the pages opened on this phone
        self.profile, self.driver = _launch()

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    async def fresh_phone(self, shots: Path) -> None:
        """Forget what the last test did: its pages' storage and cookies, its tab; a new
        tab takes its place, and screenshots go to `shots`."""

        def forget() -> None:
            for origin in self.origins:
                self.driver.execute_cdp_cmd(
                    "Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"}
                )
            self.origins.clear()
            self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
            self.driver.execute_cdp_cmd("Network.clearBrowserCache", {})
            old = self.driver.window_handles
            self.driver.switch_to.new_window("tab")
            new = self.driver.current_window_handle
            for handle in old:
                self.driver.switch_to.window(handle)
                self.driver.close()
            self.driver.switch_to.window(new)

        try:
            await self._run(forget)
        except WebDriverException:  # the last test left Chromium unusable: a new one
            with contextlib.suppress(WebDriverException):
                await self._run(self.quit)
            self.profile, self.driver = await self._run(_launch)
        self.shots = shots
        self.readme_shots = readme_folder(shots)

    async def _run(self, call: Callable[[], T]) -> T:
        return await asyncio.to_thread(call)

    async def open_mini_app(
        self, url: str, init_data: str, screen: tuple[int, int] = PHONE, phone: str = ""
    ) -> None:
        """Open the page as Telegram would, with the stub in place before any script runs,
        on a phone's screen of `screen` (width, height) CSS pixels; `phone` is more script
        to run before the page's own (a phone whose clock runs fast, say)."""
        stub = STUB.replace("INIT_DATA", json.dumps(init_data)).replace("THEME", json.dumps(THEME))
        stub += phone

        def open_page() -> None:
            self.driver.execute_cdp_cmd("Network.enable", {})
            self.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*telegram.org*"]})
            self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": stub})
            width, height = screen
            self.driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
            )
            self.driver.get(url)

        self.origins.add(origin_of(url))
        await self._run(open_page)

    async def cdp(self, command: str, params: dict[str, Any]) -> Any:
        """A DevTools command: what the phone's network does, for one."""
        return await self._run(lambda: self.driver.execute_cdp_cmd(command, params))

    async def js(self, script: str, *args: Any) -> Any:
        return await self._run(lambda: self.driver.execute_script(script, *args))

    async def tap(self, css: str, times: int) -> None:
        """Tap the first element matching `css` `times` times within one turn of the page's
        event loop, as quick fingers do: no answer of the shop arrives between the taps."""
        script = "const el = document.querySelector(arguments[0]);"
        await self.js(script + " for (let i = 0; i < arguments[1]; i++) el.click();", css, times)

    async def find(self, css: str, text: str | None = None) -> WebElement:
        """The first element matching `css` (and containing `text`), once it is shown."""
        return await self._when_shown(css, text, lambda element: element)

    async def click(self, css: str, text: str | None = None) -> None:
        await self._when_shown(css, text, lambda element: element.click() or element)

    async def type(self, css: str, text: str) -> None:
        await self._when_shown(css, None, lambda element: element.send_keys(text) or element)

    async def _when_shown(
        self, css: str, text: str | None, act: Callable[[WebElement], WebElement]
    ) -> WebElement:
        """Wait for the element, then act on it; a page that redraws meanwhile (the element
        went stale) is simply looked at again."""

        def shown(driver: Any) -> WebElement | bool:
            try:
                for element in driver.find_elements(By.CSS_SELECTOR, css):
                    if element.is_displayed() and (text is None or text in element.text):
                        return act(element)
            except StaleElementReferenceException:
                pass
            return False

        try:
            return await self._run(
                lambda: WebDriverWait(self.driver, WAIT_SECONDS, LOOK_EVERY_SECONDS).until(shown)
            )
        except TimeoutException:
            page = await self._run(lambda: self.driver.find_element(By.TAG_NAME, "body").text)
            raise AssertionError(f"no {css!r} showing {text!r}; the page shows:\n{page}") from None

    async def until(self, script: str, what: str) -> Any:
        """Wait until `script` (a JS expression) is truthy; its value."""
        try:
            return await self._run(
                lambda: WebDriverWait(self.driver, WAIT_SECONDS, LOOK_EVERY_SECONDS).until(
                    lambda driver: driver.execute_script(f"return {script};")
                )
            )
        except TimeoutException:
            raise AssertionError(f"the page never got to: {what}") from None

    async def screenshot(self, name: str, *, in_readme: bool = False) -> Path:
        """A picture of the page; the README's pair go to STOREFRONT_SCREENSHOTS when set."""
        path = (self.readme_shots if in_readme else self.shots) / name
        await self._run(lambda: self.driver.save_screenshot(str(path)))
        return path


def _launch() -> tuple[str, webdriver.Chrome]:
    """Chromium on a profile of its own (its folder, the driver)."""
    profile = tempfile.mkdtemp(prefix="shopbot-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    width, height = PHONE
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return profile, webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def readme_folder(default: Path) -> Path:
    """STOREFRONT_SCREENSHOTS=docs draws the README's pictures again; else `default`."""
    folder = Path(os.environ.get("STOREFRONT_SCREENSHOTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
