"""The browser tooling works: real headless chromium, the vendored chat widget mounts offline."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext

from harmony.web_assets import webchat_bundle
from tests.browser_fixtures import browser, browser_context  # noqa: F401

# withRules and hideWhenNotConnected are switched off: by default the widget stays hidden until
# its socket connects, and nothing listens on port 9 (discard).
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>widget test</title></head>
<body>
<input id="probe">
<div id="webchat"></div>
<script src="webchat.js"></script>
<script>
WebChat.default({initPayload: "/greet", socketUrl: "http://127.0.0.1:9", title: "Test",
                 withRules: false, hideWhenNotConnected: false}, document.getElementById("webchat"));
</script>
</body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def widget_page_url(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    shutil.copy(webchat_bundle(), tmp_path / "webchat.js")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_widget_mounts_in_headless_chromium(browser_context: BrowserContext, widget_page_url: str) -> None:  # noqa: F811
    # Nothing leaves this machine: the bundle's CSS @imports Google Fonts, which is refused here.
    browser_context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = browser_context.new_page()
    page.goto(widget_page_url)

    assert page.evaluate("typeof window.WebChat.default") == "function"
    page.locator(".rw-launcher").wait_for(state="visible", timeout=10_000)

    markup = "<img src=x onerror=alert(1)>"
    page.fill("#probe", markup)
    assert page.input_value("#probe") == markup
