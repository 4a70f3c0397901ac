"""Who has a console open, across gateways, in Redis.

One sorted set: a member `<agent id>@<gateway id>` per agent with a console open on a
gateway, scored by when it expires (the Redis server's clock, in ms). Each gateway re-says its
agents every heartbeat, so a gateway killed with -9 stops renewing them and they drop out
after the TTL instead of staying "online" forever. The count is of different agents (one
agent with consoles on two gateways counts once), computed by the script next to the data.

Redis down: the last count known, and never less than this gateway's own agents.
"""

from __future__ import annotations

from collections.abc import Awaitable, Collection
from typing import Any

from redis.asyncio import Redis

from harmony.gateway.shared.outage import Outage
from harmony.gateway.shared.redis_limiter import STORE_ERRORS

PRESENCE_KEY = "harmony:agents_online"

_COUNT = """
local function agents(key, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  local seen, count = {}, 0
  for _, member in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local agent = string.match(member, '^(%d+)@')
    if agent and not seen[agent] then
      seen[agent] = true
      count = count + 1
    end
  end
  return count
end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
"""

# KEYS: the set. ARGV: gateway id, TTL (ms), then this gateway's agent ids. Returns the count.
HEARTBEAT = (
    _COUNT
    + """
local suffix = '@' .. ARGV[1]
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, -#suffix) == suffix then
    redis.call('ZREM', KEYS[1], member)
  end
end
local ttl = tonumber(ARGV[2])
for i = 3, #ARGV do
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[i] .. suffix)
end
if #ARGV > 2 then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return agents(KEYS[1], now)
"""
)

COUNT = _COUNT + "return agents(KEYS[1], now)\n"


class RedisPresence:
    def __init__(self, redis: Redis, gateway_id: str, ttl: float, outage: Outage) -> None:
        self.gateway_id, self.outage = gateway_id, outage
        self.ttl_ms = str(max(1, round(ttl * 1000)))
        self.local: frozenset[int] = frozenset()
        self.last_known = 0
        self._heartbeat = redis.register_script(HEARTBEAT)
        self._count = redis.register_script(COUNT)

    def known(self) -> int:
        """The last count Redis gave, at least this gateway's own agents."""
        return max(self.last_known, len(self.local))

    async def _ask(self, call: Awaitable[Any]) -> int:
        try:
            self.last_known = int(await call)
        except STORE_ERRORS as exc:
            self.outage.failed("agent presence", exc, "the last count known is used")
        else:
            self.outage.worked("agent presence")
        return self.known()

    async def beat(self, agent_ids: Collection[int] | None = None) -> int:
        """Say this gateway's agents (now `agent_ids` when given) for another TTL; returns the count."""
        if agent_ids is not None:
            self.local = frozenset(agent_ids)
        args = [self.gateway_id, self.ttl_ms, *(str(agent) for agent in sorted(self.local))]
        return await self._ask(self._heartbeat(keys=[PRESENCE_KEY], args=args))

    async def count(self) -> int:
        return await self._ask(self._count(keys=[PRESENCE_KEY], args=[]))
