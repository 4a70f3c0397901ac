"""Which lines of an order may be returned, until when, or why not (DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from harmony.orders.clock import local_date, require_aware
from harmony.orders.facts import ItemFacts, OrderFacts
from harmony.orders.policy_data import MarketPolicy


class ReturnVerdict(Enum):
    RETURNABLE = "returnable"
    EXCLUDED_CATEGORY = "excluded_category"
    PERSONALISED = "personalised"
    MADE_TO_ORDER = "made_to_order"
    UNSEALED_HYGIENE = "unsealed_hygiene"
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


def last_return_day(delivered_at: datetime, policy: MarketPolicy) -> date:
    """Day 0 is the delivery day in the shop's zone; the window's last day is day `window_days`."""
    return local_date(delivered_at, policy.time_zone) + timedelta(days=policy.returns.window_days)


def decide_item_return(order: OrderFacts, item: ItemFacts, policy: MarketPolicy, now: datetime) -> ItemReturnDecision:
    require_aware(now)
    if order.status == "cancelled":
        return ItemReturnDecision(item, ReturnVerdict.ORDER_CANCELLED)
    excluded = _exclusion(item, policy)
    if excluded is not None:
        return ItemReturnDecision(item, excluded)
    if order.delivered_at is None:
        return ItemReturnDecision(item, ReturnVerdict.NOT_DELIVERED)
    last_day = last_return_day(order.delivered_at, policy)
    if local_date(now, policy.time_zone) <= last_day:
        return ItemReturnDecision(item, ReturnVerdict.RETURNABLE, last_day)
    return ItemReturnDecision(item, ReturnVerdict.WINDOW_OVER, last_day)


def decide_returns(order: OrderFacts, policy: MarketPolicy, now: datetime) -> tuple[ItemReturnDecision, ...]:
    """One decision per order line, in the order's line order."""
    return tuple(decide_item_return(order, item, policy, now) for item in order.items)
