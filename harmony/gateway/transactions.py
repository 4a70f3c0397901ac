"""Database work of the gateway, off the event loop: one transaction per call, in a worker thread.

The gateway's PostgreSQL connections are not pinged before each use (a round trip per transaction
on the hottest path, `harmony.db.engine`). A pooled connection that died meanwhile (the server
restarted) is found when the work first uses it: the work had not been committed, so it is run
again, once, on a new connection. A connection lost during the commit itself is not retried here:
whether that commit was stored is unknown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
logger = logging.getLogger("harmony.gateway")

# A PostgreSQL restart refuses connections for a second or two ("the database system is starting
# up"); the work is tried again after each pause, about 15 s in all, before its failure is reported.
RESTART_PAUSES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def run_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T], single_statement: bool = False) -> T:
    """`work` in one transaction; again on a new connection if its pooled connection turned out dead
    before the commit (SQLAlchemy then discards every connection of the pool older than that one).

    `single_statement`: the work is one statement, atomic by itself; it runs in autocommit mode,
    without the two round trips of BEGIN and COMMIT (on PostgreSQL)."""
    try:
        return _run_once(sessions, work, single_statement)
    except _LostBeforeCommit as lost:
        logger.info("database connection lost (%s): the work runs again on a new one", type(lost.error).__name__)
        return _run_once(sessions, work, single_statement, raw_errors=True)


class _LostBeforeCommit(Exception):
    def __init__(self, error: DBAPIError) -> None:
        super().__init__(str(error))
        self.error = error


def _run_once(
    sessions: sessionmaker[Session], work: Callable[[Session], T], single_statement: bool, raw_errors: bool = False
) -> T:
    with sessions() as session:
        try:
            if single_statement:
                session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            result = work(session)
        except DBAPIError as exc:
            session.rollback()
            if exc.connection_invalidated and not raw_errors:
                raise _LostBeforeCommit(exc) from exc
            raise
        session.commit()
        return result


async def in_transaction(
    sessions: sessionmaker[Session], work: Callable[[Session], T], single_statement: bool = False
) -> T:
    """Run `work` in one transaction in a worker thread, so the event loop never waits on the database."""
    return await asyncio.to_thread(run_transaction, sessions, work, single_statement)


async def in_transaction_waiting(
    sessions: sessionmaker[Session],
    work: Callable[[Session], T],
    pauses: Sequence[float] = RESTART_PAUSES,
    single_statement: bool = False,
) -> T:
    """`in_transaction`, tried again while the database cannot be reached (it is restarting).

    For the customer's transcript: a message stored a few seconds late is better than one sent and
    never stored (an agent taking over would not see it, and a reconnecting widget could not get
    it). A failed try was rolled back, so nothing is stored twice; only a connection lost during
    the commit itself could leave it unknown whether the first try was stored.
    """
    for pause in pauses:
        try:
            return await in_transaction(sessions, work, single_statement)
        except OperationalError as exc:
            logger.info("database unreachable (%s): trying again in %.2f s", type(exc).__name__, pause)
            await asyncio.sleep(pause)
    return await in_transaction(sessions, work, single_statement)
