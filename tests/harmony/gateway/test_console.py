"""The agent console's API on the real gateway app: logins and replies."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from harmony.agents.accounts import create_agent
from harmony.clock import SYSTEM_CLOCK
from harmony.db.engine import create_schema, make_engine, session_factory
from harmony.gateway.app import build_app
from harmony.gateway.transcripts import open_conversation
from harmony.kb.markets import PageContext
from harmony.settings import load_settings

PASSWORD = "a long enough password"  # noqa: S105 - a test account


def _with_console(
    tmp_path: Path, scenario: Callable[[TestClient], Awaitable[None]], closed_conversation: list[str] | None = None
) -> None:
    """`scenario` against the app; `closed_conversation` receives the id of a conversation already closed."""
    settings = load_settings({"HARMONY_VAR_DIR": str(tmp_path)})
    engine = make_engine(settings.database_url)
    create_schema(engine)
    with session_factory(engine).begin() as session:
        create_agent(session, "marie", "Marie", PASSWORD)
        conversation = open_conversation(session, PageContext("fr", "fr"), SYSTEM_CLOCK.now())
        conversation.owner = "closed"
        if closed_conversation is not None:
            closed_conversation.append(conversation.id)
    engine.dispose()

    async def main() -> None:
        async with TestClient(TestServer(build_app(settings))) as client:
            await scenario(client)

    asyncio.run(main())


async def _login(client: TestClient, password: str) -> int:
    response = await client.post("/api/agent/login", json={"username": "marie", "password": password})
    return response.status


def test_five_wrong_passwords_then_the_client_waits(tmp_path: Path) -> None:
    async def scenario(client: TestClient) -> None:
        assert [await _login(client, "wrong password!") for _ in range(5)] == [401] * 5
        assert await _login(client, "wrong password!") == 429
        assert await _login(client, PASSWORD) == 429  # even the right one, until the minute is over

    _with_console(tmp_path, scenario)


def test_successful_logins_are_never_slowed_down(tmp_path: Path) -> None:
    async def scenario(client: TestClient) -> None:
        assert [await _login(client, PASSWORD) for _ in range(7)] == [200] * 7  # more than the 5 wrong ones allowed
        assert await _login(client, "wrong password!") == 401

    _with_console(tmp_path, scenario)


def test_a_reply_to_a_closed_conversation_is_refused_clearly_and_not_stored(tmp_path: Path) -> None:
    closed: list[str] = []

    async def scenario(client: TestClient) -> None:
        assert await _login(client, PASSWORD) == 200
        response = await client.post(f"/api/agent/conversations/{closed[0]}/messages", json={"text": "Bonjour !"})
        assert response.status == 409
        assert await response.json() == {"error": "This conversation is closed: your reply was not sent."}
        transcript = await client.get(f"/api/agent/conversations/{closed[0]}")
        assert "Bonjour !" not in await transcript.text()

    _with_console(tmp_path, scenario, closed)
