"""Conversations and transcripts in the app database (functions receive a `Session`)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harmony.gateway.models import ChatMessage, Conversation
from harmony.kb.markets import PageContext

SESSION_ID_BYTES = 16  # 128 random bits: unguessable, never reused


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
        created_at=now,
        updated_at=now,
    )
    session.add(conversation)
    session.flush()
    return conversation


def find_conversation(session: Session, conversation_id: str) -> Conversation | None:
    if not conversation_id or len(conversation_id) > 64:
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
) -> None:
    session.add(
        ChatMessage(
            conversation_id=conversation.id,
            at=now,
            author=author,
            author_name=author_name,
            text=text,
            data=json.dumps({"buttons": buttons}) if buttons else None,
        )
    )
    conversation.updated_at = now
    session.flush()


def transcript(session: Session, conversation_id: str) -> list[StoredMessage]:
    rows = session.scalars(
        select(ChatMessage).where(ChatMessage.conversation_id == conversation_id).order_by(ChatMessage.id)
    )
    return [_stored(row) for row in rows]


def _stored(row: ChatMessage) -> StoredMessage:
    data: dict[str, Any] = json.loads(row.data) if row.data else {}
    buttons = tuple(data.get("buttons") or ())
    return StoredMessage(row.at, row.author, row.author_name, row.text, buttons)


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
