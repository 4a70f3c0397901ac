"""Databases for tests: a fresh empty app database per test, on SQLite and on PostgreSQL.

Tests in the Rasa environment load this file too; it has neither psycopg nor SQLAlchemy 2,
so every database import happens inside the fixtures that need it.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A throwaway PostgreSQL server for the whole session, started by the first test that asks."""
    from tests.postgres_server import running_postgres

    # Not pytest's tmp dir: as root the server runs as `postgres`, which cannot enter /tmp/pytest-of-root.
    with running_postgres(Path(tempfile.gettempdir())) as url:
        yield url


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a new empty database with the app schema, removed after the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
        _create_schema(url)
        yield url
        return
    yield from fresh_postgres_database(request.getfixturevalue("postgres_admin_url"))


@pytest.fixture
def unreachable_database_url() -> str:
    """A PostgreSQL URL on a local port nothing listens on: a database that is down."""
    from tests.ports import free_port

    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"


def _create_schema(url: str) -> None:
    from harmony.db.engine import create_schema, make_engine

    engine = make_engine(url)
    try:
        create_schema(engine)
    finally:
        engine.dispose()


def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from harmony.db.engine import make_engine

    name = f"t_{secrets.token_hex(8)}"  # letters, digits and _ only: safe to put in the statement
    admin = make_engine(admin_url)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            _create_schema(url)
            yield url
        finally:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
