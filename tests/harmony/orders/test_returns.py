"""Per-item return eligibility at the window boundaries and for each exclusion (DESIGN §6)."""

from datetime import date, datetime, timedelta, timezone

import pytest

from harmony.orders.policy_data import load_policies
from harmony.orders.returns import ReturnVerdict, decide_item_return, decide_returns
from tests.harmony.orders.order_builder import NOW, item, order

POLICIES = load_policies()


@pytest.mark.parametrize(
    ("market", "days", "verdict"),
    [
        ("fr", 14, ReturnVerdict.RETURNABLE),
        ("fr", 15, ReturnVerdict.WINDOW_OVER),
        ("ro", 30, ReturnVerdict.RETURNABLE),
        ("ro", 31, ReturnVerdict.WINDOW_OVER),
    ],
    ids=["fr-day14", "fr-day15", "ro-day30", "ro-day31"],
)
def test_window_counted_in_days_from_delivery(market: str, days: int, verdict: ReturnVerdict) -> None:
    delivered = NOW - timedelta(days=days)
    decision = decide_item_return(order(market, "delivered", delivered_at=delivered), item(), POLICIES[market], NOW)
    assert decision.verdict is verdict
    assert decision.last_day == delivered.date() + timedelta(days=POLICIES[market].returns.window_days)


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
        ("intl", item("Sneakers", "sneakers", made_to_order=True), ReturnVerdict.MADE_TO_ORDER),
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
