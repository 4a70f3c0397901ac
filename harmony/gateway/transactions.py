"""Database work of the gateway, off the event loop: one transaction per call, in a worker thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
logger = logging.getLogger("harmony.gateway")

# A PostgreSQL restart refuses connections for a second or two ("the database system is starting
# up"); the work is tried again after each pause, about 15 s in all, before its failure is reported.
RESTART_PAUSES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


async def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """Run `work` in one transaction in a worker thread, so the event loop never waits on the database."""

    def run() -> T:
        with sessions.begin() as session:
            return work(session)

    return await asyncio.to_thread(run)


async def in_transaction_waiting(
    sessions: sessionmaker[Session], work: Callable[[Session], T], pauses: Sequence[float] = RESTART_PAUSES
) -> T:
    """`in_transaction`, tried again while the database cannot be reached (it is restarting).

    For the customer's transcript: a message stored a few seconds late is better than one sent and
    never stored (an agent taking over would not see it, and a reconnecting widget could not get
    it). A failed try was rolled back, so nothing is stored twice; only a connection lost during
    the commit itself could leave it unknown whether the first try was stored.
    """
    for pause in pauses:
        try:
            return await in_transaction(sessions, work)
        except OperationalError as exc:
            logger.info("database unreachable (%s): trying again in %.2f s", type(exc).__name__, pause)
            await asyncio.sleep(pause)
    return await in_transaction(sessions, work)
