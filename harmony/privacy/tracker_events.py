"""Rasa's SQL tracker store (table `events`, `sender_id` = our conversation id), read by reflection.

The app environment has no Rasa, so the table is reflected from the database Rasa created; a
database where Rasa never wrote (no `events` table, or no SQLite file yet) holds no events.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table, delete, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from harmony.db.engine import make_engine
from harmony.privacy.mentions import mentions
from harmony.privacy.statements import batches, deleted_rows

EVENTS_TABLE = "events"


def tracker_engine(url: str) -> Engine | None:
    """An engine on the tracker store, or None for a SQLite file that does not exist yet
    (connecting would create an empty file where Rasa will later create its own)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not Path(database).exists():
        return None
    return make_engine(url)


def events_table(session: Session) -> Table | None:
    """The `events` table as it is in this database, or None when Rasa never created it."""
    connection = session.connection()
    if not inspect(connection).has_table(EVENTS_TABLE):
        return None
    return Table(EVENTS_TABLE, MetaData(), autoload_with=connection)


def senders_mentioning(session: Session | None, email: str) -> set[str]:
    """Conversations in which the customer wrote `email` (Rasa's `user` events)."""
    table = events_table(session) if session is not None else None
    if table is None or session is None:
        return set()
    needle = email.strip().lower()
    escaped = json.dumps(needle)[1:-1]  # how Rasa's json.dumps stores it (non-ASCII as \\uXXXX)
    patterns = {needle, escaped}
    found: set[str] = set()
    for pattern in patterns:
        query = select(table.c.sender_id, table.c.data).where(
            table.c.type_name == "user", func.lower(table.c.data).contains(pattern, autoescape=True)
        )
        for sender_id, data in session.execute(query):
            if mentions(_user_text(data), needle):
                found.add(sender_id)
    return found


def _user_text(data: str | None) -> str:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return ""
    text = event.get("text") if isinstance(event, dict) else None
    return text if isinstance(text, str) else ""


def events_of(session: Session | None, sender_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Every event of these conversations, in order, with its JSON `data` decoded."""
    table = events_table(session) if session is not None else None
    result: dict[str, list[dict[str, Any]]] = {}
    if table is None or session is None:
        return result
    for batch in batches(sender_ids):
        query = select(table).where(table.c.sender_id.in_(batch)).order_by(table.c.id)
        for row in session.execute(query).mappings():
            event = dict(row)
            with contextlib.suppress(ValueError):  # else kept as the text Rasa stored
                event["data"] = json.loads(event["data"]) if event.get("data") else None
            result.setdefault(str(row["sender_id"]), []).append(event)
    return result


def count_events(session: Session | None, sender_ids: Iterable[str]) -> int:
    table = events_table(session) if session is not None else None
    if table is None or session is None:
        return 0
    return sum(
        session.scalar(select(func.count()).select_from(table).where(table.c.sender_id.in_(batch))) or 0
        for batch in batches(sender_ids)
    )


def delete_events(session: Session | None, sender_ids: Iterable[str]) -> int:
    """Delete the events of these conversations; returns how many rows went."""
    table = events_table(session) if session is not None else None
    if table is None or session is None:
        return 0
    return sum(
        deleted_rows(session, delete(table).where(table.c.sender_id.in_(batch))) for batch in batches(sender_ids)
    )


def senders_inactive_since(session: Session | None, cutoff: datetime) -> set[str]:
    """Conversations whose latest event is older than `cutoff` (Rasa stores Unix timestamps)."""
    table = events_table(session) if session is not None else None
    if table is None or session is None:
        return set()
    query = (
        select(table.c.sender_id).group_by(table.c.sender_id).having(func.max(table.c.timestamp) < cutoff.timestamp())
    )
    return {str(sender_id) for sender_id in session.scalars(query)}


def sender_ids(session: Session | None, ids: Sequence[str]) -> set[str]:
    """Which of `ids` have events in the tracker store."""
    table = events_table(session) if session is not None else None
    if table is None or session is None:
        return set()
    found: set[str] = set()
    for batch in batches(ids):
        found |= {
            str(s) for s in session.scalars(select(table.c.sender_id).where(table.c.sender_id.in_(batch)).distinct())
        }
    return found
