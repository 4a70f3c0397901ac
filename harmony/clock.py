"""The one source of "now" of every process: hand-off notices, agent hours, order dates, fixtures.

Code that needs the time takes a `Clock` (or the `now` it read) instead of calling
`datetime.now`, so tests decide what "now" is. A real process asks `process_clock()`: the
system clock, unless `HARMONY_CLOCK_START` (read by `harmony.settings`) pins it, in which
case the process's clock starts at that instant and runs forward from it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Mapping, Protocol

from harmony.settings import load_settings


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a clock gives aware (UTC) instants only")
    return moment.astimezone(timezone.utc)


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that shows `instant` until a test moves it."""

    def __init__(self, instant: datetime) -> None:
        self.instant = _utc(instant)

    def now(self) -> datetime:
        return self.instant

    def advance(self, delta: timedelta) -> None:
        self.instant += delta


class OffsetClock:
    """Shows `start` when created, then runs forward as fast as `source` (the system clock)."""

    def __init__(self, start: datetime, source: Clock | None = None) -> None:
        self.source: Clock = source or SYSTEM_CLOCK
        self.offset = _utc(start) - self.source.now()

    def now(self) -> datetime:
        return self.source.now() + self.offset


SYSTEM_CLOCK = SystemClock()


@cache
def _started_at(start: datetime) -> OffsetClock:
    """One running clock per process and start instant, started the first time it is asked for."""
    return OffsetClock(start)


def clock_starting_at(start: datetime | None) -> Clock:
    """The system clock, or this process's clock started at `start` (the same object on every call)."""
    return SYSTEM_CLOCK if start is None else _started_at(_utc(start))


def process_clock(env: Mapping[str, str] | None = None) -> Clock:
    """This process's clock, from `HARMONY_CLOCK_START` in `env` (the process environment by default)."""
    return clock_starting_at(load_settings(env).clock_start)
