"""Tracker databases for the store's tests (a SQLite file, or a fresh database on a real PostgreSQL), and a
count of the dialogue states Rasa computes."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")])
def tracker_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty tracker database; Rasa's store creates its `events` table."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    yield from _fresh_postgres_tracker_db(request.getfixturevalue("postgres_admin_url"))


@pytest.fixture
def postgres_tracker_db_url(postgres_admin_url: str) -> Iterator[str]:
    """URL of an empty tracker database on PostgreSQL only."""
    yield from _fresh_postgres_tracker_db(postgres_admin_url)


def _fresh_postgres_tracker_db(postgres_admin_url: str) -> Iterator[str]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    # Rasa's environment drives PostgreSQL with psycopg2 (SQLAlchemy 1.4)
    admin_url = make_url(postgres_admin_url).set(drivername="postgresql+psycopg2")
    name = f"t_{secrets.token_hex(8)}"  # letters, digits and _ only: safe in the statement
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin_url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def states_computed(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Call it to start counting `Domain.get_active_state` calls (one per dialogue state Rasa computes);
    it returns how many were made since it was first called."""
    from rasa.shared.core.domain import Domain

    computed = 0
    active_state = Domain.get_active_state

    def counting(self: Domain, *args: Any, **kwargs: Any) -> Any:
        nonlocal computed
        computed += 1
        return active_state(self, *args, **kwargs)

    def count() -> int:
        if Domain.get_active_state is active_state:
            monkeypatch.setattr(Domain, "get_active_state", counting)
        return computed

    return count
