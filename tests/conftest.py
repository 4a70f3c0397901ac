"""Databases for tests: a fresh empty app database per test, on SQLite and on PostgreSQL.

Tests in the Rasa environment load this file too; it has neither psycopg nor SQLAlchemy 2,
so every database import happens inside the fixtures that need it.
"""

from __future__ import annotations

import secrets
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the Rasa environment's tests share this file, with an older SQLAlchemy
    from sqlalchemy.orm import Session, sessionmaker

# pytest-timeout's limit for the slow tests; every other test has the default of pyproject.toml (300 s).
SLOW_TEST_TIMEOUT_SECONDS = 900
PRODUCTION_TEST_TIMEOUT_SECONDS = 1800  # starts the production profile, then waits for it to recover 5 times


def _is_slow(item: pytest.Item) -> bool:
    """An e2e test (the first one of a session starts the whole stack), or one that runs a `rasa`
    command through tests/bot/rasa_command.py (its own limit is 900 s)."""
    return item.get_closest_marker("e2e") is not None or hasattr(getattr(item, "module", None), "run_rasa")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("timeout") is not None:
            continue
        if item.get_closest_marker("production") is not None:
            item.add_marker(pytest.mark.timeout(PRODUCTION_TEST_TIMEOUT_SECONDS))
        elif _is_slow(item):
            item.add_marker(pytest.mark.timeout(SLOW_TEST_TIMEOUT_SECONDS))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Print how many tests each folder has, before they run: a folder that silently lost its
    tests (a renamed file, a wrong --ignore) shows as a missing or shrunken line."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    counts = Counter(item.path.parent.relative_to(session.config.rootpath).as_posix() for item in session.items)
    reporter.write_line(f"tests per folder ({len(session.items)} in all):")
    for folder, count in sorted(counts.items()):
        reporter.write_line(f"{count:6d}  {folder}")


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
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on a new database with the app schema (each test runs on SQLite, then PostgreSQL)."""
    from harmony.db.engine import make_engine, session_factory

    engine = make_engine(database_url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


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
