"""Logs a shared store's outage once when it starts and once when it ends, never per call.

Only the exception's type is logged: a Redis error's text can hold the server's address,
and its URL the password.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("harmony.gateway.shared")


class Outage:
    def __init__(self, store: str) -> None:
        self.store = store
        self._down: set[str] = set()  # what is degraded now, e.g. "rate limits"

    def failed(self, what: str, exc: BaseException, meanwhile: str) -> None:
        """`what` could not use the store; `meanwhile` says what the gateway does instead."""
        if what not in self._down:
            self._down.add(what)
            logger.warning("%s unavailable for %s (%s): %s", self.store, what, type(exc).__name__, meanwhile)

    def worked(self, what: str) -> None:
        if what in self._down:
            self._down.discard(what)
            logger.warning("%s is back for %s", self.store, what)
