"""Expected delivery and production from the shop's stated delivery times (DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from harmony.kb.order_policies import MarketPolicy
from harmony.orders.clock import add_working_days, local_date
from harmony.orders.facts import OrderFacts

IN_PROGRESS = ("placed", "processing")


@dataclass(frozen=True)
class DayRange:
    """Calendar days in the shop's time zone; `first` is None for "at the latest"."""

    first: date | None
    last: date


@dataclass(frozen=True)
class TrackingEstimate:
    production: DayRange | None = None  # made-to-order goods still being made
    delivery: DayRange | None = None


def _shift(day: date, low: int, high: int) -> DayRange:
    return DayRange(day + timedelta(days=low), day + timedelta(days=high))


def estimate(order: OrderFacts, policy: MarketPolicy) -> TrackingEstimate:
    """What the shop's stated times promise for `order` (nothing once delivered or cancelled)."""
    if order.status not in (*IN_PROGRESS, "shipped"):
        return TrackingEstimate()
    delivery = policy.delivery
    placed_day = local_date(order.placed_at, policy.time_zone)
    if delivery.working_days_after_placing is not None:
        return TrackingEstimate(
            delivery=DayRange(None, add_working_days(placed_day, delivery.working_days_after_placing))
        )
    if order.status == "shipped" and order.shipped_at is not None and delivery.after_shipping_days:
        return TrackingEstimate(
            delivery=_shift(local_date(order.shipped_at, policy.time_zone), *delivery.after_shipping_days)
        )
    if order.status in IN_PROGRESS and order.has_made_to_order_items and delivery.production_days:
        made_low, made_high = delivery.production_days
        production = _shift(placed_day, made_low, made_high)
        if delivery.after_shipping_days is None:
            return TrackingEstimate(production=production)
        ship_low, ship_high = delivery.after_shipping_days
        return TrackingEstimate(
            production=production, delivery=_shift(placed_day, made_low + ship_low, made_high + ship_high)
        )
    return TrackingEstimate()
