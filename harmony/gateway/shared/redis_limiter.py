"""A rate limit counted in Redis, so every gateway sees the same counts.

A sliding window per key: a sorted set of the key's events scored by the Redis server's
clock in whole milliseconds (gateways' clocks may differ; Lua prints numbers with 14 digits),
trimmed, counted and added to by one Lua script, so two gateways hitting the same key at once
cannot both take the last place. A second key marks that the current burst's first refusal
was reported (`Verdict.REFUSED_FIRST` once per burst). Both keys expire with the window: an
idle key costs Redis nothing.

Redis down: the event is allowed (a customer is never refused because of our outage), and
the outage is logged once.
"""

from __future__ import annotations

import uuid

from redis.asyncio import Redis
from redis.exceptions import RedisError

from harmony.gateway.limits import Rule, Verdict
from harmony.gateway.shared.outage import Outage

KEY_PREFIX = "harmony:limit:"
STORE_ERRORS = (RedisError, OSError, TimeoutError)  # asyncio's TimeoutError is the builtin one from 3.11

# KEYS: events (sorted set), refusing flag. ARGV: window (ms), limit, mode (hit|count|add), member.
# Returns: count for "count"; 0 allowed / added, 1 refused, 2 refused for the first time in the burst.
SLIDING_WINDOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local window = tonumber(ARGV[1])
local ttl = window + 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - window))
local count = redis.call('ZCARD', KEYS[1])
if ARGV[3] == 'count' then
  return count
end
if ARGV[3] == 'hit' and count >= tonumber(ARGV[2]) then
  if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ttl) then
    return 2
  end
  return 1
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ttl)
if ARGV[3] == 'hit' then
  redis.call('DEL', KEYS[2])
end
return 0
"""

_VERDICTS = {0: Verdict.ALLOWED, 1: Verdict.REFUSED, 2: Verdict.REFUSED_FIRST}


class RedisLimiter:
    def __init__(self, redis: Redis, name: str, rule: Rule, outage: Outage) -> None:
        self.rule, self.name, self.outage = rule, name, outage
        self._script = redis.register_script(SLIDING_WINDOW)
        self._window_ms = str(max(1, round(rule.window * 1000)))

    def _keys(self, key: str) -> list[str]:
        base = f"{KEY_PREFIX}{self.name}:{key}"
        return [base, base + ":refusing"]

    async def _run(self, key: str, mode: str) -> int | None:
        """The script's answer; None when Redis cannot be asked."""
        args = [self._window_ms, str(self.rule.limit), mode, uuid.uuid4().hex]
        try:
            answer = int(await self._script(keys=self._keys(key), args=args))
        except STORE_ERRORS as exc:
            self.outage.failed("rate limits", exc, "every event is allowed until it is back")
            return None
        self.outage.worked("rate limits")
        return answer

    async def hit(self, key: str) -> Verdict:
        answer = await self._run(key, "hit")
        return Verdict.ALLOWED if answer is None else _VERDICTS[answer]

    async def events(self, key: str) -> int:
        return await self._run(key, "count") or 0

    async def add(self, key: str) -> None:
        await self._run(key, "add")
