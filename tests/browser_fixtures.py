"""Browser fixtures, imported explicitly by the tests that use them (they are not in conftest.py),
with `from tests.browser_fixtures import browser, browser_context  # noqa: F401`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.browser import chromium_browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless chromium for the whole session, started by the first test that asks."""
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
