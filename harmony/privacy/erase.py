"""Erasure of a customer's conversations (their right to erasure), by e-mail; idempotent.

Erased: the conversations (gateway rows, transcripts, the agents' hand-off summaries they hold),
their Rasa tracker events, the links that say the customer verified an order in them, and the
verification records of the customer's e-mail and order numbers. Kept, because the shop must
keep them: the customer record, the orders and their items, and the audit records of order
changes (with the id of the conversation they came from).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, or_, select
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
        messages=_count(app, ChatMessage, _in(ChatMessage.conversation_id, ids)),
        handoff_summaries=_count(
            app, Conversation, _in(Conversation.id, ids) & Conversation.handoff_summary.is_not(None)
        ),
        tracker_events=count_events(tracker, ids),
        verified_links=_count(app, VerifiedConversation, _links(found)),
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
    summaries = _count(app, Conversation, _in(Conversation.id, ids) & Conversation.handoff_summary.is_not(None))
    links = _delete(app, VerifiedConversation, _links(found))
    messages = _delete(app, ChatMessage, _in(ChatMessage.conversation_id, ids))
    _delete(app, Conversation, _in(Conversation.id, ids))
    records = _delete(app, VerificationFailure, verification_condition(found))
    return ErasureCounts(
        conversations=len(stored),
        messages=messages,
        handoff_summaries=summaries,
        tracker_events=tracker_events,
        verified_links=links,
        verification_records=records,
        kept=_kept(app, found),
    )


def _in(column: InstrumentedAttribute[str], ids: tuple[str, ...]) -> ColumnElement[bool]:
    """`column IN ids`, in batches the database accepts; false for no ids."""
    return or_(*(column.in_(batch) for batch in batches(ids))) if ids else column.in_([])


def _stored_conversations(app: Session, tracker: Session | None, ids: tuple[str, ...]) -> set[str]:
    in_gateway = {
        c for batch in batches(ids) for c in app.scalars(select(Conversation.id).where(Conversation.id.in_(batch)))
    }
    return in_gateway | sender_ids(tracker, ids)


def _links(found: CustomerData) -> ColumnElement[bool]:
    """The customer's own links, and any link to a conversation being erased."""
    by_conversation = _in(VerifiedConversation.conversation_id, found.conversation_ids)
    if found.customer is None:
        return by_conversation
    return or_(VerifiedConversation.customer_id == found.customer.id, by_conversation)


def _count(app: Session, model: type[Base], condition: ColumnElement[bool]) -> int:
    return app.scalar(select(func.count()).select_from(model).where(condition)) or 0


def _delete(app: Session, model: type[Base], condition: ColumnElement[bool]) -> int:
    return deleted_rows(app, delete(model).where(condition))


def _kept(app: Session, found: CustomerData) -> Kept:
    orders = found.customer.orders if found.customer else []
    order_ids = [order.id for order in orders]
    audits = _count(app, AuditRecord, AuditRecord.order_id.in_(order_ids)) if order_ids else 0
    return Kept(customer=found.customer is not None, orders=len(orders), audit_records=audits)
