"""Engines and sessions for the configured database URL; nothing runs at import time."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import harmony.agents.models
import harmony.gateway.models  # noqa: F401  (registers the conversations' tables)
from harmony.db.models import Base

POSTGRES_CONNECT_TIMEOUT_SECONDS = 5


def make_engine(url: str, ping_before_use: bool = True) -> Engine:
    """An engine for `url`; creates the folder of a SQLite file and turns foreign keys on.

    PostgreSQL connections give up after `POSTGRES_CONNECT_TIMEOUT_SECONDS` when the server is down,
    unless the URL sets its own `?connect_timeout=`. A pooled PostgreSQL connection is pinged before
    each use, so a server restart goes unnoticed, unless `ping_before_use` is False: the caller then
    runs its work again itself when a connection turns out dead (the gateway,
    `harmony.gateway.transactions`).
    """
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_SECONDS  # a database that is down fails fast
    engine = create_engine(url, pool_pre_ping=ping_before_use and not is_sqlite, connect_args=connect_args)
    if is_sqlite:
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def _enable_sqlite_foreign_keys(dbapi_connection: object, _record: object) -> None:
    """Foreign keys on; and a write-ahead log with `synchronous=NORMAL`: the gateway, the action server
    and the tools write from several threads and processes, which then wait on each other far less and
    commit without an fsync each (a crashed process loses nothing; a power cut may lose the last commits)."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Columns added to a table after its first release: (table, column, SQL type). A database
# made by an earlier version gets them (nullable or with a default) when the schema is created.
ADDED_COLUMNS = (
    ("conversations", "site", "VARCHAR(8)"),
    ("conversations", "agent_id", "INTEGER REFERENCES agents(id)"),
    ("agents", "role", "VARCHAR(16) NOT NULL DEFAULT 'agent'"),
    ("conversations", "delivered_id", "INTEGER"),
)


def create_schema(engine: Engine) -> None:
    """Create missing tables and add the columns an earlier version did not have (idempotent)."""
    Base.metadata.create_all(engine)
    existing = inspect(engine)
    with engine.begin() as connection:
        for table, column, sql_type in ADDED_COLUMNS:
            if column not in {c["name"] for c in existing.get_columns(table)}:
                connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
