"""Dates, times and amounts for a customer's language, with Babel; shown in the shop's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency

from harmony.kb.order_texts import message
from harmony.orders.clock import require_aware

LOCALES = {"fr": "fr_FR", "en": "en_GB", "ro": "ro_RO"}


def format_day(day: date, language: str) -> str:
    """`5 décembre 2026`, `5 December 2026`, `5 decembrie 2026`."""
    return format_date(day, format="long", locale=LOCALES[language])


def format_clock(moment: datetime, time_zone: str, language: str) -> str:
    """The time of day in the shop's zone, 24-hour: `09:10`."""
    local = require_aware(moment).astimezone(ZoneInfo(time_zone))
    return format_time(local, format="HH:mm", locale=LOCALES[language])


def format_moment(moment: datetime, now: datetime, time_zone: str, language: str) -> str:
    """`today at 09:10`, `yesterday at 09:10`, `tomorrow at 09:10` or `on 5 December 2026 at 09:10`."""
    zone = ZoneInfo(time_zone)
    day = require_aware(moment).astimezone(zone).date()
    today = require_aware(now).astimezone(zone).date()
    time = format_clock(moment, time_zone, language)
    relative = {today: "today_at", today - timedelta(days=1): "yesterday_at", today + timedelta(days=1): "tomorrow_at"}
    if day in relative:
        return message(relative[day], language, time=time)
    return message("on_date_at", language, date=format_day(day, language), time=time)


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """`128,90 €`, `€128.90`, `389,00 RON`."""
    return format_currency(amount, currency, locale=LOCALES[language])
