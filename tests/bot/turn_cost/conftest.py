"""Tracker databases for the store's tests: a SQLite file, or a fresh database on a real PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")])
def tracker_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty tracker database; Rasa's store creates its `events` table."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    # Rasa's environment drives PostgreSQL with psycopg2 (SQLAlchemy 1.4)
    admin_url = make_url(request.getfixturevalue("postgres_admin_url")).set(drivername="postgresql+psycopg2")
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
