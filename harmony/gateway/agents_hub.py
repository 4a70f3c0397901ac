"""Live updates to the agents' consoles over websockets, who is online, and ending a session's sockets.

An event about a conversation goes only to the consoles whose agent may see that conversation
(`harmony.agents.permissions`): a conversation's id is also the key of the customer's widget.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from harmony.agents.permissions import Actor, may_see

logger = logging.getLogger("harmony.gateway.agents_hub")
SESSION_ENDED = 4401  # websocket close code: the login session ended (logout, expiry, deactivation)
Ownership = Callable[[str], Awaitable["tuple[str, int | None] | None"]]


@dataclass(frozen=True)
class LiveConsole:
    actor: Actor
    session: str  # the SHA-256 of the login session's token


class AgentsHub:
    def __init__(self, ownership: Ownership | None = None) -> None:
        """`ownership` gives a conversation's (owner, agent id); without it events go to every console."""
        self._sockets: dict[web.WebSocketResponse, LiveConsole] = {}
        self._ownership = ownership

    def add(self, socket: web.WebSocketResponse, actor: Actor, session: str) -> None:
        self._sockets[socket] = LiveConsole(actor, session)

    def remove(self, socket: web.WebSocketResponse) -> None:
        self._sockets.pop(socket, None)

    def online(self) -> int:
        """How many different agents have a console open."""
        return len({console.actor.id for console in self._sockets.values()})

    async def broadcast(self, event: dict[str, Any]) -> None:
        """Send `event` to every console allowed to know of it."""
        consoles = [(s, c) for s, c in list(self._sockets.items()) if not s.closed]
        conversation_id = event.get("conversation_id")
        if conversation_id is not None and self._ownership is not None:
            try:
                found = await self._ownership(str(conversation_id))
            except Exception as exc:  # the database is down: only admins may hear of it
                logger.warning("cannot tell who may see a conversation: %s", type(exc).__name__)
                found = None
            owner, agent_id = found if found is not None else ("bot", None)
            consoles = [(s, c) for s, c in consoles if may_see(c.actor, owner, agent_id)]
        text = json.dumps(event)
        await asyncio.gather(*(s.send_str(text) for s, _ in consoles), return_exceptions=True)

    async def end_session(self, session: str) -> int:
        """Close the consoles of one login session (its agent logged out); returns how many."""
        sockets = [s for s, c in list(self._sockets.items()) if c.session == session]
        await asyncio.gather(*(end_socket(s) for s in sockets), return_exceptions=True)
        return len(sockets)


async def end_socket(socket: web.WebSocketResponse) -> None:
    """Close a console's socket saying its session ended (the page then asks to log in again)."""
    await socket.close(code=SESSION_ENDED, message=b"session ended")
