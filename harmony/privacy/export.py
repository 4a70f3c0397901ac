"""Everything stored about one customer, as one JSON document (their right of access).

The customer record and orders are a read-only copy; conversations come with their full
transcript and Rasa tracker events; then the audit records of those conversations and of the
customer's orders, and the verification records of their e-mail and order numbers.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from harmony.db.models import AuditRecord, Base, Order, VerifiedConversation
from harmony.gateway.models import Conversation
from harmony.privacy.ownership import CustomerData, customer_data
from harmony.privacy.statements import batches
from harmony.privacy.tracker_events import events_of
from harmony.privacy.verification_records import verification_records

FORMAT_VERSION = 1


def export_customer(app: Session, tracker: Session | None, email: str, now: datetime) -> dict[str, Any]:
    """The export document of `email` (JSON-ready: strings, numbers, lists, dicts)."""
    found = customer_data(app, tracker, email)
    orders = list(found.customer.orders) if found.customer else []
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "email": found.email,
        "customer": _row(found.customer) if found.customer else None,
        "orders": [{**_row(order), "items": [_row(item) for item in order.items]} for order in orders],
        "conversations": _conversations(app, tracker, found),
        "audit_records": [_row(record) for record in _audit_records(app, found, orders)],
        "verification_records": [_row(record) for record in verification_records(app, found)],
    }


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def _conversations(app: Session, tracker: Session | None, found: CustomerData) -> list[dict[str, Any]]:
    events = events_of(tracker, found.conversation_ids)
    links = {
        link.conversation_id: link
        for batch in batches(found.conversation_ids)
        for link in app.scalars(select(VerifiedConversation).where(VerifiedConversation.conversation_id.in_(batch)))
    }
    result = []
    for conversation_id in found.conversation_ids:
        conversation = app.get(Conversation, conversation_id)
        stored = _row(conversation) if conversation else {"id": conversation_id}
        if conversation and conversation.handoff_summary:
            stored["handoff_summary"] = _json_or_text(conversation.handoff_summary)
        link = links.get(conversation_id)
        messages = conversation.messages if conversation else []
        result.append(
            {
                **stored,
                "verified_at": link.verified_at.isoformat() if link else None,
                "messages": [{**_row(m), "data": _json_or_text(m.data)} for m in messages],
                "tracker_events": events.get(conversation_id, []),
            }
        )
    return result


def _audit_records(app: Session, found: CustomerData, orders: list[Order]) -> list[AuditRecord]:
    """The audit records of the customer's conversations and of their orders, oldest first."""
    queries = [select(AuditRecord).where(AuditRecord.conversation_id.in_(b)) for b in batches(found.conversation_ids)]
    if orders:
        queries.append(select(AuditRecord).where(AuditRecord.order_id.in_([order.id for order in orders])))
    records = {record.id: record for query in queries for record in app.scalars(query)}
    return [records[key] for key in sorted(records)]


def _row(obj: Base) -> dict[str, Any]:
    """The columns of a model instance, as JSON values."""
    mapper = inspect(obj).mapper
    return {attr.key: _value(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _json_or_text(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
