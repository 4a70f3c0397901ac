"""The cached SQL tracker store serves what Rasa's own SQL store would read from the same database.

Each test compares with a fresh `SQLTrackerStore` on the same database (SQLite and PostgreSQL):
after many turns, with two stores (two Rasa servers) taking turns on one conversation, after
events were deleted behind the store's back (privacy erase), and across a new session.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import CachedSQLTrackerStore, EventTypes

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, order_status]
slots:
  language: {type: text, influence_conversation: true, mappings: [{type: custom}]}
  turns: {type: float, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: hello}]
forms:
  order_form: {required_slots: [language]}
"""
)


class CountingEventTypes(EventTypes):
    """Counts the events the store deserialises: how much of the conversation it reads again."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def deserialise(self, data: dict[str, Any]) -> Event | None:
        self.count += 1
        return super().deserialise(data)


def cached_store(url: str, **kwargs: Any) -> CachedSQLTrackerStore:
    store = CachedSQLTrackerStore(domain=DOMAIN, host=url, **kwargs)
    store._event_types = CountingEventTypes()
    return store


def fresh(url: str, sender: str) -> DialogueStateTracker | None:
    """What Rasa's own store reads from the database now."""
    store = SQLTrackerStore(domain=DOMAIN, host=url)
    try:
        return asyncio.run(store.retrieve(sender))
    finally:
        store.engine.dispose()


def state(tracker: DialogueStateTracker | None) -> Any:
    """Everything a policy or an action sees of a tracker."""
    if tracker is None:
        return None
    return (
        [event.as_dict() for event in tracker.events],
        tracker.current_slot_values(),
        tracker.latest_message.text if tracker.latest_message else None,
        tracker.active_loop_name,
        tracker.latest_action_name,
        tracker.followup_action,
        tracker.is_paused(),
    )


def turn(store: CachedSQLTrackerStore, sender: str, number: int) -> DialogueStateTracker:
    """One customer turn as Rasa's processor makes it: retrieve, append, save."""
    tracker = asyncio.run(store.get_or_create_tracker(sender))
    language = ("fr", "en", "ro")[number % 3]
    new_events: list[Event] = [
        UserUttered(f"message {number}", {"name": "greet", "confidence": 0.9}),
        SlotSet("language", language),
        SlotSet("turns", float(number)),
        ActionExecuted("utter_greet"),
        BotUttered(f"answer {number}", {"elements": None}),
    ]
    if number % 10 == 5:
        new_events.append(ActiveLoop("order_form"))
    elif number % 10 == 7:
        new_events.append(ActiveLoop(None))
    new_events.append(ActionExecuted("action_listen"))
    for event in new_events:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    return tracker


