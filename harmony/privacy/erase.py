"""Erasure of a customer's conversations (their right to erasure), by e-mail; idempotent.

Erased: the conversations (gateway rows, transcripts, the agents' hand-off summaries they hold),
their Rasa tracker events, the links that say the customer verified an order in them, and the
verification records of the customer's e-mail and order numbers. Kept, because the shop must
keep them: the customer record, the orders and their items, and the audit records of order
changes (with the id of the conversation they came from).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from harmony.db.models import AuditRecord, Base, VerificationFailure, VerifiedConversation
from harmony.gateway.models import ChatMessage, Conversation
from harmony.privacy.ownership import CustomerData, customer_data
from harmony.privacy.statements import batches, deleted_rows
from harmony.privacy.tracker_events import count_events, delete_events, sender_ids
from harmony.privacy.verification_records import verification_condition


@dataclass(frozen=True)
class Kept:
    """What stays of a customer after an erasure: the shop must keep it."""

    customer: bool = False
    orders: int = 0
    audit_records: int = 0


@dataclass(frozen=True)
class ErasureCounts:
    """Rows erased (or that would be, for a preview), and what stays."""

    conversations: int = 0  # in the gateway, in the tracker store, or both
    messages: int = 0
    handoff_summaries: int = 0
    tracker_events: int = 0
    verified_links: int = 0
    verification_records: int = 0
    kept: Kept = Kept()

    @property
    def erased_anything(self) -> bool:
        return any(
            (
                self.conversations,
                self.messages,
                self.tracker_events,
                self.verified_links,
                self.verification_records,
            )
        )


def preview_erasure(app: Session, tracker: Session | None, email: str) -> ErasureCounts:
    """What `erase_customer` would erase now, changing nothing."""
    found = customer_data(app, tracker, email)
    ids = found.conversation_ids
    return ErasureCounts(
        conversations=len(_stored_conversations(app, tracker, ids)),
        messages=_count_in(app, ChatMessage, ChatMessage.conversation_id, ids),
        handoff_summaries=_count_in(app, Conversation, Conversation.id, ids, Conversation.handoff_summary.is_not(None)),
        tracker_events=count_events(tracker, ids),
        verified_links=_count_in(app, VerifiedConversation, VerifiedConversation.conversation_id, ids),
        verification_records=_count(app, VerificationFailure, verification_condition(found)),
        kept=_kept(app, found),
    )


def erase_customer(app: Session, tracker: Session | None, email: str) -> ErasureCounts:
    """Erase `email`'s conversations and verification records; returns what went.

    The tracker store is a separate database: its deletion is committed first, so if the app
    database then fails, the conversations are still found by the next run (their transcripts
    and links are still there). The caller commits `app`.
    """
    found = customer_data(app, tracker, email)
    ids = found.conversation_ids
    stored = _stored_conversations(app, tracker, ids)
    tracker_events = delete_events(tracker, ids)
    if tracker is not None:
        tracker.commit()
    summaries = _count_in(app, Conversation, Conversation.id, ids, Conversation.handoff_summary.is_not(None))
    links = _delete_in(app, VerifiedConversation, VerifiedConversation.conversation_id, ids)
    messages = _delete_in(app, ChatMessage, ChatMessage.conversation_id, ids)
    _delete_in(app, Conversation, Conversation.id, ids)
    records = deleted_rows(app, delete(VerificationFailure).where(verification_condition(found)))
    return ErasureCounts(
        conversations=len(stored),
        messages=messages,
        handoff_summaries=summaries,
        tracker_events=tracker_events,
        verified_links=links,
        verification_records=records,
        kept=_kept(app, found),
    )


def _stored_conversations(app: Session, tracker: Session | None, ids: tuple[str, ...]) -> set[str]:
    """Which of `ids` are still stored, in the gateway or in the tracker store."""
    query = select(Conversation.id)
    in_gateway = {c for batch in batches(ids) for c in app.scalars(query.where(Conversation.id.in_(batch)))}
    return in_gateway | sender_ids(tracker, ids)


def _count_in(
    app: Session,
    model: type[Base],
    column: InstrumentedAttribute[str],
    ids: tuple[str, ...],
    *also: ColumnElement[bool],
) -> int:
    """Rows of `model` whose `column` is one of `ids` (and matching `also`), counted batch by batch."""
    counts = [_count(app, model, column.in_(batch), *also) for batch in batches(ids)]
    return sum(counts)


def _delete_in(app: Session, model: type[Base], column: InstrumentedAttribute[str], ids: tuple[str, ...]) -> int:
    return sum(deleted_rows(app, delete(model).where(column.in_(batch))) for batch in batches(ids))


def _count(app: Session, model: type[Base], *conditions: ColumnElement[bool]) -> int:
    return app.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def _kept(app: Session, found: CustomerData) -> Kept:
    orders = found.customer.orders if found.customer else []
    order_ids = [order.id for order in orders]
    audits = _count(app, AuditRecord, AuditRecord.order_id.in_(order_ids)) if order_ids else 0
    return Kept(customer=found.customer is not None, orders=len(orders), audit_records=audits)
