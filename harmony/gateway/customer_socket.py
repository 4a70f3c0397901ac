"""Rasa's socket.io protocol for the stock rasa-webchat widget.

`connect` (the page's shop and language from the socket's address, when the page put them
there), `session_request` -> `session_confirm` (the conversation's id: the widget's own if
we issued it for this shop's site, else a new random one), `user_uttered` -> `bot_uttered`
(text, quick replies; the stock widget sends the page's `customData` with each message). A
socket may only write to the conversation it was confirmed for.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import socketio

from harmony.gateway.service import ChatService, Outbox
from harmony.kb.markets import PageContext, named_page


def page_of_socket(environ: dict[str, Any]) -> PageContext | None:
    """The shop and language the page put in the socket's address (`?shop=ro&lang=en`), if any."""
    query = {name: values[0] for name, values in parse_qs(str(environ.get("QUERY_STRING") or "")).items()}
    return named_page(query.get("shop"), query.get("lang"))


def register_customer_events(sio: socketio.AsyncServer, service: ChatService, outbox: Outbox) -> None:
    @sio.on("connect")
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        page = page_of_socket(environ)
        await sio.save_session(sid, {"page": page})

    @sio.on("session_request")
    async def session_request(sid: str, data: Any = None) -> None:
        request = data if isinstance(data, dict) else {}
        page = (await sio.get_session(sid)).get("page")
        view = await service.start_session(request.get("session_id"), page)
        await sio.save_session(sid, {"conversation_id": view.id, "page": page})
        await sio.enter_room(sid, view.id)
        await sio.emit("session_confirm", view.id, to=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: Any = None) -> None:
        conversation_id = (await sio.get_session(sid)).get("conversation_id")
        message = data if isinstance(data, dict) else {}
        claimed = message.get("session_id")
        if not conversation_id or (claimed and claimed != conversation_id):
            return  # no session yet, or someone else's conversation: nothing is read or written
        await service.customer_message(conversation_id, message.get("message"), message.get("customData"), outbox)
