"""Rasa's SQL tracker store with an in-memory cache, so a turn's cost does not grow with the conversation.

Rasa's `SQLTrackerStore.retrieve` reads and deserialises every event of the session on every
message, and rebuilds the tracker by replaying them all: at turn 300 that was half of the server's
time. This store keeps, per conversation, the tracker built from the rows it has read and the id
of the last row; each retrieve reads only the rows with a higher id and applies them.

The database stays the only copy, and several Rasa servers may share it:
- rows that another server appended are read like our own (they have higher ids; the lock store
  keeps two servers from writing one conversation at once);
- rows deleted behind our back (`make erase-customer`, `make purge-conversations`) are noticed
  because the number of the conversation's rows up to the cached last id changed, or that row is
  gone (SQLite may give its id to a new row: its timestamp and type are compared too); the
  conversation is then read again from the database, so a deleted event is never served;
- a new session (a `session_started` row among the new ones) is read with Rasa's own query.
The trackers handed out are copies: what Rasa appends to them reaches the cache only through the
database, on the next retrieve.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import logging
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses

logger = logging.getLogger(__name__)

DEFAULT_MAX_CONVERSATIONS = 1000
DEFAULT_MAX_EVENTS = 50_000


@dataclass
class _Cached:
    """What we know of one conversation: the tracker of its latest session and where its rows end."""

    tracker: DialogueStateTracker
    last_id: int  # highest row id of this conversation that we have read (any session)
    last_timestamp: float | None  # that row's timestamp and type, to recognise it
    last_type: str
    rows_up_to_last: int  # how many rows of this conversation have an id <= last_id
    session_start: float | None  # timestamp of the latest session_started, as Rasa's query uses it
    # How many events of the latest session the database holds, and the last of them as handed out
    # (by `retrieve`, or saved by `save`): a tracker that continues it saves its events after them.
    stored: tuple[int, Event] | None = None


def catch_up_query(table: sa.Table) -> Any:
    """A conversation's rows from a row id on, each with the number of its rows up to that id.

    One statement for what a retrieve checks and reads (`:sender`, `:last`), prepared once.
    """
    mine = table.c.sender_id == sa.bindparam("sender")
    rows_up_to_last = (
        sa.select(sa.func.count(table.c.id)).where(mine, table.c.id <= sa.bindparam("last")).scalar_subquery()
    )
    return (
        sa.select(
            rows_up_to_last.label("rows_up_to_last"), table.c.id, table.c.type_name, table.c.timestamp, table.c.data
        )
        .where(mine, table.c.id >= sa.bindparam("last"))
        .order_by(table.c.id)
    )


def event_row(sender_id: str, event: Event) -> dict[str, Any]:
    """The `events` row Rasa's SQL store writes for `event`."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def pooled_sqlite(engine: sa.engine.Engine) -> sa.engine.Engine:
    """`engine`'s SQLite database with its connections kept open, in a write-ahead log with
    `synchronous=NORMAL` (as the app database, `harmony.db.engine`).

    SQLAlchemy 1.4 opens a new connection to a SQLite file for every session, and Rasa opens two
    or more per turn: about 1.7 ms of a turn's 18 on this machine. With the log, a turn's commit
    needs no fsync and readers in other processes (the tools that erase a customer) do not block it.
    """
    engine.dispose()
    pooled = sa.create_engine(engine.url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
    sa.event.listen(pooled, "connect", _write_ahead_log)
    return pooled


def each_statement_committed(engine: sa.engine.Engine) -> sa.engine.Engine:
    """`engine` in autocommit mode (PostgreSQL): every statement of the store is atomic by itself (a
    save is one insert; a read is one query, or counts then reads up to a counted id), and psycopg2
    would send BEGIN, and COMMIT or ROLLBACK, as round trips of their own around each, three per
    statement instead of one, while the server's event loop waits."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class EventTypes:
    """Event class by type name, looked up once instead of walking Rasa's class tree per event."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Event]] = {}

    def deserialise(self, data: dict[str, Any]) -> Event | None:
        name = data.get("event")
        if name is None:
            return None
        event_class = self._classes.get(name)
        if event_class is None:
            # an event class imported since the last look-up, or an unknown name: Rasa decides
            self._classes = {cls.type_name: cls for cls in reversed(all_subclasses(Event))}
            event_class = self._classes.get(name)
            if event_class is None:
                return Event.from_parameters(data)
        return event_class._from_parameters(data)


def copy_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A tracker with the same state that can be changed without changing `tracker`.

    Rasa's own `copy()` replays every event; here the state is copied as it is. The events
    themselves are shared: Rasa appends new events and does not change the ones it was given.
    """
    clone = copy.copy(tracker)
    clone.events = tracker._create_events(list(tracker.events))
    clone.slots = copy.copy(tracker.slots)  # keeps AnySlotDict when there is no domain
    for name, slot in tracker.slots.items():
        clone.slots[name] = _copy_slot(slot)
    clone.latest_action = dict(tracker.latest_action) if tracker.latest_action is not None else None
    if tracker.active_loop is not None:
        clone.active_loop = dataclasses.replace(tracker.active_loop)
    return clone


IMMUTABLE_VALUES = (str, int, float, bool, type(None))


def _copy_slot(slot: Any) -> Any:
    """A copy of `slot` whose value can change apart; a value that cannot change is shared.

    A slot's attributes are copied as `copy.copy` copies them, without its generic protocol
    (a turn copies all 20-odd slots; that protocol was half of a retrieve).
    """
    slot_copy = object.__new__(type(slot))
    slot_copy.__dict__.update(slot.__dict__)
    value = slot._value
    if not isinstance(value, IMMUTABLE_VALUES):
        slot_copy._value = copy.deepcopy(value)
    return slot_copy


class CachedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that reads only the rows it has not seen yet (see the module's docstring).

    Configured in endpoints.yml as `type: bot.tracker_store.CachedSQLTrackerStore` with `url`; at
    most `max_conversations` conversations and `max_events` events are kept (least recently
    used first out).
    """

    def __init__(
        self,
        domain: Domain | None = None,
        max_conversations: int = DEFAULT_MAX_CONVERSATIONS,
        max_events: int = DEFAULT_MAX_EVENTS,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("url", None)  # Rasa hands the endpoint's url over as `host` too
        super().__init__(domain, **kwargs)
        engine: sa.engine.Engine = self.engine  # type: ignore[has-type]  # set by Rasa's __init__
        if engine.dialect.name == "sqlite":
            self.engine = pooled_sqlite(engine)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        elif engine.dialect.name == "postgresql":
            self.engine = each_statement_committed(engine)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.max_conversations = int(max_conversations)
        self.max_events = int(max_events)
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._cached_events = 0
        self._event_types = EventTypes()
        self._catch_up_query = catch_up_query(self.SQLEvent.__table__)
        self._insert = self.SQLEvent.__table__.insert()

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        # trackers carry the domain's slots: a new model's domain starts the cache afresh
        self._domain = domain or Domain.empty()
        self.clear_cache()

    def clear_cache(self) -> None:
        self._cache.clear()
        self._cached_events = 0

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's tracker, as Rasa's store returns it, from the cache when still valid."""
        if not self.domain:
            return await super().retrieve(sender_id)
        with self.session_scope() as session:
            cached = self._cache.get(sender_id)
            if cached is None or not self._catch_up(session, sender_id, cached):
                cached = self._load(session, sender_id)
        if cached is None:
            return None
        self._remember(sender_id, cached)
        served = copy_tracker(cached.tracker)
        cached.stored = (len(served.events), served.events[-1]) if served.events else None
        return served

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `SQLTrackerStore.save`: the same rows, written by one insert statement.

        Rasa adds an ORM object per event and flushes them through SQLAlchemy's unit of work, a
        quarter of the store's time at 8 concurrent conversations.
        """
        cached = self._cache.get(tracker.sender_id)
        try:
            await self.stream_events(tracker)
            with self.session_scope() as session:
                rows = [event_row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
                if rows:
                    session.execute(self._insert, rows)
                session.commit()
        except BaseException:
            if cached is not None:
                cached.stored = None  # what reached the database is not known: Rasa counts next time
            raise
        if cached is not None:
            cached.stored = (len(tracker.events), tracker.events[-1]) if tracker.events else None

    def _additional_events(self, session: sa.orm.Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The tracker's events not stored yet. Rasa counts the session's rows for this, one query per
        turn (6 % of the server's time at turn 150, more later); a tracker that continues what this
        store handed out or saved (the same event objects up to there) needs no query."""
        cached = self._cache.get(tracker.sender_id)
        stored = cached.stored if cached is not None else None
        events = tracker.events
        if stored is not None and stored[0] <= len(events) and events[stored[0] - 1] is stored[1]:
            return itertools.islice(events, stored[0], len(events))
        return super()._additional_events(session, tracker)

    def _catch_up(self, session: sa.orm.Session, sender_id: str, cached: _Cached) -> bool:
        """Applies the rows appended since `cached` was read; False when it must be read afresh."""
        rows = session.execute(self._catch_up_query, {"sender": sender_id, "last": cached.last_id}).all()
        if not rows or rows[0].rows_up_to_last != cached.rows_up_to_last:
            return False  # rows were deleted (or, unexpectedly, inserted below the last id)
        if (rows[0].id, rows[0].timestamp, rows[0].type_name) != (
            cached.last_id,
            cached.last_timestamp,
            cached.last_type,
        ):
            return False  # our last row is gone or its id was given to another row
        new_rows = rows[1:]
        if any(row.type_name == SessionStarted.type_name for row in new_rows):
            return False  # a new session: Rasa's query decides which rows belong to it
        added = 0
        for row in new_rows:
            if cached.session_start is not None and (row.timestamp is None or row.timestamp < cached.session_start):
                continue  # Rasa's query leaves out rows older than the session's start
            event = self._event_types.deserialise(json.loads(row.data))
            if event is not None:
                cached.tracker.update(event)
                added += 1
        if new_rows:
            last = new_rows[-1]
            cached.last_id, cached.last_timestamp, cached.last_type = last.id, last.timestamp, last.type_name
            cached.rows_up_to_last += len(new_rows)
            self._cached_events += added
        return True

    def _load(self, session: sa.orm.Session, sender_id: str) -> _Cached | None:
        """Reads the latest session as Rasa's query does, up to a last row counted first.

        Counting first and then reading only rows up to that id keeps the count and the rows
        consistent when another server appends meanwhile (its rows are read on the next retrieve).
        """
        self._forget(sender_id)
        table = self.SQLEvent
        count, last_id = (
            session.query(sa.func.count(table.id), sa.func.max(table.id)).filter(table.sender_id == sender_id).one()
        )
        if not count:
            return None
        mine = (table.sender_id == sender_id, table.id <= last_id)
        session_start = (
            session.query(sa.func.max(table.timestamp))
            .filter(*mine, table.type_name == SessionStarted.type_name)
            .scalar()
        )
        query = session.query(table.id, table.type_name, table.timestamp, table.data).filter(*mine)
        if session_start is not None:
            query = query.filter(table.timestamp >= session_start)
        rows = query.order_by(table.id).all()
        last_row = session.query(table.timestamp, table.type_name).filter(table.id == last_id).one_or_none()
        if not rows or last_row is None:
            return None
        events = [self._event_types.deserialise(json.loads(row.data)) for row in rows]
        tracker = DialogueStateTracker.from_events(
            sender_id, [event for event in events if event is not None], self.domain.slots
        )
        return _Cached(tracker, last_id, last_row.timestamp, last_row.type_name, count, session_start)

    def _remember(self, sender_id: str, cached: _Cached) -> None:
        if sender_id not in self._cache:
            self._cache[sender_id] = cached
            self._cached_events += len(cached.tracker.events)
        self._cache.move_to_end(sender_id)
        while len(self._cache) > 1 and (
            len(self._cache) > self.max_conversations or self._cached_events > self.max_events
        ):
            _, evicted = self._cache.popitem(last=False)
            self._cached_events -= len(evicted.tracker.events)

    def _forget(self, sender_id: str) -> None:
        evicted = self._cache.pop(sender_id, None)
        if evicted is not None:
            self._cached_events -= len(evicted.tracker.events)

    @property
    def cached_conversations(self) -> int:
        return len(self._cache)
