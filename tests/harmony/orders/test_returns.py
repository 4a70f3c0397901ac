"""Per-item return eligibility at the window boundaries and for each exclusion (DESIGN §6).

fr counts 14 jours ouvrables from the delivery day (day 0, never counted): Monday to
Saturday, not a French public holiday; the 14th is the last day to return, included.
ro counts 30 calendar days. The expected days below are counted by hand on a calendar.
"""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from harmony.kb.order_policies import ReturnWindow, load_policies
from harmony.orders.returns import ReturnVerdict, decide_item_return, decide_returns, last_return_day
from tests.harmony.orders.order_builder import NOW, item, order

POLICIES = load_policies()


def window_of(market: str) -> ReturnWindow:
    window = POLICIES[market].returns.window
    assert window is not None
    return window


FR_WINDOW = window_of("fr")
PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(timezone.utc)


def fr_verdict(delivered: datetime, now: datetime) -> ReturnVerdict:
    return decide_item_return(order("fr", "delivered", delivered_at=delivered), item(), POLICIES["fr"], now).verdict


def test_the_fr_window_is_fourteen_working_days_without_sundays_and_french_holidays() -> None:
    assert ReturnWindow(14, "working_days", frozenset({6}), "FR") == FR_WINDOW


@pytest.mark.parametrize(
    ("delivered", "last_day"),
    [
        # Monday 2 Nov 2026: Sundays 8 and 15 and Armistice Day (Wed 11) don't count -> Thursday 19.
        (date(2026, 11, 2), date(2026, 11, 19)),
        # Thursday 30 April 2026: 1 May, 8 May (Fridays) and Ascension (Thu 14 May) skipped.
        (date(2026, 4, 30), date(2026, 5, 20)),
        # Saturday 4 April 2026: Sunday 5 and Easter Monday 6 April skipped.
        (date(2026, 4, 4), date(2026, 4, 22)),
        # Monday 13 July 2026: 14 July skipped.
        (date(2026, 7, 13), date(2026, 7, 30)),
        # Friday 14 August 2026: 15 August is a Saturday, a holiday: not counted -> Tuesday 1 Sept.
        (date(2026, 8, 14), date(2026, 9, 1)),
        # Saturday 19 Dec 2026: Christmas and New Year's Day (Fridays) skipped, into 2027.
        (date(2026, 12, 19), date(2027, 1, 7)),
        # Delivered on a Sunday: counting starts on Monday 9 Nov; 11 Nov skipped.
        (date(2026, 11, 8), date(2026, 11, 25)),
        # Delivered on a public holiday (Armistice Day): counting starts on Thursday 12 Nov.
        (date(2026, 11, 11), date(2026, 11, 27)),
    ],
    ids=[
        "monday",
        "may-holidays",
        "easter-monday",
        "14-july",
        "15-august-saturday",
        "christmas-new-year",
        "delivered-sunday",
        "delivered-holiday",
    ],
)
def test_fr_last_day_is_the_fourteenth_working_day_after_delivery(delivered: date, last_day: date) -> None:
    assert last_return_day(paris(delivered.year, delivered.month, delivered.day), FR_WINDOW, "Europe/Paris") == last_day


def test_fr_fourteenth_working_day_is_returnable_until_midnight_and_the_fifteenth_is_not() -> None:
    delivered = paris(2026, 11, 2, 16, 45)
    assert fr_verdict(delivered, paris(2026, 11, 19, 23, 59)) is ReturnVerdict.RETURNABLE  # 14th working day
    assert fr_verdict(delivered, paris(2026, 11, 20, 0, 0)) is ReturnVerdict.WINDOW_OVER  # 15th working day
    # Counting calendar days would have ended on 16 November; holidays and Sundays extend it.
    assert fr_verdict(delivered, paris(2026, 11, 17, 12, 0)) is ReturnVerdict.RETURNABLE


@pytest.mark.parametrize(
    ("delivered_utc", "last_day"),
    [
        # 22:30 UTC on 25 Oct 2026 is 23:30 on Sunday in Paris (winter time since 03:00 that
        # night): day 0 is Sunday -> Tuesday 10 Nov. With the summer offset it would be Monday.
        (datetime(2026, 10, 25, 22, 30, tzinfo=timezone.utc), date(2026, 11, 10)),
        # 22:30 UTC on 29 March 2026 is 00:30 on Monday 30 March in Paris (summer time since
        # 02:00): day 0 is Monday; Easter Monday 6 April skipped -> Thursday 16 April.
        (datetime(2026, 3, 29, 22, 30, tzinfo=timezone.utc), date(2026, 4, 16)),
    ],
    ids=["autumn-dst", "spring-dst"],
)
def test_fr_delivery_day_is_taken_in_paris_across_a_dst_change(delivered_utc: datetime, last_day: date) -> None:
    assert last_return_day(delivered_utc, FR_WINDOW, "Europe/Paris") == last_day


