"""Console logins on the real gateway app: wrong passwords are slowed down per client, right ones never."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from harmony.agents.accounts import create_agent
from harmony.db.engine import create_schema, make_engine, session_factory
from harmony.gateway.app import build_app
from harmony.settings import load_settings

PASSWORD = "a long enough password"  # noqa: S105 - a test account


def _with_console(tmp_path: Path, scenario: Callable[[TestClient], Awaitable[None]]) -> None:
    settings = load_settings({"HARMONY_VAR_DIR": str(tmp_path)})
    engine = make_engine(settings.database_url)
    create_schema(engine)
    with session_factory(engine).begin() as session:
        create_agent(session, "marie", "Marie", PASSWORD)
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
