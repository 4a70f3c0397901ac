"""A conversation's transcript as the gateway stored it, read from the app database by URL."""

from __future__ import annotations

from harmony.db.engine import make_engine, session_factory
from harmony.gateway.transcripts import StoredMessage, transcript


def stored_transcript(database_url: str, conversation_id: str) -> list[StoredMessage]:
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            return transcript(session, conversation_id)
    finally:
        engine.dispose()
