"""Time arithmetic of the policies: computed on UTC instants, calendar days in the shop's zone.

No function here reads the time: callers pass `now`, taken from `harmony.clock`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


def require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the policies compute on aware (UTC) instants only")
    return moment


def local_date(moment: datetime, time_zone: str) -> date:
    """The calendar day of `moment` in the shop's time zone."""
    return require_aware(moment).astimezone(ZoneInfo(time_zone)).date()


@lru_cache(maxsize=8)
def public_holidays(country: str) -> holidays.HolidayBase:
    """The national public holidays of `country` (`FR`), from the `holidays` package, any year."""
    return holidays.country_holidays(country)


def working_day_rule(days_off: frozenset[int], holiday_calendar: str | None) -> Callable[[date], bool]:
    """Whether a day is a working day: not one of `days_off` (Monday = 0), not a public holiday."""
    closed = public_holidays(holiday_calendar) if holiday_calendar else None

    def is_working_day(day: date) -> bool:
        return day.weekday() not in days_off and (closed is None or day not in closed)

    return is_working_day


def monday_to_friday(day: date) -> bool:
    return day.weekday() < 5


def add_working_days(start: date, days: int, is_working_day: Callable[[date], bool] = monday_to_friday) -> date:
    """The `days`-th working day after `start`; `start` itself never counts, whatever day it is.

    By default a working day is Monday to Friday, public holidays not known.
    """
    current, remaining = start, days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
