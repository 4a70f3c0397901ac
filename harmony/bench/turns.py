"""A turn's cost against the conversation's length: long REST conversations, one at a time.

The script's seven messages are sent in a loop by one sender; the latency "at turn n" is the
median of the turns n .. n+6 (each script message once) of every long conversation, so the turns
compared do the same work and only the conversation's length differs. Several conversations, one
after the other, give each turn 7 samples per conversation: with one, a single slow or fast
message at turn 1 moved every ratio by a third.
"""

from __future__ import annotations

import statistics
import time
import uuid
from dataclasses import dataclass

from harmony.bench.load import SCRIPT
from harmony.rasa_rest import send_message

TURNS_MEASURED = (1, 50, 100, 200)
LONG_CONVERSATIONS = 3


@dataclass(frozen=True)
class TurnResult:
    """Median latency (ms) at each measured turn; `errors` counts failed requests."""

    latency_ms: dict[int, float]
    errors: int

    def ratio(self, turn: int) -> float:
        first = self.latency_ms.get(1, float("nan"))
        return self.latency_ms.get(turn, float("nan")) / first if first else float("nan")


def run_turns(
    base_url: str,
    turns: tuple[int, ...] = TURNS_MEASURED,
    max_seconds: float = 300.0,
    conversations: int = LONG_CONVERSATIONS,
) -> TurnResult:
    """`conversations` conversations of max(turns) + 6 messages each, one after the other; bounded in count
    and time (a conversation cut short by the time limit adds only the turns it reached)."""
    window = len(SCRIPT)
    deadline = time.monotonic() + max_seconds
    samples: dict[int, list[float]] = {turn: [] for turn in turns}
    errors = 0
    for _ in range(conversations):
        latencies, failed = _one_long_conversation(base_url, max(turns) + window - 1, deadline)
        errors += failed
        for turn in turns:
            if len(latencies) >= turn - 1 + window:
                samples[turn] += latencies[turn - 1 : turn - 1 + window]
    measured = {turn: statistics.median(values) for turn, values in samples.items() if values}
    return TurnResult(measured, errors)


def _one_long_conversation(base_url: str, messages: int, deadline: float) -> tuple[list[float], int]:
    """The latency (ms) of each message of one new conversation, and how many failed."""
    sender = f"bench-long-{uuid.uuid4().hex}"
    latencies: list[float] = []
    errors = 0
    for index in range(messages):
        if time.monotonic() >= deadline:
            break
        started = time.perf_counter()
        try:
            send_message(base_url, sender, SCRIPT[index % len(SCRIPT)], timeout=30)
        except OSError:
            errors += 1
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies, errors
