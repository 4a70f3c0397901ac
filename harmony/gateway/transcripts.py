"""Conversations and transcripts in the app database (functions receive a `Session`)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from harmony.gateway.conversation import ConversationView
from harmony.gateway.models import ChatMessage, Conversation
from harmony.gateway.widget_messages import bot_uttered
from harmony.kb.markets import PageContext

SESSION_ID_BYTES = 16  # 128 random bits: unguessable, never reused
MAX_REPLAYED = 200  # a widget that says it saw nothing is not sent a whole long transcript again


@dataclass(frozen=True)
class StoredMessage:
    at: datetime
    author: str
    author_name: str | None
    text: str
    buttons: tuple[dict[str, str], ...] = ()


def open_conversation(session: Session, start: PageContext, now: datetime, known_site: bool = True) -> Conversation:
    """A new conversation in `start`'s shop and language; its site is that shop when the page said so."""
    conversation = Conversation(
        id=secrets.token_hex(SESSION_ID_BYTES),
        site=start.shop if known_site else None,
        shop=start.shop,
        language=start.language,
        owner="bot",
        delivered_id=0,
        created_at=now,
        updated_at=now,
    )
    session.add(conversation)
    session.flush()
    return conversation


def _possible_id(conversation_id: str) -> bool:
    """Whether `conversation_id` could name a conversation (a longer one is refused by the column)."""
    return bool(conversation_id) and len(conversation_id) <= 64


def find_conversation(session: Session, conversation_id: str) -> Conversation | None:
    if not _possible_id(conversation_id):
        return None
    return session.get(Conversation, conversation_id)


def add_message(
    session: Session,
    conversation: Conversation,
    author: str,
    text: str,
    now: datetime,
    author_name: str | None = None,
    buttons: list[dict[str, str]] | None = None,
    custom: dict[str, Any] | None = None,
) -> int:
    """Store one message; returns its id (ids grow in the order messages are stored).

    `custom` is a bot's custom payload (its `text` is then that payload as JSON, for reading)."""
    message = ChatMessage(
        conversation_id=conversation.id,
        at=now,
        author=author,
        author_name=author_name,
        text=text,
        data=_message_data(buttons, custom),
    )
    session.add(message)
    conversation.updated_at = now
    session.flush()
    return message.id


@dataclass(frozen=True)
class NewBotMessage:
    text: str
    buttons: list[dict[str, str]] | None = None
    custom: dict[str, Any] | None = None


def add_bot_messages(
    session: Session, conversation_id: str, messages: Sequence[NewBotMessage], now: datetime
) -> list[int] | None:
    """Store one turn of the bot in one statement, whatever the number of its messages (the hottest
    write of the gateway: run it as a single statement, `harmony.gateway.transactions`). Returns the
    ids in order, or None when there is no such conversation (on PostgreSQL the foreign key's
    refusal also ends a surrounding transaction: hence one statement).

    The rows are `add_message`'s, except that the conversation's `updated_at` is not moved: it stays
    at the customer's message the turn answers, seconds before (it orders agents' lists and decides
    retention, in days)."""
    if not _possible_id(conversation_id):
        return None
    if not messages:
        return [] if find_conversation(session, conversation_id) is not None else None
    rows = [
        _message_row(conversation_id, now, "bot", message.text, _message_data(message.buttons, message.custom))
        for message in messages
    ]
    try:
        return list(session.scalars(insert(ChatMessage).returning(ChatMessage.id, sort_by_parameter_order=True), rows))
    except IntegrityError:  # the conversation is not there (the foreign key)
        return None


def conversation_with_recent(
    session: Session, conversation_id: str, recent: int = 10
) -> tuple[ConversationView, list[tuple[str, str | None]]] | None:
    """The conversation and the (author, data) of its last `recent` messages, newest first, in one
    query; None when there is no such conversation."""
    if not _possible_id(conversation_id):
        return None
    last = (
        select(ChatMessage.id, ChatMessage.author, ChatMessage.data)
        .where(ChatMessage.conversation_id == conversation_id)
        .order_by(ChatMessage.id.desc())
        .limit(recent)
        .subquery()
    )
    rows = session.execute(
        select(
            Conversation.id,
            Conversation.shop,
            Conversation.language,
            Conversation.owner,
            Conversation.site,
            last.c.author,
            last.c.data,
        )
        .outerjoin(last, true())
        .where(Conversation.id == conversation_id)
        .order_by(last.c.id.desc())
    ).all()
    if not rows:
        return None
    first = rows[0]
    view = ConversationView(first.id, first.shop, first.language, first.owner, first.site)
    return view, [(row.author, row.data) for row in rows if row.author is not None]


