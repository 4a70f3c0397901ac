"""The gateway's database work waits out a database that is restarting, and gives up when it stays down."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from harmony.gateway.transactions import in_transaction_waiting


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
