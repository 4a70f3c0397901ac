"""A turn's cost against the conversation's length: one long REST conversation.

The script's seven messages are sent in a loop by one sender; the latency "at turn n" is the
median of the seven turns n .. n+6 (each script message once), so the turns compared do the same
work and only the conversation's length differs.
"""

from __future__ import annotations

import statistics
import time
import uuid
from dataclasses import dataclass

from harmony.bench.load import SCRIPT
from harmony.rasa_rest import send_message

TURNS_MEASURED = (1, 50, 100, 200)


@dataclass(frozen=True)
class TurnResult:
    """Median latency (ms) at each measured turn; `errors` counts failed requests."""

    latency_ms: dict[int, float]
    errors: int

    def ratio(self, turn: int) -> float:
        first = self.latency_ms.get(1, float("nan"))
        return self.latency_ms.get(turn, float("nan")) / first if first else float("nan")


def run_turns(base_url: str, turns: tuple[int, ...] = TURNS_MEASURED, max_seconds: float = 300.0) -> TurnResult:
    """Send max(turns) + 6 messages in one conversation; bounded in count and time."""
    window = len(SCRIPT)
    total = max(turns) + window - 1
    sender = f"bench-long-{uuid.uuid4().hex}"
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + max_seconds
    for index in range(total):
        if time.monotonic() >= deadline:
            break
        started = time.perf_counter()
        try:
            send_message(base_url, sender, SCRIPT[index % window], timeout=30)
        except OSError:
            errors += 1
        latencies.append((time.perf_counter() - started) * 1000)
    measured = {
        turn: statistics.median(latencies[turn - 1 : turn - 1 + window])
        for turn in turns
        if len(latencies) >= turn - 1 + window
    }
    return TurnResult(measured, errors)
