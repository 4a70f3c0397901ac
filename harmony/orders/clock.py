"""Time arithmetic of the policies: computed on UTC instants, calendar days in the shop's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the policies compute on aware (UTC) instants only")
    return moment


def local_date(moment: datetime, time_zone: str) -> date:
    """The calendar day of `moment` in the shop's time zone."""
    return require_aware(moment).astimezone(ZoneInfo(time_zone)).date()


def add_working_days(start: date, days: int) -> date:
    """`days` working days (Monday to Friday) after `start`; public holidays are not known."""
    current, remaining = start, days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
