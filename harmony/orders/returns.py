"""Which lines of an order may be returned, until when, or why not (DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from harmony.kb.order_policies import MarketPolicy, ReturnWindow
from harmony.orders.clock import add_working_days, local_date, require_aware, working_day_rule
from harmony.orders.facts import ItemFacts, OrderFacts


class ReturnVerdict(Enum):
    RETURNABLE = "returnable"
    EXCLUDED_CATEGORY = "excluded_category"
    PERSONALISED = "personalised"
    MADE_TO_ORDER = "made_to_order"
    UNSEALED_HYGIENE = "unsealed_hygiene"
    NO_RETURNS = "no_returns"  # the shop takes no returns for a change of mind (intl)
    WINDOW_OVER = "window_over"
    NOT_DELIVERED = "not_delivered"
    ORDER_CANCELLED = "order_cancelled"


@dataclass(frozen=True)
class ItemReturnDecision:
    item: ItemFacts
    verdict: ReturnVerdict
    last_day: date | None = None  # last calendar day of the window, in the shop's time zone

    @property
    def returnable(self) -> bool:
        return self.verdict is ReturnVerdict.RETURNABLE


def _exclusion(item: ItemFacts, policy: MarketPolicy) -> ReturnVerdict | None:
    rules = policy.returns
    if "personalised" in rules.excluded_flags and item.personalised:
        return ReturnVerdict.PERSONALISED
    if "made_to_order" in rules.excluded_flags and item.made_to_order:
        return ReturnVerdict.MADE_TO_ORDER
    if item.category in rules.excluded_categories:
        return ReturnVerdict.EXCLUDED_CATEGORY
    if item.category in rules.unsealed_hygiene_categories and not item.hygiene_sealed:
        return ReturnVerdict.UNSEALED_HYGIENE
    return None


def window_last_day(delivery_day: date, window: ReturnWindow) -> date:
    """The last day to return an item delivered on `delivery_day` (day 0, never counted).

    Calendar days: `delivery_day + length`. Working days: the `length`-th working day after
    the delivery day, so with the fr window (14 jours ouvrables: Monday to Saturday, not a
    French public holiday) an item delivered on Monday 2 November 2026 may be returned
    until Thursday 19 November 2026 included (Sundays 8 and 15 and 11 November not counted).
    """
    if window.unit == "calendar_days":
        return delivery_day + timedelta(days=window.length)
    return add_working_days(delivery_day, window.length, working_day_rule(window.days_off, window.holiday_calendar))


def last_return_day(delivered_at: datetime, window: ReturnWindow, time_zone: str) -> date:
    """Day 0 is the delivery day in the shop's time zone; the window ends on its last day, included."""
    return window_last_day(local_date(delivered_at, time_zone), window)


def decide_item_return(order: OrderFacts, item: ItemFacts, policy: MarketPolicy, now: datetime) -> ItemReturnDecision:
    require_aware(now)
    if order.status == "cancelled":
        return ItemReturnDecision(item, ReturnVerdict.ORDER_CANCELLED)
    excluded = _exclusion(item, policy)
    if excluded is not None:
        return ItemReturnDecision(item, excluded)
    window = policy.returns.window
    if window is None:
        return ItemReturnDecision(item, ReturnVerdict.NO_RETURNS)
    if order.delivered_at is None:
        return ItemReturnDecision(item, ReturnVerdict.NOT_DELIVERED)
    last_day = last_return_day(order.delivered_at, window, policy.time_zone)
    if local_date(now, policy.time_zone) <= last_day:
        return ItemReturnDecision(item, ReturnVerdict.RETURNABLE, last_day)
    return ItemReturnDecision(item, ReturnVerdict.WINDOW_OVER, last_day)


def decide_returns(order: OrderFacts, policy: MarketPolicy, now: datetime) -> tuple[ItemReturnDecision, ...]:
    """One decision per order line, in the order's line order."""
    return tuple(decide_item_return(order, item, policy, now) for item in order.items)
