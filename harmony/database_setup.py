"""Create the app database and fill it with the demo orders when it is empty."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from harmony.db.engine import create_schema, make_engine, session_factory
from harmony.fixtures.loader import LoadResult, count_orders, load_fixture, read_fixture


def display_url(url: str) -> str:
    """The database URL with any password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def load_fixture_file(database_url: str, path: Path) -> LoadResult:
    """Validate `path` and load it; raises `FixtureError` before touching the database."""
    fixture = read_fixture(path)
    engine = make_engine(database_url)
    try:
        create_schema(engine)
        with session_factory(engine).begin() as session:
            return load_fixture(session, fixture)
    finally:
        engine.dispose()


def prepare_database(database_url: str, demo_fixture: Path) -> LoadResult | None:
    """Create the tables; load `demo_fixture` only when there is no order yet."""
    engine = make_engine(database_url)
    try:
        create_schema(engine)
        with session_factory(engine)() as session:
            if count_orders(session) > 0:
                return None
    finally:
        engine.dispose()
    return load_fixture_file(database_url, demo_fixture)
