"""Live updates to the agents' consoles over websockets, and who is online."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web


class AgentsHub:
    def __init__(self) -> None:
        self._sockets: dict[web.WebSocketResponse, str] = {}

    def add(self, socket: web.WebSocketResponse, agent_name: str) -> None:
        self._sockets[socket] = agent_name

    def remove(self, socket: web.WebSocketResponse) -> None:
        self._sockets.pop(socket, None)

    def online(self) -> int:
        """How many different agents have a console open."""
        return len(set(self._sockets.values()))

    async def broadcast(self, event: dict[str, Any]) -> None:
        text = json.dumps(event)
        sockets = [s for s in self._sockets if not s.closed]
        await asyncio.gather(*(s.send_str(text) for s in sockets), return_exceptions=True)
