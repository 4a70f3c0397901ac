"""Rasa's action calls go over a kept connection, and still work when the action server is killed and restarted."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from aiohttp import ClientConnectionError
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot import action_connection

# A stand-in for the action server, in its own process so that it can be killed: it answers
# each POST with the number of connections it has accepted, what it was sent, a header and the token.
SERVER = textwrap.dedent(
    """
    import asyncio
    import sys

    from aiohttp import web

    connections = 0


    async def webhook(request):
        if request.query.get("fail"):
            return web.json_response({"error": "refused"}, status=400)
        return web.json_response({
            "connections": connections,
            "echo": await request.json(),
            "header": request.headers.get("X-Shop"),
            "token": request.query.get("token"),
        })


    async def main(port):
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()

        def counted():
            global connections
            connections += 1
            return runner.server()

        await asyncio.get_running_loop().create_server(counted, "127.0.0.1", port)
        print("ready", flush=True)
        await asyncio.Event().wait()


    asyncio.run(main(int(sys.argv[1])))
    """
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ActionServer:
    """The stand-in server as a process on a fixed port: started, killed and started again."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.script = directory / "server.py"
        self.script.write_text(SERVER)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Started and listening (it says so once it is; a probe connection would be counted)."""
        self.process = subprocess.Popen([sys.executable, str(self.script), str(self.port)], stdout=subprocess.PIPE)
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != b"ready":
            raise RuntimeError("the stand-in action server did not start")

    def kill(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ActionServer]:
    running = ActionServer(tmp_path)
    running.start()
    yield running
    if running.process is not None and running.process.poll() is None:
        running.kill()
    if running.process is not None and running.process.stdout is not None:
        running.process.stdout.close()


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], Awaitable[None]]], None]:
    """Runs a scenario with Rasa's endpoints on kept sessions, as `bot.rasa_main` installs them."""
    monkeypatch.setattr(EndpointConfig, "session", action_connection.kept_session)

    def run(scenario: Callable[[], Awaitable[None]]) -> None:
        async def then_close() -> None:
            try:
                await scenario()
            finally:
                await action_connection.close_sessions()

        asyncio.run(then_close())

    return run


Kept = Callable[[Callable[[], Awaitable[None]]], None]


async def _call(endpoint: EndpointConfig, body: dict[str, object], **kwargs: object) -> dict[str, object]:
    answer = await endpoint.request(json=body, method="post", **kwargs)
    assert isinstance(answer, dict)
    return answer


def test_calls_share_one_connection_and_keep_rasas_request(server: ActionServer, kept: Kept) -> None:
    token = secrets.token_hex(8)  # made up here: the test checks it reaches the server
    endpoint = EndpointConfig(server.url, headers={"X-Shop": "fr"}, token=token)

    async def scenario() -> None:
        answers = [await _call(endpoint, {"next_action": f"action_{n}"}) for n in range(5)]

        assert [a["connections"] for a in answers] == [1, 1, 1, 1, 1]
        assert [a["echo"] for a in answers] == [{"next_action": f"action_{n}"} for n in range(5)]
        assert {a["header"] for a in answers} == {"fr"}
        assert {a["token"] for a in answers} == {token}

    kept(scenario)


def test_without_the_kept_session_each_call_opens_a_connection(server: ActionServer) -> None:
    """What Rasa does on its own (what the kept session is measured against)."""
    endpoint = EndpointConfig(server.url)

    async def scenario() -> list[object]:
        return [(await _call(endpoint, {}))["connections"] for _ in range(3)]

    assert asyncio.run(scenario()) == [1, 2, 3]


def test_an_error_status_still_raises_rasas_error(server: ActionServer, kept: Kept) -> None:
    endpoint = EndpointConfig(server.url)

    async def scenario() -> None:
        with pytest.raises(ClientResponseError) as raised:
            await endpoint.request(json={}, method="post", params={"fail": "1"})

        assert raised.value.status == 400
        assert (await _call(endpoint, {}))["connections"] == 1  # the session goes on after the error

    kept(scenario)


def test_a_killed_and_restarted_server_is_reached_again(server: ActionServer, kept: Kept) -> None:
    endpoint = EndpointConfig(server.url)

    async def scenario() -> None:
        assert (await _call(endpoint, {"n": 1}))["connections"] == 1

        server.kill()
        with pytest.raises(ClientConnectionError):
            await _call(endpoint, {"n": 2})  # down: the call fails, as without kept connections
        server.start()

        answer = await _call(endpoint, {"n": 3})
        assert answer["echo"] == {"n": 3}
        assert answer["connections"] == 1  # a new process, reached over a new connection

    kept(scenario)


def test_a_call_right_after_a_kill_does_not_reuse_the_dead_connection(server: ActionServer, kept: Kept) -> None:
    """Killed and restarted between two calls, with no call in between: the next call gets through.

    The kept connection is closed as soon as the event loop reads the kernel's close, within a
    loop iteration of the kill; a restart takes seconds. (A call sent before that iteration, in
    the same instant as the kill, fails like any call to a killed server.)
    """
    endpoint = EndpointConfig(server.url)

    async def scenario() -> None:
        await _call(endpoint, {})
        server.kill()
        await asyncio.sleep(0.01)
        server.start()

        assert (await _call(endpoint, {"n": 2}))["echo"] == {"n": 2}

    kept(scenario)


def test_an_idle_connection_is_dropped_before_the_server_would(
    server: ActionServer, kept: Kept, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(action_connection, "KEEPALIVE_SECONDS", 0.2)
    endpoint = EndpointConfig(server.url)

    async def scenario() -> None:
        first = await _call(endpoint, {})
        await asyncio.sleep(0.6)
        second = await _call(endpoint, {})

        assert (first["connections"], second["connections"]) == (1, 2)

    kept(scenario)


def test_stopping_closes_the_sessions(server: ActionServer, kept: Kept) -> None:
    endpoint = EndpointConfig(server.url)

    async def scenario() -> None:
        await _call(endpoint, {})
        sessions = [session for _, session in action_connection._sessions.values()]

        await action_connection.close_sessions()

        assert sessions and all(session.closed for session in sessions)
        assert (await _call(endpoint, {}))["connections"] == 2  # a call after that opens a new session

    kept(scenario)


@pytest.mark.parametrize(
    "value",
    [
        {"text": "Où est ma commande ? 😡 </script>", "confidence": 0.1 + 0.2, "n": 2**53, "none": None},
        {"nan": float("nan")},
        {"big": 10**30},
    ],
    ids=["text-and-floats", "nan", "big-int"],
)
def test_the_body_is_the_same_json(value: dict[str, object]) -> None:
    encoded = action_connection.encode_json(value)

    assert json.dumps(json.loads(encoded), sort_keys=True) == json.dumps(value, sort_keys=True)