def test_fr_window_ending_on_the_night_summer_time_ends() -> None:
    delivered = paris(2026, 10, 8)  # Thursday -> 14th working day Saturday 24 October
    last_minute = datetime(2026, 10, 24, 21, 59, tzinfo=timezone.utc)  # 23:59 in Paris (UTC+2)
    assert fr_verdict(delivered, last_minute) is ReturnVerdict.RETURNABLE
    assert fr_verdict(delivered, last_minute + timedelta(minutes=1)) is ReturnVerdict.WINDOW_OVER


@pytest.mark.parametrize(("days", "verdict"), [(30, ReturnVerdict.RETURNABLE), (31, ReturnVerdict.WINDOW_OVER)])
def test_ro_window_is_thirty_calendar_days(days: int, verdict: ReturnVerdict) -> None:
    delivered = NOW - timedelta(days=days)
    decision = decide_item_return(order("ro", "delivered", delivered_at=delivered), item(), POLICIES["ro"], NOW)
    assert decision.verdict is verdict
    assert decision.last_day == delivered.date() + timedelta(days=30)


def test_ro_delivered_on_1_june_is_returnable_until_1_july() -> None:
    delivered = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
    assert last_return_day(delivered, window_of("ro"), "Europe/Bucharest") == date(2026, 7, 1)


def test_last_day_is_a_local_calendar_day() -> None:
    # Delivered at 23:30 UTC on 1 November = 01:30 on 2 November in Bucharest: day 0 is 2 November.
    delivered = datetime(2026, 11, 1, 23, 30, tzinfo=timezone.utc)
    decision = decide_item_return(order("ro", "delivered", delivered_at=delivered), item(), POLICIES["ro"], delivered)
    assert decision.last_day == date(2026, 12, 2)


@pytest.mark.parametrize(
    ("market", "the_item", "verdict"),
    [
        ("fr", item("Pads", "incontinence"), ReturnVerdict.EXCLUDED_CATEGORY),
        ("fr", item("Lift chair", "lift_chair"), ReturnVerdict.EXCLUDED_CATEGORY),
        ("ro", item("T-shirt", "sportswear", personalised=True), ReturnVerdict.PERSONALISED),
        ("ro", item("Made to spec", "sportswear", made_to_order=True), ReturnVerdict.MADE_TO_ORDER),
        ("ro", item("Cream", "hygiene"), ReturnVerdict.UNSEALED_HYGIENE),
        ("ro", item("Sealed cream", "hygiene", hygiene_sealed=True), ReturnVerdict.RETURNABLE),
        ("ro", item("Fresh juice", "perishable"), ReturnVerdict.EXCLUDED_CATEGORY),
        ("ro", item("Detox tea", "food"), ReturnVerdict.RETURNABLE),  # seed 002 excludes no "food"
        ("intl", item("Sneakers", "sneakers", made_to_order=True), ReturnVerdict.MADE_TO_ORDER),
        ("intl", item("Laces", "accessories"), ReturnVerdict.NO_RETURNS),
        ("fr", item("Personalised walker", "mobility", personalised=True), ReturnVerdict.RETURNABLE),
    ],
)
def test_exclusions_per_market(market: str, the_item: object, verdict: ReturnVerdict) -> None:
    delivered = order(market, "delivered", delivered_at=NOW - timedelta(days=2))
    assert decide_item_return(delivered, the_item, POLICIES[market], NOW).verdict is verdict  # type: ignore[arg-type]


def test_no_delivery_date_means_not_delivered_yet_but_exclusions_still_show() -> None:
    shipped = order("fr", "shipped", items=(item(), item("Pads", "incontinence")))
    verdicts = [d.verdict for d in decide_returns(shipped, POLICIES["fr"], NOW)]
    assert verdicts == [ReturnVerdict.NOT_DELIVERED, ReturnVerdict.EXCLUDED_CATEGORY]


def test_a_cancelled_order_has_nothing_to_return() -> None:
    decisions = decide_returns(order("ro", "cancelled"), POLICIES["ro"], NOW)
    assert [d.verdict for d in decisions] == [ReturnVerdict.ORDER_CANCELLED]
