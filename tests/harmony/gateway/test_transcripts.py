"""The gateway's hot path in few statements: a bot's turn stored at once gives the rows, ids and order
that storing each message did; a customer's message is stored with what it changes, after one read."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from harmony.gateway.models import ChatMessage, Conversation
from harmony.gateway.transactions import run_transaction
from harmony.gateway.transcripts import (
    NewBotMessage,
    add_bot_messages,
    add_customer_message,
    add_message,
    conversation_with_recent,
    find_conversation,
    open_conversation,
    undelivered,
)
from harmony.kb.markets import page_context

OPENED = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
ANSWERED = datetime(2026, 12, 7, 9, 1, tzinfo=timezone.utc)
TURN = [
    NewBotMessage("Bonjour !"),
    NewBotMessage("Que puis-je faire ?", buttons=[{"title": "Ma commande", "payload": "/order_status"}]),
    NewBotMessage('{"handoff": true}', custom={"handoff": True}),
    NewBotMessage("Émoji 🚚 et accents"),
]


def _rows(session: Session, conversation_id: str) -> list[tuple[object, ...]]:
    messages = session.scalars(
        select(ChatMessage).where(ChatMessage.conversation_id == conversation_id).order_by(ChatMessage.id)
    )
    return [(m.author, m.author_name, m.text, m.data, m.at) for m in messages]


def test_a_turn_stored_at_once_equals_its_messages_stored_one_by_one(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        one_by_one = open_conversation(session, page_context(None, None, "fr"), OPENED)
        at_once = open_conversation(session, page_context(None, None, "fr"), OPENED)
        add_message(session, one_by_one, "customer", "bonjour", OPENED)
        add_message(session, at_once, "customer", "bonjour", OPENED)
        singly = [add_message(session, one_by_one, "bot", m.text, ANSWERED, None, m.buttons, m.custom) for m in TURN]
    with sessions.begin() as session:
        ids = add_bot_messages(session, at_once.id, TURN, ANSWERED)
    with sessions() as session:
        assert _rows(session, at_once.id) == _rows(session, one_by_one.id)
        assert ids is not None and len(ids) == len(TURN) and ids == sorted(ids) and ids[0] > max(singly)
        assert [message_id for message_id, _ in undelivered(session, at_once.id, after=0)] == ids
        stored = find_conversation(session, at_once.id)
        assert stored is not None and stored.updated_at == OPENED  # the customer's message, not the turn


def test_a_turn_for_no_such_conversation_stores_nothing(sessions: sessionmaker[Session]) -> None:
    for unknown in ("no-such-conversation", "x" * 200):  # as the gateway runs it: one statement
        assert run_transaction(sessions, lambda s, i=unknown: add_bot_messages(s, i, TURN, ANSWERED), True) is None  # type: ignore[misc]
    with sessions() as session:
        assert session.scalars(select(ChatMessage)).all() == []
        assert session.scalars(select(Conversation)).all() == []


def test_a_customer_message_reads_the_conversation_and_its_last_messages_at_once(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        conversation = open_conversation(session, page_context(None, None, "ro"), OPENED, known_site=False)
        empty = conversation_with_recent(session, conversation.id)
        assert empty is not None and empty[1] == [] and empty[0].site is None and empty[0].language == "ro"
        first = add_customer_message(
            session, conversation.id, "salut", OPENED, {"site": "ro", "shop": "ro", "owner": "bot"}
        )
        add_bot_messages(session, conversation.id, TURN, ANSWERED)
    with sessions() as session:
        found = conversation_with_recent(session, conversation.id, recent=3)
        assert found is not None
        view, recent = found
        assert (view.id, view.site, view.shop, view.language, view.owner) == (
            conversation.id,
            "ro",
            "ro",
            "ro",
            "bot",
        )
        assert [author for author, _ in recent] == ["bot", "bot", "bot"]
        assert [data for _, data in recent][::-1] == [r[3] for r in _rows(session, conversation.id)[-3:]]
        assert conversation_with_recent(session, conversation.id)[1][-1] == ("customer", None)  # type: ignore[index]
        assert conversation_with_recent(session, "no-such-conversation") is None
        assert _rows(session, conversation.id)[0] == ("customer", None, "salut", None, OPENED)
        assert first < min(i for i, _ in undelivered(session, conversation.id, after=0))
