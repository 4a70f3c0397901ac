"""A real headless browser for tests: Playwright (sync API) driving Debian's chromium.

Playwright's own browser download is never used (`playwright install` cannot work here):
scripts/install_browser.sh installs Debian's chromium, launched through `executable_path`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, sync_playwright

INSTALL_HINT = "run scripts/install_browser.sh (as root) to install it"
# As root in a container: Chromium's sandbox needs a non-root user, and /dev/shm is often tiny.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]


class BrowserUnavailableError(RuntimeError):
    """Chromium is not installed here."""


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise BrowserUnavailableError(f"Chromium (the 'chromium' command) is not on PATH; {INSTALL_HINT}.")
    return path


@contextmanager
def chromium_browser() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright; closed on exit."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
