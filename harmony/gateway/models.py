"""Conversations and their messages, as the gateway stores them (transcripts survive restarts)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harmony.db.models import Base, UTCDateTime

OWNERS = ("bot", "waiting", "agent", "closed")
AUTHORS = ("customer", "bot", "agent", "system")


class Conversation(Base):
    """One customer's chat; `id` is the widget's session id (random, never reused).

    `site` is the shop whose page the conversation belongs to, fixed once known: a page of
    another shop never joins it. `shop` and `language` are the ones the bot answers with,
    as the bot last reported them (the page's at first; a verified order of another market
    moves `shop`, the customer's words move `language`).
    """

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    site: Mapped[str | None] = mapped_column(String(8))
    shop: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(2))
    owner: Mapped[str] = mapped_column(String(16), default="bot", index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)  # the agent who took it last
    agent_name: Mapped[str | None] = mapped_column(String(100))  # that agent's display name, for display only
    handoff_reason: Mapped[str | None] = mapped_column(String(64))
    handoff_summary: Mapped[str | None] = mapped_column(Text)  # JSON from the bot
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The highest message id that reached a connected widget; NULL in conversations older than
    # replay, which are never replayed (`harmony.gateway.delivery`).
    delivered_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    messages: Mapped[list[ChatMessage]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="ChatMessage.id"
    )


class ChatMessage(Base):
    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(16))
    author_name: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[str | None] = mapped_column(Text)  # JSON: buttons of a bot message

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
