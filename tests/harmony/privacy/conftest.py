"""An app database (SQLite or PostgreSQL, fresh per test) with the demo orders, and a tracker
store of the same kind in a database of its own, as Rasa's SQL tracker store makes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from harmony.database_setup import load_fixture_file
from harmony.settings import load_settings
from tests.conftest import fresh_postgres_database
from tests.harmony.privacy.stores import Stores, create_rasa_events_table


@pytest.fixture
def tracker_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if make_url(database_url).get_backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path / 'rasa-tracker.db'}"
        create_rasa_events_table(url)
        yield url
        return
    for url in fresh_postgres_database(request.getfixturevalue("postgres_admin_url")):
        create_rasa_events_table(url)
        yield url


@pytest.fixture
def stores(database_url: str, tracker_url: str) -> Iterator[Stores]:
    load_fixture_file(database_url, load_settings().fixture_file)
    opened = Stores(database_url, tracker_url)
    yield opened
    opened.close()
