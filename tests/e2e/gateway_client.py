"""A widget-like socket.io client and an agent's HTTP client for the gateway tests."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

import socketio

from harmony.gateway.widget_messages import message_id_of
from harmony.settings import Settings
from tests.harmony_command import run_harmony

REPLY_TIMEOUT = 60.0


class Widget:
    """Speaks to the gateway like rasa-webchat 1.0.1 does: session_request (with the session id
    only), user_uttered (with the page's customData), bot_uttered. Like our shop pages, it puts
    the page's shop and language in the socket's address unless `in_address` is False."""

    def __init__(
        self, url: str, shop: str, language: str, in_address: bool = True, headers: dict[str, str] | None = None
    ) -> None:
        """`headers`: more headers of the socket's request (e.g. a trusted proxy's X-Forwarded-For)."""
        self.url = url + (f"?shop={shop}&lang={language}" if in_address else "")
        self.headers = headers or {}
        self.custom_data = {"shop": shop, "language": language}
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.session_id: str | None = None
        self.seen: int | None = None  # the last stored message's id received, as our shop pages keep it

        @self.client.on("bot_uttered")
        async def bot_uttered(message: dict[str, Any]) -> None:
            if (message_id := message_id_of(message)) is not None:
                self.seen = max(self.seen or 0, message_id)
            await self.received.put(message)

        @self.client.on("session_confirm")
        async def session_confirm(session_id: str) -> None:
            await self.confirmed.put(session_id)

    async def open(self, session_id: str | None = None, origin: str | None = None, seen: int | None = None) -> str:
        """Connect and ask for conversation `session_id`; `seen`: the last stored message's id the widget
        says it showed (our shop pages' cursor), which the gateway replays after."""
        page_origin = origin or self.url.split("?", 1)[0]
        headers = {**self.headers, "Origin": page_origin}
        auth = None if seen is None else {"seen": seen}
        await self.client.connect(self.url, headers=headers, auth=auth, transports=["websocket"])
        await self.client.emit("session_request", {"session_id": session_id})
        self.session_id = await asyncio.wait_for(self.confirmed.get(), REPLY_TIMEOUT)
        return self.session_id

    async def say(self, text: str) -> None:
        await self.client.emit(
            "user_uttered", {"message": text, "session_id": self.session_id, "customData": self.custom_data}
        )

    async def next_text(self) -> str:
        message = await asyncio.wait_for(self.received.get(), REPLY_TIMEOUT)
        return str(message.get("text"))

    async def close(self) -> None:
        await self.client.disconnect()


class Agent:
    """An agent's browser-less session on the console API (cookie kept between calls)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cookie = ""
        self.csrf = ""  # the session's CSRF token, sent with every call as the console page does

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", "Cookie": self.cookie, "X-CSRF-Token": self.csrf},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                cookie = response.headers.get("Set-Cookie")
                if cookie:
                    self.cookie = cookie.split(";", 1)[0]
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def login(self, username: str, password: str) -> str:
        status, body = self.call("POST", "/api/agent/login", {"username": username, "password": password})
        assert status == 200, body
        self.csrf = str(body["csrf"])
        return str(body["name"])


def create_agent(settings: Settings, username: str, name: str, password: str) -> None:
    """The documented command, as an operator runs it."""
    env = {"HARMONY_DATABASE_URL": settings.database_url, "HARMONY_VAR_DIR": str(settings.var_dir)}
    result = run_harmony("create-agent", username, "--name", name, "--password-stdin", env=env, answer=password + "\n")
    assert result.returncode == 0, result.stderr
