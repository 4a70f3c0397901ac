"""Browser fixtures, imported explicitly by the tests that use them (they are not in conftest.py),
with `from tests.browser_fixtures import browser, browser_context  # noqa: F401`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.browser import chromium_browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless chromium per test module, closed with it: Playwright's sync API holds an
    event loop while it runs, which would stop later tests from using `asyncio.run`."""
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh context (own cookies and storage) per test, closed after it."""
    context = browser.new_context()
    try:
        yield context
    finally:
        context.close()
