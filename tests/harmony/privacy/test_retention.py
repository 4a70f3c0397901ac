"""The retention purge: conversations idle for longer than the retention go, with their events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harmony.db.models import AuditRecord, Order, VerifiedConversation
from harmony.gateway.models import ChatMessage
from harmony.privacy.retention import PurgeCounts, purge_conversations
from tests.harmony.privacy.stores import NOW, Stores

OLD = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=3)


def _purge(stores: Stores, days: int) -> PurgeCounts:
    with stores.app() as app, stores.tracker() as tracker:
        counts = purge_conversations(app, tracker, NOW, days)
        app.commit()
    return counts


def test_conversations_idle_longer_than_the_retention_are_deleted_everywhere(stores: Stores) -> None:
    stores.conversation("c-old", [("customer", "bonjour"), ("bot", "Bonjour !")], at=OLD)
    stores.verified("c-old", "claire.martin@example.fr")
    stores.audit("HM-100101", "c-old")
    stores.conversation("c-recent", [("customer", "bonjour")], at=RECENT)
    stores.rasa_events("c-old-rest", ["hello"], at=OLD)
    stores.rasa_events("c-recent-rest", ["hello"], at=RECENT)
    # the bot's events are old, but an agent answered in the gateway recently: the conversation is active
    stores.conversation("c-agent", [("agent", "Je reviens vers vous.")], at=RECENT)
    stores.rasa_events("c-agent", ["une question"], at=OLD)
    orders = stores.count(Order)

    counts = _purge(stores, 365)

    assert counts == PurgeCounts(
        NOW - timedelta(days=365), conversations=1, messages=2, tracker_events=3 + 3, verified_links=1
    )
    assert stores.conversation_ids() == {"c-recent", "c-agent"}
    assert [stores.events_of(c) for c in ("c-old", "c-old-rest", "c-recent", "c-recent-rest", "c-agent")] == [
        0,
        0,
        3,
        3,
        1 + 3,
    ]
    assert stores.count(ChatMessage) == 2 and stores.count(VerifiedConversation) == 0
    assert stores.count(Order) == orders and stores.count(AuditRecord) == 1  # the shop's records stay
    assert _purge(stores, 365) == PurgeCounts(NOW - timedelta(days=365))  # nothing left to purge


def test_a_shorter_retention_takes_more(stores: Stores) -> None:
    stores.conversation("c-recent", [("customer", "bonjour")], at=RECENT)
    assert _purge(stores, 3).conversations == 0  # exactly 3 days idle is not older than 3 days
    assert _purge(stores, 2).conversations == 1


def test_a_retention_under_one_day_is_refused(stores: Stores) -> None:
    with pytest.raises(ValueError), stores.app() as app:
        purge_conversations(app, None, NOW, 0)
