"""Retention: conversations whose last activity is older than N days are deleted (DESIGN §7).

Deleted with them: their messages, hand-off summaries, Rasa tracker events and verified-order
links. Orders, customers and audit records are the shop's and stay. Rasa conversations the
gateway never saw (the REST channel) go when their latest event is that old, unless the gateway
still has a recent conversation of the same id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from harmony.db.models import VerifiedConversation
from harmony.gateway.models import ChatMessage, Conversation
from harmony.privacy.statements import batches, deleted_rows
from harmony.privacy.tracker_events import delete_events, senders_inactive_since


@dataclass(frozen=True)
class PurgeCounts:
    cutoff: datetime
    conversations: int = 0
    messages: int = 0
    tracker_events: int = 0
    verified_links: int = 0


def purge_conversations(app: Session, tracker: Session | None, now: datetime, days: int) -> PurgeCounts:
    """Delete what was last active before `now - days`; the tracker store's deletion is committed
    first (as in `harmony.privacy.erase`), the caller commits `app`."""
    if days < 1:
        raise ValueError("retention must be at least one day")
    cutoff = now - timedelta(days=days)
    stale = set(app.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff)))
    stale_in_tracker = senders_inactive_since(tracker, cutoff)
    still_active = _recent(app, stale_in_tracker, cutoff)
    tracker_events = delete_events(tracker, stale | (stale_in_tracker - still_active))
    if tracker is not None:
        tracker.commit()
    messages = links = conversations = 0
    for batch in batches(stale):
        links += deleted_rows(app, delete(VerifiedConversation).where(VerifiedConversation.conversation_id.in_(batch)))
        messages += deleted_rows(app, delete(ChatMessage).where(ChatMessage.conversation_id.in_(batch)))
        conversations += deleted_rows(app, delete(Conversation).where(Conversation.id.in_(batch)))
    for batch in batches(stale_in_tracker - still_active - stale):
        links += deleted_rows(app, delete(VerifiedConversation).where(VerifiedConversation.conversation_id.in_(batch)))
    return PurgeCounts(cutoff, conversations, messages, tracker_events, links)


def _recent(app: Session, ids: set[str], cutoff: datetime) -> set[str]:
    """Which of `ids` the gateway has with activity since `cutoff` (an agent may have answered)."""
    recent: set[str] = set()
    for batch in batches(ids):
        query = select(Conversation.id).where(Conversation.id.in_(batch), Conversation.updated_at >= cutoff)
        recent |= set(app.scalars(query))
    return recent
