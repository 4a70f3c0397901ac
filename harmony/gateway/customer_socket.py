"""Rasa's socket.io protocol for the stock rasa-webchat widget.

`connect` (the page's shop and language from the socket's address, when the page put them
there), `session_request` -> `session_confirm` (the conversation's id: the widget's own if
we issued it for this shop's site, else a new random one), `user_uttered` -> `bot_uttered`
(text, quick replies; the stock widget sends the page's `customData` with each message). A
socket may only write to the conversation it was confirmed for.

Each socket's client address (`harmony.gateway.clients`) is what the limits count per client;
a refused or failed `session_request` gets the notice as a `bot_uttered`, in the page's language.
A widget confirmed again for its conversation is sent the replies it missed (`harmony.gateway.delivery`):
those after the last message id it says it showed (`seen`, in its connection's auth data or, for the
first connection of a page, in the socket's address), else after the database's delivery cursor.
The database down: a session request waits about 15 s for it (`ChatService.start_session`), and a
socket whose request failed gets its session when it writes, so its message is not dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any
from urllib.parse import parse_qs

import socketio

from harmony.gateway.clients import UNKNOWN, client_address
from harmony.gateway.conversation import CustomerRefused, Outbox
from harmony.gateway.delivery import WidgetDelivery
from harmony.gateway.service import ChatService
from harmony.kb.handoff import handoff_text
from harmony.kb.markets import PageContext, named_page, page_context


def _socket_query(environ: dict[str, Any]) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(str(environ.get("QUERY_STRING") or "")).items()}


def page_of_socket(environ: dict[str, Any]) -> PageContext | None:
    """The shop and language the page put in the socket's address (`?shop=ro&lang=en`), if any."""
    query = _socket_query(environ)
    return named_page(query.get("shop"), query.get("lang"))


def seen_by_widget(environ: dict[str, Any], auth: Any) -> int | None:
    """The last stored message id the widget says it showed: `{"seen": 12}` in the connection's auth
    data (sent again on every reconnection), else `seen=12` in the socket's address; None if neither
    is a plausible id."""
    for claimed in (auth.get("seen") if isinstance(auth, dict) else None, _socket_query(environ).get("seen")):
        if isinstance(claimed, str) and claimed.isascii() and claimed.isdigit() and len(claimed) < MAX_ID_DIGITS:
            claimed = int(claimed)  # ASCII digits only: "²" is a digit to str.isdigit, not to int()
        if isinstance(claimed, int) and not isinstance(claimed, bool) and 0 <= claimed < MAX_MESSAGE_ID:
            return claimed
    return None


PROTOCOL_LOGGERS = ("engineio.server", "socketio.server")
MAX_MESSAGE_ID = 2**63  # message ids are 64-bit integers in PostgreSQL
MAX_ID_DIGITS = len(str(MAX_MESSAGE_ID))  # longer digit strings are not read at all


class WithoutTraceback(logging.Filter):
    """A malformed packet makes engine.io log a traceback per packet; one line with the type is enough
    (and a client sending garbage cannot fill the log with stack traces)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage()} ({record.exc_info[0].__name__})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_protocol_errors() -> None:
    for name in PROTOCOL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, WithoutTraceback) for f in logger.filters):
            logger.addFilter(WithoutTraceback())


def register_customer_events(
    sio: socketio.AsyncServer,
    service: ChatService,
    outbox: Outbox,
    widgets: WidgetDelivery,
    trusted_proxies: Collection[str] = (),
) -> None:
    quiet_protocol_errors()

    @sio.on("connect")
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        page = page_of_socket(environ)
        client = client_address(environ, trusted_proxies)
        await sio.save_session(sid, {"page": page, "client": client, "seen": seen_by_widget(environ, auth)})

    async def confirm(sid: str, socket: dict[str, Any], requested_id: Any) -> str | None:
        """Give the socket its conversation (the requested one if it may have it, else a new one), send it
        what it missed; None, after telling the widget why, when that is refused or the database stays down."""
        page, client = socket.get("page"), socket.get("client") or UNKNOWN
        try:
            view = await service.start_session(requested_id, page, client)  # waits out a database restart
        except CustomerRefused as refused:
            language = (page or page_context(None, None, service.default_shop)).language
            await sio.emit("bot_uttered", {"text": handoff_text(refused.key, language)}, to=sid)
            return None
        try:
            await sio.save_session(sid, {**socket, "conversation_id": view.id})
            await sio.enter_room(sid, view.id)
        except KeyError:  # the socket went away meanwhile (socket.io's "Session not found")
            return None
        await sio.emit("session_confirm", view.id, to=sid)
        if view.id == requested_id:
            await widgets.replay(sid, view.id, socket.get("seen"))  # what it missed, from the transcript
        return view.id

    @sio.on("session_request")
    async def session_request(sid: str, data: Any = None) -> None:
        request = data if isinstance(data, dict) else {}
        await confirm(sid, await sio.get_session(sid), request.get("session_id"))

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: Any = None) -> None:
        socket = await sio.get_session(sid)
        conversation_id = socket.get("conversation_id")
        message = data if isinstance(data, dict) else {}
        claimed = message.get("session_id")
        if not conversation_id:
            # Its session request failed (the database was down): the widget knows no better than to
            # write, so its session is given now, and the message is not lost.
            conversation_id = await confirm(sid, socket, claimed)
            if conversation_id is None:
                return
        elif claimed and claimed != conversation_id:
            return  # someone else's conversation: nothing is read or written
        text, custom_data = message.get("message"), message.get("customData")
        await service.customer_message(conversation_id, text, custom_data, outbox, socket.get("client") or UNKNOWN)
