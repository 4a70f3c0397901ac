"""Delivering the stored messages to the customer's widget, and replaying the ones it missed.

Every message for the customer (bot, agent, system) is stored before it is sent, with an id
that grows in storing order. `conversations.delivered_id` is the highest id that reached a
connected widget: it moves only after the message was emitted while a widget of the
conversation was connected. A message stored but never emitted (its gateway was killed) or
emitted while no widget was connected (the connection had dropped) stays after the cursor;
when a widget confirms its session again, on any gateway, it is sent those messages, in
order, once, and the cursor moves past them.

The widget's own cursor comes first: every stored message reaches it with its id (`metadata.message_id`), our
shop page's script keeps the highest one it showed, and the widget gives it back when it connects
(`seen`). A reconnecting widget that says what it has is sent exactly what comes after, whatever
the database's cursor says: a gateway killed between emitting a message and moving the cursor, or
a message emitted into a socket that was dying, is then neither repeated nor lost. A widget that
says nothing (another client, a page of an older version) gets what comes after the database's cursor.

Notices that could not be stored (the database is down) are sent and never replayed.

Several gateways: the gateway a widget's socket is on is the one that knows it received a
message, so a stored message is emitted by this gateway to its own sockets and passed to the
others through the shared state (`harmony.gateway.shared`); each emits it to its own sockets of
the conversation and marks it. (socket.io's Redis manager still carries the notices that are
not stored.)

On one gateway, a conversation's replay and its live sends take turns (a lock per conversation),
and a live send of a message the replay already sent is skipped: a widget that reconnects and
writes at once would otherwise get a reply twice.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import socketio
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from harmony.gateway.shared.interface import ConsoleMessage, SharedState, widget_message
from harmony.gateway.transactions import in_transaction_waiting
from harmony.gateway.transcripts import mark_delivered, undelivered
from harmony.gateway.widget_messages import with_message_id

logger = logging.getLogger("harmony.gateway.delivery")
NAMESPACE = "/"
REMEMBERED_CURSORS = 10_000


class WidgetPresence(Protocol):
    async def connected(self, conversation_id: str) -> bool:
        """Whether a widget socket of the conversation is connected now."""
        ...


class RoomPresence:
    """Presence from this gateway's socket.io rooms: a widget joins its conversation's room."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def connected(self, conversation_id: str) -> bool:
        return any(True for _ in self.sio.manager.get_participants(NAMESPACE, conversation_id))


class WidgetDelivery:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        sessions: sessionmaker[Session],
        shared: SharedState | None = None,
        presence: WidgetPresence | None = None,
    ) -> None:
        self.sio, self.sessions, self.shared = sio, sessions, shared
        self.presence = presence or RoomPresence(sio)
        if shared is not None:
            shared.receive_with(self._receive)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._sent_up_to: OrderedDict[str, int] = OrderedDict()  # this gateway's view of each cursor

    async def send(self, conversation_id: str, message: dict[str, Any], message_id: int | None = None) -> None:
        """Emit to the conversation's widget; a stored message (`message_id`) is then marked delivered
        if a widget was there to receive it."""
        await self.send_all(conversation_id, [(message, message_id)])

    async def send_all(self, conversation_id: str, messages: Sequence[tuple[dict[str, Any], int | None]]) -> None:
        """`send` for several messages in order (one turn of the bot): the cursor moves once, past the
        last stored one emitted, instead of once per message."""
        stamped = [(message if i is None else with_message_id(message, i), i) for message, i in messages]
        stored: list[tuple[dict[str, Any], int]] = []
        for message, message_id in stamped:
            if message_id is None:  # not stored (the database is down): sent as it is, never replayed
                await self._send_stored_here(conversation_id, stored)
                stored = []
                await self.sio.emit("bot_uttered", message, room=conversation_id)
            else:
                stored.append((message, message_id))
        await self._send_stored_here(conversation_id, stored)
        if self.shared is not None:
            for message, message_id in stamped:
                if message_id is not None:
                    await self.shared.publish(widget_message(conversation_id, message_id, message))

    async def _receive(self, published: ConsoleMessage) -> None:
        """Another gateway's stored message, for this gateway's sockets of its conversation."""
        if published["kind"] != "widget":
            return
        event = published["event"]
        conversation_id, message_id, message = (
            event.get("conversation_id"),
            event.get("message_id"),
            event.get("message"),
        )
        if isinstance(conversation_id, str) and isinstance(message_id, int) and isinstance(message, dict):
            await self._send_stored_here(conversation_id, [(message, message_id)])

    async def _send_stored_here(self, conversation_id: str, messages: Sequence[tuple[dict[str, Any], int]]) -> None:
        """Emit to this gateway's sockets of the conversation the messages a replay has not sent, and
        mark the last one if a socket was there."""
        if not messages:
            return
        async with self._lock(conversation_id):
            already = self._sent_up_to.get(conversation_id, 0)
            fresh = [(message, message_id) for message, message_id in messages if message_id > already]
            if fresh and await self.presence.connected(conversation_id):
                for message, _ in fresh:
                    await self.sio.emit("bot_uttered", message, room=conversation_id, ignore_queue=True)
                await self._mark(conversation_id, max(message_id for _, message_id in fresh))

    async def replay(self, sid: str, conversation_id: str, seen: int | None = None) -> int:
        """Send one (re)connected widget socket the stored messages it has not had: those after `seen`,
        the last message id the widget says it showed, or if it does not say, after the database's
        cursor. Returns how many."""
        async with self._lock(conversation_id):
            missed = await self._db(lambda s: undelivered(s, conversation_id, after=seen)) or []
            for message_id, message in missed:
                await self.sio.emit("bot_uttered", with_message_id(message, message_id), to=sid)
            if missed:
                await self._mark(conversation_id, missed[-1][0])
                logger.info("replayed %d missed message(s) to a reconnected widget", len(missed))
        return len(missed)

    def _lock(self, conversation_id: str) -> asyncio.Lock:
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = self._locks[conversation_id] = asyncio.Lock()
        return lock

    async def _mark(self, conversation_id: str, message_id: int) -> None:
        self._sent_up_to[conversation_id] = max(message_id, self._sent_up_to.pop(conversation_id, 0))
        while len(self._sent_up_to) > REMEMBERED_CURSORS:
            self._sent_up_to.popitem(last=False)
        await self._db(lambda s: mark_delivered(s, conversation_id, message_id), single_statement=True)

    async def _db(self, work: Callable[[Session], Any], single_statement: bool = False) -> Any:
        """Database work that waits out a restart and may then fail quietly: an unmarked message is
        replayed later, never lost (a cursor not moved could replay a message twice, hence the wait)."""
        try:
            return await in_transaction_waiting(self.sessions, work, single_statement=single_statement)
        except SQLAlchemyError as exc:
            logger.warning("database unavailable: %s", type(exc).__name__)
            return None
