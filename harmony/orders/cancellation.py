"""May this order still be cancelled? The market's rule decides (DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from harmony.kb.order_policies import MarketPolicy
from harmony.orders.clock import require_aware
from harmony.orders.facts import OrderFacts

NOT_SHIPPED = ("placed", "processing")


class CancellationOutcome(Enum):
    ALLOWED = "allowed"
    ALREADY_CANCELLED = "already_cancelled"
    REFUSED = "refused"


class RefusalReason(Enum):
    SHIPPED = "shipped"  # handed to the carrier (fr, ro, and any market once it has left)
    WINDOW_ENDED = "window_ended"  # intl: the hours after placing are over
    EXPEDITED_TRACKED = "expedited_tracked"  # intl: an expedited order with a tracking number


@dataclass(frozen=True)
class CancellationDecision:
    outcome: CancellationOutcome
    rule: str
    refund: str
    reason: RefusalReason | None = None
    deadline: datetime | None = None  # the end of the window (intl) or when it shipped

    @property
    def allowed(self) -> bool:
        return self.outcome is CancellationOutcome.ALLOWED


def decide_cancellation(order: OrderFacts, policy: MarketPolicy, now: datetime) -> CancellationDecision:
    """The decision for `order` at `now` under its market's `policy`."""
    require_aware(now)
    rule, refund = policy.cancellation.rule, policy.cancellation.refund
    if order.status == "cancelled":
        return CancellationDecision(CancellationOutcome.ALREADY_CANCELLED, rule, refund, deadline=order.cancelled_at)
    if rule == "hours_after_placing" and order.shipping == "expedited" and order.tracking:
        return CancellationDecision(
            CancellationOutcome.REFUSED, rule, refund, RefusalReason.EXPEDITED_TRACKED, order.shipped_at
        )
    if order.status not in NOT_SHIPPED:
        return CancellationDecision(CancellationOutcome.REFUSED, rule, refund, RefusalReason.SHIPPED, order.shipped_at)
    if rule == "hours_after_placing":
        deadline = require_aware(order.placed_at) + timedelta(hours=policy.cancellation.hours or 0)
        if now >= deadline:
            return CancellationDecision(CancellationOutcome.REFUSED, rule, refund, RefusalReason.WINDOW_ENDED, deadline)
        return CancellationDecision(CancellationOutcome.ALLOWED, rule, refund, deadline=deadline)
    return CancellationDecision(CancellationOutcome.ALLOWED, rule, refund)
