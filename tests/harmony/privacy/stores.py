"""The two databases of a privacy test, and rows written the way the product writes them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, func, insert, select
from sqlalchemy.orm import Session

from harmony.db.engine import make_engine, session_factory
from harmony.db.models import AuditRecord, Customer, Order, VerificationFailure, VerifiedConversation
from harmony.gateway.models import ChatMessage, Conversation
from harmony.orders.throttle import key_digest

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)

# Rasa 3.6's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent), as `rasa run` creates it.
RASA_EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def create_rasa_events_table(url: str) -> None:
    engine = make_engine(url)
    try:
        RASA_EVENTS.metadata.create_all(engine)
    finally:
        engine.dispose()


class Stores:
    """Sessions on the app database and on the tracker store, and helpers to fill and count them."""

    def __init__(self, database_url: str, tracker_url: str) -> None:
        self.database_url, self.tracker_url = database_url, tracker_url
        self.app_engine = make_engine(database_url)
        self.tracker_engine = make_engine(tracker_url)

    def close(self) -> None:
        self.app_engine.dispose()
        self.tracker_engine.dispose()

    def app(self) -> Session:
        return session_factory(self.app_engine)()

    def tracker(self) -> Session:
        return session_factory(self.tracker_engine)()

    def conversation(
        self,
        conversation_id: str,
        messages: list[tuple[str, str]],
        at: datetime = NOW,
        summary: dict[str, Any] | None = None,
    ) -> None:
        """A gateway conversation with its messages (author, text), and Rasa's events for it."""
        with self.app() as app, app.begin():
            app.add(
                Conversation(
                    id=conversation_id,
                    site="fr",
                    shop="fr",
                    language="fr",
                    owner="waiting" if summary else "bot",
                    handoff_reason="customer_request" if summary else None,
                    handoff_summary=json.dumps(summary) if summary else None,
                    created_at=at,
                    updated_at=at,
                )
            )
            app.flush()
            for author, text in messages:
                app.add(ChatMessage(conversation_id=conversation_id, at=at, author=author, text=text))
        self.rasa_events(conversation_id, [text for author, text in messages if author == "customer"], at)

    def rasa_events(self, sender_id: str, user_texts: list[str], at: datetime = NOW) -> None:
        """What Rasa stores for a conversation: a session start, then each message and the bot's reply."""
        with self.tracker() as tracker, tracker.begin():
            rows = [_event(sender_id, "action", at, {"name": "action_session_start"})]
            for i, text in enumerate(user_texts):
                moment = at + timedelta(seconds=i)
                rows.append(_event(sender_id, "user", moment, {"text": text, "parse_data": {"text": text}}))
                rows.append(_event(sender_id, "bot", moment, {"text": "Merci."}))
            tracker.execute(insert(RASA_EVENTS), rows)

    def verified(self, conversation_id: str, email: str) -> None:
        with self.app() as app, app.begin():
            customer = app.scalars(select(Customer).where(Customer.email == email)).one()
            app.add(VerifiedConversation(conversation_id=conversation_id, customer_id=customer.id, verified_at=NOW))

    def audit(self, number: str, conversation_id: str) -> None:
        with self.app() as app, app.begin():
            order = app.scalars(select(Order).where(Order.number == number)).one()
            app.add(
                AuditRecord(
                    at=NOW,
                    actor="assistant",
                    action="cancel_order",
                    order_id=order.id,
                    conversation_id=conversation_id,
                    outcome="cancelled",
                )
            )

    def failures(self, *keys: tuple[str, str]) -> None:
        """Failed-verification counters of (kind, value) keys, stored as digests like the throttle does."""
        with self.app() as app, app.begin():
            for kind, value in keys:
                app.add(
                    VerificationFailure(
                        kind=kind, key_digest=key_digest(kind, value), failures=2, lockouts=0, last_failure_at=NOW
                    )
                )

    def count(self, model: type[Any]) -> int:
        with self.app() as app:
            return int(app.scalar(select(func.count()).select_from(model)) or 0)

    def events_of(self, sender_id: str) -> int:
        with self.tracker() as tracker:
            query = select(func.count()).select_from(RASA_EVENTS).where(RASA_EVENTS.c.sender_id == sender_id)
            return int(tracker.scalar(query) or 0)

    def conversation_ids(self) -> set[str]:
        with self.app() as app:
            return set(app.scalars(select(Conversation.id)))


def _event(sender_id: str, kind: str, at: datetime, fields: dict[str, Any]) -> dict[str, Any]:
    data = {"event": kind, "timestamp": at.timestamp(), **fields}
    return {
        "sender_id": sender_id,
        "type_name": kind,
        "timestamp": at.timestamp(),
        "intent_name": None,
        "action_name": fields.get("name"),
        "data": json.dumps(data),
    }
