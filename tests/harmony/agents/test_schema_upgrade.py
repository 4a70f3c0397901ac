"""A database made before agents had roles and conversations an agent id gets both columns and keeps its data
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone

from argon2 import PasswordHasher
from sqlalchemy import text

from harmony.agents.accounts import authenticate
from harmony.db.engine import create_schema, make_engine, session_factory
from harmony.db.models import Base
from harmony.gateway.models import Conversation

PASSWORD = "a long enough password"  # noqa: S105 - a test account
OLD_TABLES = [  # as the previous version created them
    """CREATE TABLE agents (id INTEGER PRIMARY KEY, username VARCHAR(32) UNIQUE, display_name VARCHAR(60),
       password_hash VARCHAR(255), created_at TIMESTAMP WITH TIME ZONE, active BOOLEAN)""",
    """CREATE TABLE conversations (id VARCHAR(64) PRIMARY KEY, site VARCHAR(8), shop VARCHAR(8), language VARCHAR(2),
       owner VARCHAR(16), agent_name VARCHAR(100), handoff_reason VARCHAR(64), handoff_summary TEXT,
       waiting_since TIMESTAMP WITH TIME ZONE, created_at TIMESTAMP WITH TIME ZONE, updated_at TIMESTAMP WITH TIME ZONE)""",
]


def test_an_older_database_gets_roles_and_agent_ids(database_url: str) -> None:
    engine = make_engine(database_url)
    now = datetime.now(timezone.utc)
    try:
        Base.metadata.drop_all(engine)
        with engine.begin() as connection:
            for statement in OLD_TABLES:
                connection.execute(text(statement))
            connection.execute(
                text("INSERT INTO agents VALUES (7, 'marie', 'Marie', :hash, :now, :active)"),
                {"hash": PasswordHasher().hash(PASSWORD), "now": now, "active": True},
            )
            connection.execute(
                text(
                    "INSERT INTO conversations (id, shop, language, owner, agent_name, created_at, updated_at) "
                    "VALUES ('c1', 'fr', 'fr', 'agent', 'Marie', :now, :now)"
                ),
                {"now": now},
            )
        create_schema(engine)
        create_schema(engine)  # idempotent
        sessions = session_factory(engine)
        with sessions.begin() as session:
            marie = authenticate(session, "marie", PASSWORD)
            assert marie is not None and (marie.id, marie.role) == (7, "agent")
            conversation = session.get(Conversation, "c1")
            assert conversation is not None and (conversation.agent_id, conversation.agent_name) == (None, "Marie")
            conversation.agent_id = marie.id
        with sessions() as session:
            stored = session.get(Conversation, "c1")
            assert stored is not None and stored.agent_id == 7
    finally:
        engine.dispose()
