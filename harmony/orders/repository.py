"""The orders in the app database: verified look-ups and the audited cancellation.

Every function receives a `Session`; the caller owns the transaction. Nothing here knows
about Rasa or about the wording of replies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from harmony.db.models import AuditRecord, Customer, Order
from harmony.kb.order_policies import MarketPolicy
from harmony.orders.cancellation import CancellationDecision, decide_cancellation
from harmony.orders.facts import ItemFacts, OrderFacts
from harmony.orders.throttle import MAX_FAILURES, Attempt, locked_until, record_failure, record_success

ASSISTANT_ACTOR = "assistant"
ITEM_FIELDS = tuple(f.name for f in fields(ItemFacts))  # the order_items columns of the same names


def to_facts(order: Order) -> OrderFacts:
    return OrderFacts(
        number=order.number,
        customer_email=order.customer.email,
        customer_name=order.customer.name,
        market=order.market,
        status=order.status,
        shipping=order.shipping,
        carrier=order.carrier,
        tracking=order.tracking,
        currency=order.currency,
        placed_at=order.placed_at,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        cancelled_at=order.cancelled_at,
        items=tuple(ItemFacts(**{name: getattr(item, name) for name in ITEM_FIELDS}) for item in order.items),
    )


def _verified(number: str, email: str) -> Select[tuple[Order]]:
    """Number and e-mail matched in one query: a wrong one of either finds nothing."""
    return (
        select(Order)
        .join(Order.customer)
        .where(Order.number == number.upper(), func.lower(Customer.email) == email.strip().lower())
        .options(selectinload(Order.items), selectinload(Order.customer))
    )


def _of_customer(number: str, customer_id: int) -> Select[tuple[Order]]:
    """An order of the customer verified earlier in the conversation (by their id, not their e-mail)."""
    return (
        select(Order)
        .where(Order.number == number.upper(), Order.customer_id == customer_id)
        .options(selectinload(Order.items), selectinload(Order.customer))
    )


def find_customer_order(session: Session, number: str, customer_id: int) -> OrderFacts | None:
    order = session.scalars(_of_customer(number, customer_id)).one_or_none()
    return to_facts(order) if order else None


@dataclass(frozen=True)
class Verification:
    """The outcome of one try: the order, or nothing and maybe the end of a lock-out."""

    order: OrderFacts | None = None
    locked_until: datetime | None = None
    customer_id: int | None = None  # the order's customer, when found


def verify_order(
    session: Session,
    attempt: Attempt,
    now: datetime,
    conversation_id: str,
    max_failures: Mapping[str, int] = MAX_FAILURES,
) -> Verification:
    """Look the order up unless a key of `attempt` is locked; count a failure or link the conversation.

    A locked key means no query at all, so guesses during a lock-out learn nothing, even the
    right pair.
    """
    lock = locked_until(session, attempt, now)
    if lock is not None:
        return Verification(locked_until=lock)
    order = session.scalars(_verified(attempt.number, attempt.email)).one_or_none()
    if order is None:
        return Verification(locked_until=record_failure(session, attempt, now, max_failures))
    record_success(session, attempt, order.customer_id, conversation_id, now)
    return Verification(order=to_facts(order), customer_id=order.customer_id)


def cancel_customer_order(
    session: Session,
    number: str,
    customer_id: int,
    policies: Mapping[str, MarketPolicy],
    now: datetime,
    conversation_id: str,
) -> tuple[OrderFacts, CancellationDecision] | None:
    """Cancel the order of the customer verified earlier in the conversation (by id), if the market's
    rule still allows it at `now`, with its audit record.

    The row is locked (PostgreSQL) and the rule re-checked inside the transaction, so a
    confirmation sent twice, or after the window closed, never cancels twice or late.
    """
    return _cancel(session, _of_customer(number, customer_id), policies, now, conversation_id)


def _cancel(
    session: Session,
    query: Select[tuple[Order]],
    policies: Mapping[str, MarketPolicy],
    now: datetime,
    conversation_id: str,
) -> tuple[OrderFacts, CancellationDecision] | None:
    order = session.scalars(query.with_for_update(of=Order)).one_or_none()
    if order is None:
        return None
    decision = decide_cancellation(to_facts(order), policies[order.market], now)
    if decision.allowed:
        order.status = "cancelled"
        order.cancelled_at = now
        session.add(
            AuditRecord(
                at=now,
                actor=ASSISTANT_ACTOR,
                action="cancel_order",
                order_id=order.id,
                conversation_id=conversation_id,
                outcome="cancelled",
                detail=f"rule={decision.rule} refund={decision.refund}",
            )
        )
        session.flush()
    return to_facts(order), decision
