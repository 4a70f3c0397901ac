"""Rasa's socket.io protocol for the stock rasa-webchat widget.

`session_request` -> `session_confirm` (the conversation's id: the widget's own if we issued
it, else a new random one), `user_uttered` -> `bot_uttered` (text, quick replies). A
socket may only write to the conversation it was confirmed for.
"""

from __future__ import annotations

from typing import Any

import socketio

from harmony.gateway.service import ChatService, Outbox


def register_customer_events(sio: socketio.AsyncServer, service: ChatService, outbox: Outbox) -> None:
    @sio.on("session_request")
    async def session_request(sid: str, data: Any = None) -> None:
        request = data if isinstance(data, dict) else {}
        view = await service.start_session(request.get("session_id"), request.get("customData"))
        await sio.save_session(sid, {"conversation_id": view.id})
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
