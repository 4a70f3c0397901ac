"""One place that opens sessions on the app database and turns its failures into one error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from harmony.db.engine import make_engine, session_factory


class OrderStoreUnavailable(RuntimeError):
    """The order database cannot be reached or failed; the transaction was rolled back."""


class OrderStore:
    """Sessions on one database URL; the engine is created on first use, not at import."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._sessions: sessionmaker[Session] | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        if self._sessions is None:
            self._sessions = session_factory(make_engine(self._url))
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, DBAPIError) as exc:
            raise OrderStoreUnavailable(type(exc).__name__) from exc


_STORES: dict[str, OrderStore] = {}


def store_for(database_url: str) -> OrderStore:
    """One store (one engine and its pool) per database URL for the life of the process."""
    if database_url not in _STORES:
        _STORES[database_url] = OrderStore(database_url)
    return _STORES[database_url]