@contextlib.contextmanager
def database(url: str) -> Iterator[sa.engine.Connection]:
    """A transaction on the tracker database from outside the store (another process's view)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def delete_conversation(url: str, sender: str) -> None:
    """What `make erase-customer` does to the tracker database."""
    with database(url) as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender})


def test_after_many_turns_the_cached_tracker_is_the_one_rasa_reads(tracker_db_url: str) -> None:
    store = cached_store(tracker_db_url)
    for number in range(60):
        turn(store, "long", number)
    served = asyncio.run(store.retrieve("long"))
    assert state(served) == state(fresh(tracker_db_url, "long"))
    assert served is not None and served.get_slot("turns") == 59.0
    assert len(served.events) > 360


def test_a_turn_reads_only_the_new_rows(tracker_db_url: str) -> None:
    store = cached_store(tracker_db_url)
    for number in range(40):
        turn(store, "long", number)
    counter = store._event_types
    assert isinstance(counter, CountingEventTypes)
    before = counter.count
    turn(store, "long", 40)
    asyncio.run(store.retrieve("long"))
    # the rows of the last two turns (the one saved before and this one), not the 280 of the conversation
    assert counter.count - before <= 2 * 7


def test_two_stores_on_one_database_see_each_others_events(tracker_db_url: str) -> None:
    first, second = cached_store(tracker_db_url), cached_store(tracker_db_url)
    for number in range(30):
        turn(first if number % 3 else second, "shared", number)
        for store in (first, second):
            assert state(asyncio.run(store.retrieve("shared"))) == state(fresh(tracker_db_url, "shared"))
    served = asyncio.run(second.retrieve("shared"))
    assert served is not None and served.latest_message is not None
    assert served.latest_message.text == "message 29"


def test_deleted_events_are_never_served(tracker_db_url: str) -> None:
    store = cached_store(tracker_db_url)
    for number in range(5):
        turn(store, "erased", number)
    assert asyncio.run(store.retrieve("erased")) is not None
    delete_conversation(tracker_db_url, "erased")
    assert asyncio.run(store.retrieve("erased")) is None
    assert asyncio.run(store.get_or_create_tracker("erased")).get_slot("language") is None


def test_a_conversation_written_again_after_an_erase_is_read_from_the_database(tracker_db_url: str) -> None:
    # SQLite gives the deleted rows' ids to the next rows: as many rows again must not look unchanged
    store, other = cached_store(tracker_db_url), cached_store(tracker_db_url)
    for number in range(3):
        turn(store, "again", number)
    delete_conversation(tracker_db_url, "again")
    for number in range(100, 103):
        turn(other, "again", number)
    served = asyncio.run(store.retrieve("again"))
    assert state(served) == state(fresh(tracker_db_url, "again"))
    assert served is not None and served.get_slot("turns") == 102.0


def test_rows_deleted_in_the_middle_are_noticed(tracker_db_url: str) -> None:
    store = cached_store(tracker_db_url)
    for number in range(6):
        turn(store, "partial", number)
    asyncio.run(store.retrieve("partial"))
    with database(tracker_db_url) as connection:
        connection.execute(
            sa.text("DELETE FROM events WHERE sender_id = 'partial' AND type_name = 'user' AND data LIKE '%message 2%'")
        )
    served = asyncio.run(store.retrieve("partial"))
    assert state(served) == state(fresh(tracker_db_url, "partial"))
    assert served is not None and "message 2" not in [e.text for e in served.events if isinstance(e, UserUttered)]


def test_a_new_session_starts_from_its_own_events(tracker_db_url: str) -> None:
    first, second = cached_store(tracker_db_url), cached_store(tracker_db_url)
    for number in range(5):
        turn(first, "sessions", number)
    asyncio.run(first.retrieve("sessions"))
    # another server starts a new session (carrying the language over), as action_session_start does
    tracker = asyncio.run(second.retrieve("sessions"))
    assert tracker is not None
    for event in (
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("language", "ro"),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    asyncio.run(second.save(tracker))
    turn(second, "sessions", 50)
    served = asyncio.run(first.retrieve("sessions"))
    assert state(served) == state(fresh(tracker_db_url, "sessions"))
    assert served is not None
    assert [e.text for e in served.events if isinstance(e, UserUttered)] == ["message 50"]


def test_a_served_tracker_changed_but_not_saved_leaves_the_cache_alone(tracker_db_url: str) -> None:
    store = cached_store(tracker_db_url)
    for number in range(3):
        turn(store, "unsaved", number)
    served = asyncio.run(store.retrieve("unsaved"))
    assert served is not None
    served.update(SlotSet("language", "xx"))
    served.update(ActiveLoop("order_form"))
    served.update(UserUttered("never saved"))
    again = asyncio.run(store.retrieve("unsaved"))
    assert state(again) == state(fresh(tracker_db_url, "unsaved"))
    assert again is not None and again.get_slot("language") != "xx"


def test_memory_is_bounded_and_evicted_conversations_are_read_again(tracker_db_url: str) -> None:
    store = cached_store(tracker_db_url, max_conversations=2, max_events=60)
    for sender in ("a", "b", "c"):
        for number in range(3):
            turn(store, sender, number)
    assert store.cached_conversations <= 2
    for sender in ("a", "b", "c"):
        assert state(asyncio.run(store.retrieve(sender))) == state(fresh(tracker_db_url, sender))
    for number in range(20):
        turn(store, "a", number)
    assert store.cached_conversations == 1  # one conversation over the event bound stays alone


@pytest.mark.parametrize("name", ["user", "bot", "slot", "action", "session_started", "active_loop", "restart"])
def test_event_types_resolve_like_rasa(name: str) -> None:
    data = {"event": name, "timestamp": 1.0, "name": "x", "value": None, "text": "t", "parse_data": {"intent": {}}}
    assert type(EventTypes().deserialise(data)) is type(Event.from_parameters(data))


def test_on_sqlite_turns_reuse_their_connections_and_commit_to_a_write_ahead_log(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = cached_store(url)
    opened: list[object] = []
    sa.event.listen(store.engine, "connect", lambda connection, _record: opened.append(connection))
    for number in range(20):
        turn(store, "pooled", number)
    assert len(opened) <= 1  # not one connection per session as Rasa's store opens them
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    delete_conversation(url, "pooled")  # another process writing meanwhile (an erase) is seen
    assert asyncio.run(store.retrieve("pooled")) is None


def test_on_postgresql_each_statement_commits_by_itself_without_begin_and_commit_round_trips(
    postgres_tracker_db_url: str,
) -> None:
    """psycopg2 opens a transaction (a BEGIN round trip) before a statement and needs a COMMIT or
    ROLLBACK after it; the store's statements each run alone, so none is left open after them."""
    store = cached_store(postgres_tracker_db_url)
    open_after: list[int] = []

    def note(connection: sa.engine.Connection, *_args: Any) -> None:
        dbapi: Any = connection.connection.dbapi_connection
        open_after.append(dbapi.get_transaction_status())

    sa.event.listen(store.engine, "after_cursor_execute", note)
    for number in range(6):
        asyncio.run(store.retrieve("alone"))
        turn(store, "alone", number)
    delete_conversation(postgres_tracker_db_url, "alone")
    assert asyncio.run(store.retrieve("alone")) is None  # an erase is seen at once (the full read path)
    idle = 0  # psycopg2.extensions.TRANSACTION_STATUS_IDLE
    assert len(open_after) >= 12 and set(open_after) == {idle}, open_after


