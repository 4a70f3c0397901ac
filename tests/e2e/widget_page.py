"""A customer on a shop page in headless chromium: open the stock widget, type, read the bot."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from harmony.settings import Settings

TIMEOUT_MS = 60_000


def page_url(stack: Settings, path: str) -> str:
    """`path` on the gateway, by the address the allowed origins name."""
    return stack.gateway_url.replace("localhost", "127.0.0.1") + path


def watched_page(context: BrowserContext) -> Page:
    """A page that loads nothing from elsewhere and fails the test if anything opens a dialog
    (e.g. an injected alert)."""
    context.route("**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url else route.continue_())
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    return page


def open_widget(page: Page) -> None:
    """Open the chat once the widget has its session (a click before that is ignored)."""
    sender, launcher = page.locator("textarea.rw-new-message"), page.locator("button.rw-launcher")
    for _ in range(30):
        if sender.is_visible():
            return
        if launcher.is_visible():
            launcher.click()
        page.wait_for_timeout(1000)
    expect(sender).to_be_visible()


def send(page: Page, text: str) -> None:
    page.locator("textarea.rw-new-message").fill(text)
    page.locator("textarea.rw-new-message").press("Enter")


def expect_bot(page: Page, text: str) -> None:
    """A bot (or agent) message containing `text` is shown."""
    expect(page.locator(".rw-response").filter(has_text=text).last).to_be_visible(timeout=TIMEOUT_MS)


def bot_messages(page: Page) -> list[str]:
    return [text for text in page.locator(".rw-response").all_inner_texts()]