def add_customer_message(
    session: Session, conversation_id: str, text: str, now: datetime, changes: dict[str, str]
) -> int:
    """Store a customer's message, with the `changes` it makes to the conversation's columns (owner,
    site, shop, language), in two statements; returns its id."""
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(updated_at=now, **changes)
        .execution_options(synchronize_session=False)
    )
    row = _message_row(conversation_id, now, "customer", text, None)
    return int(session.scalars(insert(ChatMessage).returning(ChatMessage.id), [row]).one())


def _message_row(conversation_id: str, now: datetime, author: str, text: str, data: str | None) -> dict[str, Any]:
    """The columns of a `chat_messages` row without an author's name, for Core inserts."""
    return {
        "conversation_id": conversation_id,
        "at": now,
        "author": author,
        "author_name": None,
        "text": text,
        "data": data,
    }


def _message_data(buttons: list[dict[str, str]] | None, custom: dict[str, Any] | None) -> str | None:
    data = {key: value for key, value in (("buttons", buttons), ("custom", custom)) if value}
    return json.dumps(data, ensure_ascii=False) if data else None


def transcript(session: Session, conversation_id: str) -> list[StoredMessage]:
    rows = session.scalars(
        select(ChatMessage).where(ChatMessage.conversation_id == conversation_id).order_by(ChatMessage.id)
    )
    return [_stored(row) for row in rows]


def _stored(row: ChatMessage) -> StoredMessage:
    data: dict[str, Any] = json.loads(row.data) if row.data else {}
    buttons = tuple(data.get("buttons") or ())
    return StoredMessage(row.at, row.author, row.author_name, row.text, buttons)


def widget_message(row: ChatMessage) -> dict[str, Any]:
    """A stored bot, agent or system message as the widget's `bot_uttered` shows it."""
    data: dict[str, Any] = json.loads(row.data) if row.data else {}
    if row.author == "bot" and isinstance(data.get("custom"), dict):
        return dict(data["custom"])
    text = f"{row.author_name}: {row.text}" if row.author == "agent" and row.author_name else row.text
    return bot_uttered(text, [b for b in data.get("buttons") or () if isinstance(b, dict)])


def undelivered(session: Session, conversation_id: str, after: int | None = None) -> list[tuple[int, dict[str, Any]]]:
    """The messages for the customer stored after message `after` (by default, after the last one
    that reached a widget), in order; at most the last `MAX_REPLAYED`."""
    conversation = find_conversation(session, conversation_id)
    if conversation is None:
        return []
    since = conversation.delivered_id if after is None else after
    if since is None:
        return []
    rows = session.scalars(
        select(ChatMessage)
        .where(
            ChatMessage.conversation_id == conversation_id,
            ChatMessage.id > since,
            ChatMessage.author != "customer",
        )
        .order_by(ChatMessage.id.desc())
        .limit(MAX_REPLAYED)
    )
    return [(row.id, widget_message(row)) for row in reversed(list(rows))]


def mark_delivered(session: Session, conversation_id: str, message_id: int) -> None:
    """Move the conversation's delivery cursor up to `message_id` (never back)."""
    session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            or_(Conversation.delivered_id.is_(None), Conversation.delivered_id < message_id),
        )
        .values(delivered_id=message_id)
    )


def waiting_queue(session: Session) -> list[Conversation]:
    """Conversations waiting for an agent, longest wait first."""
    return list(
        session.scalars(
            select(Conversation).where(Conversation.owner == "waiting").order_by(Conversation.waiting_since)
        )
    )


def agent_conversations(session: Session, agent_id: int | None) -> list[Conversation]:
    """Conversations an agent has now (taken, not handed back or closed); every agent's when `agent_id` is None."""
    query = select(Conversation).where(Conversation.owner == "agent")
    if agent_id is not None:
        query = query.where(Conversation.agent_id == agent_id)
    return list(session.scalars(query.order_by(Conversation.updated_at)))
