"""A tracker store that fails makes the turn fail, instead of answering from an empty conversation.

Rasa wraps the configured tracker store in a `FailSafeTrackerStore`: when the database cannot be
read it answers "no such conversation" and starts a new one in memory, and when it cannot be
written it keeps the turn in this process only. For our customers that is the worst outcome: the
verified order, the language and the question being asked are forgotten mid-conversation (found by
the production fault test, restarting PostgreSQL under load), and what the bot says next is
answered as if the customer had just arrived.

Installed by `bot.rasa_main` for `rasa run`, the errors are raised instead: the turn fails, the
gateway tells the customer politely and keeps their message, and once the database is back the
conversation goes on where it was. Each failure is logged by its type only (no URL, no password).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(RuntimeError):
    """The conversation could not be read or written: the turn must not go on without it."""


def _raise(self: FailSafeTrackerStore, error: Exception) -> None:
    logger.error(
        "tracker store unavailable (%s): the turn fails, nothing is answered from memory", type(error).__name__
    )
    raise TrackerStoreUnavailable(type(error).__name__) from error


def install() -> None:
    """Make every `FailSafeTrackerStore` raise where it would fall back to memory."""
    FailSafeTrackerStore.on_tracker_store_error = _raise
    FailSafeTrackerStore.on_tracker_store_retrieve_error = _raise


def installed() -> bool:
    hook: Any = FailSafeTrackerStore.on_tracker_store_retrieve_error
    return hook is _raise
