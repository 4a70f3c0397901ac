"""Which customer record and which conversations belong to a customer, found by e-mail.

A conversation is the customer's when (a) they verified one of their orders in it (the
`verified_conversations` link the action server writes), or (b) they wrote their e-mail address
in it: in the gateway's transcript (the widget) or in Rasa's tracker store (any channel).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harmony.db.models import Customer, VerifiedConversation
from harmony.gateway.models import ChatMessage
from harmony.privacy.mentions import is_email, mentions, normalise_email
from harmony.privacy.tracker_events import senders_mentioning


@dataclass(frozen=True)
class CustomerData:
    """What is known of one customer: their record (None if the shop has none) and conversations."""

    email: str
    customer: Customer | None
    conversation_ids: tuple[str, ...]

    @property
    def order_numbers(self) -> tuple[str, ...]:
        return tuple(order.number for order in self.customer.orders) if self.customer else ()


def find_customer(app: Session, email: str) -> Customer | None:
    query = select(Customer).where(func.lower(Customer.email) == normalise_email(email))
    return app.scalars(query).one_or_none()


def verified_conversation_ids(app: Session, customer: Customer | None) -> set[str]:
    if customer is None:
        return set()
    query = select(VerifiedConversation.conversation_id).where(VerifiedConversation.customer_id == customer.id)
    return set(app.scalars(query))


def conversations_mentioning(app: Session, email: str) -> set[str]:
    """Gateway conversations where the customer wrote `email` (agents' and bot's messages do not count)."""
    needle = normalise_email(email)
    query = select(ChatMessage.conversation_id, ChatMessage.text).where(
        ChatMessage.author == "customer", func.lower(ChatMessage.text).contains(needle, autoescape=True)
    )
    return {conversation_id for conversation_id, text in app.execute(query) if mentions(text, needle)}


def customer_data(app: Session, tracker: Session | None, email: str) -> CustomerData:
    if not is_email(email):
        raise ValueError("not an e-mail address")
    customer = find_customer(app, email)
    ids = verified_conversation_ids(app, customer) | conversations_mentioning(app, email)
    ids |= senders_mentioning(tracker, email)
    return CustomerData(normalise_email(email), customer, tuple(sorted(ids)))
