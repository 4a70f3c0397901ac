"""Typed SQLAlchemy 2.0 models of support agents and their login sessions.

The tables live on the app database's `Base`, so `harmony.db.engine.create_schema` creates them.
A session row holds only the SHA-256 of its token: whoever reads the database cannot log in with it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harmony.db.models import Base, UTCDateTime


class Agent(Base):
    """A support agent who can log in to the console."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True, index=True)  # lowercase, [a-z0-9._-]
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, PHC string format
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    role: Mapped[str] = mapped_column(String(16), default="agent", server_default="agent")  # "agent" or "admin"

    sessions: Mapped[list[AgentSession]] = relationship(
        back_populates="agent", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:  # never shows the hash
        return f"Agent(id={self.id!r}, username={self.username!r}, role={self.role!r}, active={self.active!r})"


class AgentSession(Base):
    """One login of an agent, valid until `expires_at` or until it is closed."""

    __tablename__ = "agent_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    agent: Mapped[Agent] = relationship(back_populates="sessions")