def _rows(url: str, sender: str) -> list[str]:
    with database(url) as connection:
        query = sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id")
        return [row[0] for row in connection.execute(query, {"sender": sender})]


def test_a_turn_saves_its_new_events_once_without_counting_the_stored_ones(tracker_db_url: str) -> None:
    store = cached_store(tracker_db_url)
    for number in range(5):
        turn(store, "saved", number)
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2].lower()))
    tracker = asyncio.run(store.retrieve("saved"))
    assert tracker is not None
    tracker.update(UserUttered("one more", {"name": "greet", "confidence": 0.9}))
    before_save = len(statements)
    asyncio.run(store.save(tracker))
    assert not any("count(" in statement for statement in statements[before_save:])  # no count of the session
    asyncio.run(store.save(tracker))  # saved again, nothing new: nothing stored twice
    assert state(asyncio.run(store.retrieve("saved"))) == state(fresh(tracker_db_url, "saved"))
    assert len(_rows(tracker_db_url, "saved")) == len(tracker.events)


def test_a_tracker_that_does_not_continue_what_was_stored_is_saved_after_rasas_count(tracker_db_url: str) -> None:
    store = cached_store(tracker_db_url)
    for number in range(3):
        turn(store, "rebuilt", number)
    served = asyncio.run(store.retrieve("rebuilt"))
    assert served is not None
    # the same events as new objects (e.g. a tracker rebuilt from its dump): Rasa's count decides
    rebuilt = DialogueStateTracker.from_dict("rebuilt", [event.as_dict() for event in served.events], DOMAIN.slots)
    rebuilt.update(UserUttered("after a rebuild", {"name": "greet", "confidence": 0.9}))
    asyncio.run(store.save(rebuilt))
    rows = _rows(tracker_db_url, "rebuilt")
    assert len(rows) == len(rebuilt.events) and "after a rebuild" in rows[-1]
