"""The shared state kept in this process: the default profile, one gateway.

`MemoryBackend` holds the counts, who is online and the subscribers; each gateway is a
`MemorySharedState` view on it. A process has one backend and one gateway; tests give one
backend two views to check that both implementations behave as several gateways would.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from harmony.gateway.limits import DEFAULT_MAX_KEYS, MemoryLimiter, Rule
from harmony.gateway.shared.interface import (
    HEARTBEAT_SECONDS,
    PRESENCE_TTL_SECONDS,
    ConsoleMessage,
    Receiver,
)

logger = logging.getLogger("harmony.gateway.shared")


class MemorySharedLimiter(MemoryLimiter):
    """A `MemoryLimiter` with the shared limiter's asynchronous calls."""

    async def events(self, key: str) -> int:
        return self.count(key)

    async def add(self, key: str) -> None:
        self.record(key)


@dataclass
class MemoryBackend:
    """Everything the gateways of one process share."""

    clock: Callable[[], float] = time.monotonic
    max_keys: int = DEFAULT_MAX_KEYS
    limiters: dict[str, MemorySharedLimiter] = field(default_factory=dict)
    presence: dict[str, tuple[frozenset[int], float]] = field(default_factory=dict)  # gateway: (agents, until)
    receivers: dict[str, list[Receiver]] = field(default_factory=dict)  # gateway: its receivers

    def online(self) -> int:
        now = self.clock()
        return len({agent for agents, until in self.presence.values() if until > now for agent in agents})


class MemorySharedState:
    def __init__(
        self,
        backend: MemoryBackend | None = None,
        gateway_id: str | None = None,
        ttl: float = PRESENCE_TTL_SECONDS,
        heartbeat: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.backend = backend or MemoryBackend()
        self.gateway_id = gateway_id or uuid.uuid4().hex
        self.ttl, self.heartbeat = ttl, heartbeat
        self._agents: frozenset[int] = frozenset()
        self._beating: asyncio.Task[None] | None = None

    def limiter(self, name: str, rule: Rule) -> MemorySharedLimiter:
        found = self.backend.limiters.get(name)
        if found is None or found.rule != rule:
            found = self.backend.limiters[name] = MemorySharedLimiter(rule, self.backend.max_keys, self.backend.clock)
        return found

    def _say_present(self) -> None:
        self.backend.presence[self.gateway_id] = (self._agents, self.backend.clock() + self.ttl)

    async def set_agents(self, agent_ids: Collection[int]) -> None:
        self._agents = frozenset(agent_ids)
        self._say_present()

    def agents_online(self) -> int:
        return self.backend.online()

    async def count_agents(self) -> int:
        return self.backend.online()

    async def publish(self, message: ConsoleMessage) -> None:
        others = [r for gateway, rs in list(self.backend.receivers.items()) if gateway != self.gateway_id for r in rs]
        results = await asyncio.gather(*(receiver(message) for receiver in others), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                logger.warning("a console message was not delivered: %s", type(result).__name__)

    def receive_with(self, receiver: Receiver) -> None:
        self.backend.receivers.setdefault(self.gateway_id, []).append(receiver)

    async def start(self) -> None:
        self._say_present()
        self._beating = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            self._say_present()

    async def halt(self) -> None:
        """Stop the heartbeat, saying nothing: what a gateway killed with -9 would leave."""
        if self._beating is not None:
            self._beating.cancel()
            await asyncio.gather(self._beating, return_exceptions=True)
            self._beating = None

    async def close(self) -> None:
        await self.halt()
        self.backend.presence.pop(self.gateway_id, None)
        self.backend.receivers.pop(self.gateway_id, None)
