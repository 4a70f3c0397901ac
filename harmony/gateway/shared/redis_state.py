"""The shared state in Redis: the production profile, several gateways on one Redis.

Composes the Redis parts (`redis_limiter`, `redis_presence`, `redis_bus`) behind the
`SharedState` interface, with one client whose calls fail fast (short timeouts, one retry)
so a Redis outage slows no customer down: the parts then degrade as `interface.py` says.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Collection
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from harmony.gateway.limits import Rule
from harmony.gateway.shared.interface import HEARTBEAT_SECONDS, PRESENCE_TTL_SECONDS, ConsoleMessage, Receiver
from harmony.gateway.shared.outage import Outage
from harmony.gateway.shared.redis_bus import RedisBus
from harmony.gateway.shared.redis_limiter import RedisLimiter
from harmony.gateway.shared.redis_presence import RedisPresence

CONNECT_TIMEOUT_SECONDS = 1.0
CALL_TIMEOUT_SECONDS = 2.0


def client_options() -> dict[str, Any]:
    """Connection options of every Redis client of the gateway: fail fast, retry once at once."""
    return {"socket_connect_timeout": CONNECT_TIMEOUT_SECONDS, "retry": Retry(NoBackoff(), 1)}


class RedisSharedState:
    def __init__(
        self,
        url: str,
        gateway_id: str | None = None,
        ttl: float = PRESENCE_TTL_SECONDS,
        heartbeat: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.gateway_id = gateway_id or uuid.uuid4().hex
        self.heartbeat = heartbeat
        self.redis: Redis = Redis.from_url(
            url, decode_responses=True, socket_timeout=CALL_TIMEOUT_SECONDS, **client_options()
        )
        self.outage = Outage("Redis")
        self.presence = RedisPresence(self.redis, self.gateway_id, ttl, self.outage)
        self.bus = RedisBus(self.redis, self.gateway_id, self.outage)
        self._limiters: dict[str, RedisLimiter] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def limiter(self, name: str, rule: Rule) -> RedisLimiter:
        found = self._limiters.get(name)
        if found is None or found.rule != rule:
            found = self._limiters[name] = RedisLimiter(self.redis, name, rule, self.outage)
        return found

    async def set_agents(self, agent_ids: Collection[int]) -> None:
        await self.presence.beat(agent_ids)

    def agents_online(self) -> int:
        return self.presence.known()

    async def count_agents(self) -> int:
        return await self.presence.count()

    async def publish(self, message: ConsoleMessage) -> None:
        await self.bus.publish(message)

    def receive_with(self, receiver: Receiver) -> None:
        self.bus.receivers.append(receiver)

    async def start(self) -> None:
        await self.presence.beat()
        self._tasks = [asyncio.create_task(self._beat()), asyncio.create_task(self.bus.run())]

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            await self.presence.beat()

    async def halt(self) -> None:
        """Stop the heartbeat and the subscription, saying nothing: what a gateway killed with -9 leaves."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def close(self) -> None:
        await self.halt()
        await self.presence.beat(())  # this gateway's agents are gone now, not after the TTL
        await self.redis.aclose()
