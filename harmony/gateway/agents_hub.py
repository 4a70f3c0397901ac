"""Live updates to the agents' consoles over websockets, who is online, and ending a session's sockets.

An event about a conversation goes only to the consoles whose agent may see that conversation
(`harmony.agents.permissions`): a conversation's id is also the key of the customer's widget.
The hub holds this gateway's consoles; through the shared state (`harmony.gateway.shared`) it
tells the other gateways' hubs its events and ended sessions, hears theirs, and says which
agents are online here.
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
from harmony.gateway.shared import ConsoleMessage, SharedState
from harmony.gateway.shared.interface import end_session_message, event_message
from harmony.gateway.shared.memory import MemorySharedState

logger = logging.getLogger("harmony.gateway.agents_hub")
SESSION_ENDED = 4401  # websocket close code: the login session ended (logout, expiry, deactivation)
Ownership = Callable[[str], Awaitable["tuple[str, int | None] | None"]]


@dataclass(frozen=True)
class LiveConsole:
    actor: Actor
    session: str  # the SHA-256 of the login session's token


class AgentsHub:
    def __init__(self, ownership: Ownership | None = None, shared: SharedState | None = None) -> None:
        """`ownership` gives a conversation's (owner, agent id); without it events go to every console.
        `shared` links this hub to the other gateways' (default: this process only)."""
        self._sockets: dict[web.WebSocketResponse, LiveConsole] = {}
        self._ownership = ownership
        self.shared = shared or MemorySharedState()
        self.shared.receive_with(self._receive)

    async def add(self, socket: web.WebSocketResponse, actor: Actor, session: str) -> None:
        self._sockets[socket] = LiveConsole(actor, session)
        await self.shared.set_agents(self._agents())

    async def remove(self, socket: web.WebSocketResponse) -> None:
        if self._sockets.pop(socket, None) is not None:
            await self.shared.set_agents(self._agents())

    def _agents(self) -> set[int]:
        return {console.actor.id for console in self._sockets.values()}

    def online(self) -> int:
        """How many different agents have a console open on any gateway, as last known (no waiting)."""
        return max(self.shared.agents_online(), len(self._agents()))

    async def count_online(self) -> int:
        """The same, asked now."""
        return max(await self.shared.count_agents(), len(self._agents()))

    async def broadcast(self, event: dict[str, Any]) -> None:
        """Send `event` to every console, on every gateway, allowed to know of it."""
        await self._deliver(event)
        await self.shared.publish(event_message(event))

    async def _receive(self, message: ConsoleMessage) -> None:
        """Another gateway's event or ended session, for this gateway's consoles."""
        if message["kind"] == "event":
            await self._deliver(message["event"])
        elif message["kind"] == "end_session":
            await self._end_local_session(message["session"])

    async def _deliver(self, event: dict[str, Any]) -> None:
        consoles = [(s, c) for s, c in list(self._sockets.items()) if not s.closed]
        if not consoles:
            return
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
        """Close the consoles of one login session (its agent logged out) on every gateway;
        returns how many were open on this one."""
        ended = await self._end_local_session(session)
        await self.shared.publish(end_session_message(session))
        return ended

    async def _end_local_session(self, session: str) -> int:
        sockets = [s for s, c in list(self._sockets.items()) if c.session == session]
        await asyncio.gather(*(end_socket(s) for s in sockets), return_exceptions=True)
        return len(sockets)


async def end_socket(socket: web.WebSocketResponse) -> None:
    """Close a console's socket saying its session ended (the page then asks to log in again)."""
    await socket.close(code=SESSION_ENDED, message=b"session ended")
