"""The gateway's database work waits out a database that is restarting, and gives up when it stays down;
a connection the server closed is replaced without the work being lost or done twice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from harmony.db.engine import make_engine
from harmony.gateway.transactions import in_transaction, in_transaction_waiting
from tests.conftest import fresh_postgres_database


def _sessions_on_a_folder_not_there_yet(folder: Path) -> sessionmaker[Session]:
    """A SQLite database that cannot be opened until its folder exists: a database that is down."""
    return sessionmaker(create_engine(f"sqlite:///{folder / 'app.db'}"))


def _write_and_count(session: Session) -> int:
    session.execute(text("CREATE TABLE IF NOT EXISTS notes (body TEXT)"))
    session.execute(text("INSERT INTO notes VALUES ('stored once')"))
    return int(session.execute(text("SELECT count(*) FROM notes")).scalar_one())


def test_work_tried_while_the_database_is_down_is_done_once_when_it_comes_back(tmp_path: Path) -> None:
    folder = tmp_path / "later"
    sessions = _sessions_on_a_folder_not_there_yet(folder)

    async def scenario() -> int:
        async def back_in_a_moment() -> None:
            await asyncio.sleep(0.6)
            folder.mkdir()

        coming_back = asyncio.create_task(back_in_a_moment())
        stored = await in_transaction_waiting(sessions, _write_and_count, pauses=(0.25, 0.5, 1.0))
        await coming_back
        return stored

    assert asyncio.run(scenario()) == 1  # done once, after failed tries that stored nothing


def test_a_database_that_stays_down_fails_after_the_last_pause(tmp_path: Path) -> None:
    sessions = _sessions_on_a_folder_not_there_yet(tmp_path / "never")
    with pytest.raises(OperationalError):
        asyncio.run(in_transaction_waiting(sessions, _write_and_count, pauses=(0.01, 0.01)))
    assert not (tmp_path / "never").exists()


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    yield from fresh_postgres_database(postgres_admin_url)


def _end_every_other_connection(admin_url: str) -> int:
    """What a PostgreSQL restart does to a pool: every connection to the server is closed under it."""
    engine = make_engine(admin_url)
    try:
        with engine.connect() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    )
                ).all()
            )
    finally:
        engine.dispose()


def test_a_pooled_connection_closed_by_the_server_is_replaced_and_the_work_done_once(
    postgres_admin_url: str, postgres_url: str
) -> None:
    """The gateway does not ping before each transaction: a dead connection is found by the work, which
    runs again on a new connection, once; nothing is stored twice and the caller sees no error."""
    engine = make_engine(postgres_url, ping_before_use=False)
    sessions = sessionmaker(engine)
    runs: list[int] = []

    def write_and_count(session: Session) -> int:
        runs.append(1)
        return _write_and_count(session)

    async def scenario() -> tuple[int, int]:
        first = await in_transaction(sessions, write_and_count)  # leaves its connection in the pool
        assert _end_every_other_connection(postgres_admin_url) >= 1
        return first, await in_transaction(sessions, write_and_count)

    try:
        assert asyncio.run(scenario()) == (1, 2)
        assert len(runs) == 3  # the second work ran twice: on the dead connection, then on a new one
    finally:
        engine.dispose()


def test_work_that_fails_for_another_reason_is_not_run_again(postgres_url: str) -> None:
    engine = make_engine(postgres_url, ping_before_use=False)
    runs: list[int] = []

    def refused(session: Session) -> None:
        runs.append(1)
        session.execute(text("INSERT INTO no_such_table VALUES (1)"))

    try:
        with pytest.raises(ProgrammingError):
            asyncio.run(in_transaction(sessionmaker(engine), refused))
        assert runs == [1]
    finally:
        engine.dispose()
