"""Helpers for driving the dashboard in Playwright: browser contexts and a watch on what goes wrong."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from playwright.sync_api import Browser, Page

from ingestion.simulator.clock import DEFAULT_NOW

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 390, "height": 844}
TOKEN_KEY = "buildbutler.token"  # as in static/js/api.js
# The simulated controllers' present, and the browser's clock: fixed, so data and screenshots repeat.
NOW: datetime = DEFAULT_NOW


class Problems:
    """Console errors, uncaught exceptions, failed requests and HTTP errors a page ran into.

    `allowed` statuses are expected answers (a test of the 401 flow): their responses and the console
    line Chromium prints for them are not problems.
    """

    def __init__(self, page: Page, allowed: Iterable[int] = ()) -> None:
        self.allowed = set(allowed)
        self.items: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.items.append(f"uncaught: {error}"))
        page.on("requestfailed", lambda r: self.items.append(f"request failed: {r.method} {r.url}: {r.failure}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        expected = [f"status of {status} " for status in self.allowed]
        if message.text.startswith("Failed to load resource") and any(e in message.text for e in expected):
            return
        self.items.append(f"console error: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.status not in self.allowed:
            self.items.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def check(self) -> None:
        """Fails on what was seen since the last check (so one test's problem is not blamed on the next)."""
        items, self.items = self.items, []
        assert not items, "the page ran into problems:\n" + "\n".join(items)


def new_page(browser: Browser, viewport: dict = WIDE, token: str | None = None, now: datetime = NOW) -> Page:
    """A page in a fresh context (own sessionStorage), in UTC, its clock fixed at `now`; with `token`
    already signed in. Timers still run, but Playwright's clock reports an error thrown in one as a
    console error rather than a page error: Problems fails on both."""
    context = browser.new_context(viewport=viewport, timezone_id="UTC", locale="en-US")
    context.clock.set_fixed_time(now)
    if token:
        context.add_init_script(f"sessionStorage.setItem({TOKEN_KEY!r}, {token!r})")
    return context.new_page()


def sign_in(page: Page, token: str) -> None:
    page.locator("#token-form input[name=token]").fill(token)
    page.locator("#token-form button[type=submit]").click()
