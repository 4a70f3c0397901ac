"""Rate limits of the gateway: how many events a key (a conversation, a client) may have per window.

`Limiter` is the interface the gateway uses; `MemoryLimiter` keeps its counts in this
process (one gateway). Several gateways need shared counts: the Redis implementation of the
same interface (`harmony.gateway.shared`) replaces it without touching the callers.

A refusal says whether it is the first of its burst, so the caller stores and shows one
notice per burst instead of one per refused message.
"""

from __future__ import annotations

import enum
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

DEFAULT_MAX_KEYS = 50_000


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    REFUSED_FIRST = "refused_first"  # the first refusal since the key's last allowed event
    REFUSED = "refused"  # the same burst goes on

    @property
    def allowed(self) -> bool:
        return self is Verdict.ALLOWED


@dataclass(frozen=True)
class Rule:
    """At most `limit` events per `window` seconds."""

    limit: int
    window: float


class Limiter(Protocol):
    rule: Rule

    async def hit(self, key: str) -> Verdict:
        """Count one event of `key` unless it has reached the limit; say which it was."""
        ...


@dataclass
class _Entry:
    moments: deque[float] = field(default_factory=deque)
    refusing: bool = False  # a refusal was already reported in this burst


class MemoryLimiter:
    """A sliding window per key, in this process.

    Bounded: a key whose events are all older than the window is forgotten, and beyond
    `max_keys` keys the least recently seen is forgotten first (a flood of new keys cannot
    make the gateway's memory grow).
    """

    def __init__(
        self, rule: Rule, max_keys: int = DEFAULT_MAX_KEYS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rule, self.max_keys, self.clock = rule, max_keys, clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()  # least recently seen first

    @property
    def limit(self) -> int:
        return self.rule.limit

    def __len__(self) -> int:
        return len(self._entries)

    def _entry(self, key: str, now: float) -> _Entry:
        self._forget_expired(now)
        entry = self._entries.pop(key, None) or _Entry()
        while entry.moments and now - entry.moments[0] > self.rule.window:
            entry.moments.popleft()
        self._entries[key] = entry  # now the most recently seen
        while len(self._entries) > self.max_keys:
            self._entries.popitem(last=False)
        return entry

    def _forget_expired(self, now: float) -> None:
        """Drop keys, least recently seen first, whose last event left the window."""
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            last = oldest.moments[-1] if oldest.moments else None
            if last is not None and now - last <= self.rule.window:
                return
            del self._entries[key]

    def count(self, key: str, now: float | None = None) -> int:
        """Events of `key` within the window."""
        return len(self._entry(key, self.clock() if now is None else now).moments)

    def record(self, key: str, now: float | None = None) -> None:
        moment = self.clock() if now is None else now
        self._entry(key, moment).moments.append(moment)

    def check(self, key: str, now: float | None = None) -> Verdict:
        moment = self.clock() if now is None else now
        entry = self._entry(key, moment)
        if len(entry.moments) >= self.rule.limit:
            first = not entry.refusing
            entry.refusing = True
            return Verdict.REFUSED_FIRST if first else Verdict.REFUSED
        entry.moments.append(moment)
        entry.refusing = False
        return Verdict.ALLOWED

    def allow(self, key: str, now: float | None = None) -> bool:
        """Counts one more event unless `key` has reached the limit."""
        return self.check(key, now).allowed

    async def hit(self, key: str) -> Verdict:
        return self.check(key)


class RateLimiter(MemoryLimiter):
    """A `MemoryLimiter` given as (limit, window), as the console's login limit uses it."""

    def __init__(self, limit: int, window: float, max_keys: int = DEFAULT_MAX_KEYS) -> None:
        super().__init__(Rule(limit, window), max_keys)


@dataclass(frozen=True)
class GatewayLimits:
    """The customer side's limits: messages per conversation and, per client address, new
    conversations, messages and requests for a person."""

    messages_per_conversation: Limiter
    conversations_per_client: Limiter
    messages_per_client: Limiter
    handoffs_per_client: Limiter


DEFAULT_RULES = {
    "messages_per_conversation": Rule(8, 10.0),
    "conversations_per_client": Rule(30, 600.0),
    "messages_per_client": Rule(60, 60.0),
    "handoffs_per_client": Rule(5, 600.0),
}


def gateway_limits(make: Callable[[str, Rule], Limiter], rules: dict[str, Rule] | None = None) -> GatewayLimits:
    """The limits `make(name, rule)` builds: `DEFAULT_RULES`, with `rules` replacing some of them."""
    unknown = sorted(set(rules or {}) - set(DEFAULT_RULES))
    if unknown:
        raise ValueError(f"unknown rate limits {', '.join(unknown)}; known: {', '.join(DEFAULT_RULES)}")
    chosen = {**DEFAULT_RULES, **(rules or {})}
    return GatewayLimits(**{name: make(name, rule) for name, rule in chosen.items()})


def memory_limits(rules: dict[str, Rule] | None = None, max_keys: int = DEFAULT_MAX_KEYS) -> GatewayLimits:
    """In-process limits: `DEFAULT_RULES`, with `rules` replacing some of them."""
    return gateway_limits(lambda name, rule: MemoryLimiter(rule, max_keys), rules)
