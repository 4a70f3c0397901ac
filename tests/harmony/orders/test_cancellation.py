"""Cancellation rules per market, at their boundaries (DESIGN §6)."""

from datetime import datetime, timedelta, timezone

import pytest

from harmony.kb.order_policies import load_policies
from harmony.orders.cancellation import CancellationOutcome, RefusalReason, decide_cancellation
from tests.harmony.orders.order_builder import NOW, order

POLICIES = load_policies()


@pytest.mark.parametrize(
    ("elapsed", "outcome"),
    [
        (timedelta(hours=11, minutes=59), CancellationOutcome.ALLOWED),
        (timedelta(hours=12), CancellationOutcome.REFUSED),
        (timedelta(hours=12, minutes=1), CancellationOutcome.REFUSED),
    ],
    ids=["11h59", "exactly-12h", "12h01"],
)
def test_intl_twelve_hour_window(elapsed: timedelta, outcome: CancellationOutcome) -> None:
    decision = decide_cancellation(order("intl", placed_at=NOW - elapsed), POLICIES["intl"], NOW)
    assert decision.outcome is outcome
    assert decision.deadline == NOW - elapsed + timedelta(hours=12)
    assert decision.refund == "gift_card_full_amount"
    if outcome is CancellationOutcome.REFUSED:
        assert decision.reason is RefusalReason.WINDOW_ENDED


def test_intl_expedited_with_tracking_is_never_cancellable_even_within_the_window() -> None:
    shipped = order("intl", "shipped", shipping="expedited", tracking="0944", placed_at=NOW - timedelta(hours=5))
    decision = decide_cancellation(shipped, POLICIES["intl"], NOW)
    assert (decision.outcome, decision.reason) == (CancellationOutcome.REFUSED, RefusalReason.EXPEDITED_TRACKED)


def test_intl_standard_within_the_window_is_cancellable() -> None:
    decision = decide_cancellation(order("intl", placed_at=NOW - timedelta(hours=6)), POLICIES["intl"], NOW)
    assert decision.allowed


@pytest.mark.parametrize("market", ["fr", "ro"])
@pytest.mark.parametrize("status", ["placed", "processing"])
def test_fr_and_ro_cancellable_until_shipped_whatever_the_age(market: str, status: str) -> None:
    old = order(market, status, placed_at=NOW - timedelta(days=20))
    decision = decide_cancellation(old, POLICIES[market], NOW)
    assert decision.allowed
    assert decision.deadline is None
    assert decision.refund == "original_payment"


@pytest.mark.parametrize("market", ["fr", "ro", "intl"])
@pytest.mark.parametrize("status", ["shipped", "delivered"])
def test_shipped_or_delivered_orders_are_refused_with_the_shipping_moment(market: str, status: str) -> None:
    shipped_at = NOW - timedelta(hours=1)
    decision = decide_cancellation(
        order(market, status, shipped_at=shipped_at, placed_at=NOW - timedelta(hours=2)), POLICIES[market], NOW
    )
    assert (decision.outcome, decision.reason, decision.deadline) == (
        CancellationOutcome.REFUSED,
        RefusalReason.SHIPPED,
        shipped_at,
    )


def test_already_cancelled_says_so() -> None:
    decision = decide_cancellation(order("fr", "cancelled"), POLICIES["fr"], NOW)
    assert decision.outcome is CancellationOutcome.ALREADY_CANCELLED


def test_dst_change_between_placing_and_asking() -> None:
    # Placed 23:00 in Paris on 24 October 2026 (UTC+2); summer time ends during the night.
    placed = datetime(2026, 10, 24, 21, 0, tzinfo=timezone.utc)
    just_before = datetime(2026, 10, 25, 8, 59, tzinfo=timezone.utc)  # 11 h 59 later, 09:59 in Paris
    decision = decide_cancellation(order("intl", placed_at=placed), POLICIES["intl"], just_before)
    assert decision.allowed
    assert decision.deadline == datetime(2026, 10, 25, 9, 0, tzinfo=timezone.utc)  # 10:00 in Paris (UTC+1), not 11:00


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        decide_cancellation(order("fr"), POLICIES["fr"], datetime(2026, 1, 1))
