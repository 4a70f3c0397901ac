"""Is the production profile healthy? Every program RUNNING for supervisord and answering its own
check, nginx's three addresses answering, and (at start) a chat through nginx getting the bot's answer.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlencode

import psycopg
import socketio
from sqlalchemy.engine import make_url

from harmony.launcher.processes import ReadyCheck, http_ok
from harmony.launcher.production_config import Layout, ProductionUnavailable
from harmony.settings import Settings

HEALTHY_TIMEOUT = 300.0  # two Rasa servers load their model at once: 60-90 s on 2 cores
CHAT_TIMEOUT = 60.0
POLL_SECONDS = 0.5


def redis_answers(port: int) -> ReadyCheck:
    """Redis answers PING with PONG."""

    def check() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    return check


def database_answers(database_url: str) -> ReadyCheck:
    """The app database accepts the app's role and runs a query."""
    url = make_url(database_url)

    def check() -> bool:
        try:
            with psycopg.connect(
                host=url.host,
                port=url.port,
                user=url.username,
                password=url.password,
                dbname=url.database,
                connect_timeout=2,
            ) as connection:
                return connection.execute("SELECT 1").fetchone() == (1,)
        except psycopg.Error:
            return False

    return check


def _all(checks: Iterable[ReadyCheck]) -> ReadyCheck:
    listed = list(checks)
    return lambda: all(check() for check in listed)


def chat_answers(public_url: str, timeout: float = CHAT_TIMEOUT) -> bool:
    """A widget-like socket.io client through nginx opens a conversation, says hello, gets an answer.

    Runs its own event loop in a thread, so callers may hold one (Playwright's sync API does)."""
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(_chat(public_url, timeout))), daemon=True)
    thread.start()
    thread.join(timeout + 15)
    return bool(result and result[0])


async def _chat(public_url: str, timeout: float) -> bool:
    client = socketio.AsyncClient(reconnection=False)
    answered = asyncio.Event()
    confirmed: asyncio.Queue[object] = asyncio.Queue()
    client.on("bot_uttered", lambda *args: answered.set())
    client.on("session_confirm", lambda session_id=None: confirmed.put_nowait(session_id))
    try:
        await client.connect(
            f"{public_url}?shop=fr&lang=fr", headers={"Origin": public_url}, transports=["websocket"], wait_timeout=10
        )
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed.get(), timeout)
        custom = {"shop": "fr", "language": "fr"}
        await client.emit("user_uttered", {"message": "/greet", "session_id": session_id, "customData": custom})
        await asyncio.wait_for(answered.wait(), timeout)
        return True
    except (socketio.exceptions.SocketIOError, asyncio.TimeoutError, OSError):
        return False
    finally:
        await client.disconnect()


class HealthChecks:
    """One check per program supervisord runs."""

    def __init__(self, layout: Layout, services: Settings, database_url: str) -> None:
        self.layout, self.services = layout, services
        ports = layout.ports
        token = urlencode({"token": services.rasa_token()})
        self.checks: dict[str, ReadyCheck] = {
            "postgres": database_answers(database_url),
            "redis": redis_answers(ports["redis"]),
            "nginx": _all(
                [
                    http_ok(f"http://127.0.0.1:{ports['public']}/health"),
                    http_ok(f"{layout.rasa_url}/"),  # no token: nginx's error log holds failed requests' URLs
                    http_ok(f"http://127.0.0.1:{ports['actions-balancer']}/health"),
                ]
            ),
        }
        for name in layout.programs("gateway"):
            self.checks[name] = http_ok(f"http://127.0.0.1:{ports[name]}/health")
        for name in layout.programs("rasa"):
            self.checks[name] = http_ok(f"http://127.0.0.1:{ports[name]}/status?{token}")
        for name in layout.programs("actions"):
            self.checks[name] = http_ok(f"http://127.0.0.1:{ports[name]}/health")

    def failing(self, names: Iterable[str], status: dict[str, str]) -> list[str]:
        """The programs among `names` that are not RUNNING or do not answer."""
        return [name for name in names if status.get(name) != "RUNNING" or not self.checks[name]()]

    def wait_for(self, names: list[str], timeout: float, status: Callable[[], dict[str, str]] | None = None) -> float:
        started = time.monotonic()
        while True:
            current = status() if status else {name: "RUNNING" for name in names}
            failing = self.failing(names, current)
            if not failing:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                states = ", ".join(f"{name} {current.get(name, 'unknown')}" for name in failing)
                raise ProductionUnavailable(
                    f"not healthy after {timeout:.0f} s: {states}; see the logs in {self.layout.logs}"
                )
            time.sleep(POLL_SECONDS)

    def wait(self, status: Callable[[], dict[str, str]], timeout: float, chat: bool) -> float:
        """Until every program is healthy (and a chat through nginx works, with `chat`)."""
        started = time.monotonic()
        self.wait_for(list(self.checks), timeout, status)
        while chat and not chat_answers(self.services.public_url.replace("localhost", "127.0.0.1")):
            if time.monotonic() - started > timeout:
                raise ProductionUnavailable(f"no answer to a chat through nginx; see the logs in {self.layout.logs}")
            time.sleep(POLL_SECONDS)
        return time.monotonic() - started
