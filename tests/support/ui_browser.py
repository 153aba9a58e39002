"""Headless Chromium for the page's tests: Debian's /usr/bin/chromium driven by Playwright's sync API.

Give each test module a module-scoped fixture over ``chromium()``: Playwright's sync API refuses a second
instance while one is running, so each module must close its browser before the next module opens one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RAG_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMEOUT = 90_000  # ms: a loaded CI machine answers in seconds, but the first question also loads the model


def skip_without_chromium() -> None:
    """Skip the calling test module when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api")


@contextmanager
def chromium() -> Iterator:
    """A launched headless Chromium browser, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width: int = 1400, height: int = 1000):
    """A page in a fresh context (own cookies: a login in one test does not leak into another)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    return page
