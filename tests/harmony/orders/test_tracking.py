"""Expected delivery and production from the shops' stated times."""

from datetime import date, datetime, timedelta, timezone

from harmony.kb.order_policies import load_policies
from harmony.orders.tracking import DayRange, estimate
from tests.harmony.orders.order_builder import NOW, item, order

POLICIES = load_policies()


def test_fr_shipped_is_expected_one_to_three_days_after_shipping() -> None:
    shipped = order("fr", "shipped", shipped_at=datetime(2026, 11, 19, 10, 0, tzinfo=timezone.utc))
    assert estimate(shipped, POLICIES["fr"]).delivery == DayRange(date(2026, 11, 20), date(2026, 11, 22))


def test_ro_at_the_latest_ten_working_days_after_placing() -> None:
    placed = order("ro", "processing", placed_at=datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc))  # a Friday
    assert estimate(placed, POLICIES["ro"]).delivery == DayRange(None, date(2026, 12, 4))


def test_intl_made_to_order_in_production() -> None:
    placed = order("intl", "processing", placed_at=NOW - timedelta(hours=30), items=(item(made_to_order=True),))
    result = estimate(placed, POLICIES["intl"])
    day = (NOW - timedelta(hours=30)).date()
    assert result.production == DayRange(day + timedelta(days=5), day + timedelta(days=10))
    assert result.delivery == DayRange(day + timedelta(days=12), day + timedelta(days=31))


def test_nothing_to_expect_once_delivered_or_cancelled() -> None:
    assert estimate(order("fr", "delivered"), POLICIES["fr"]).delivery is None
    assert estimate(order("intl", "cancelled"), POLICIES["intl"]).production is None
