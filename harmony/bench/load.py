"""Closed-loop load on the REST channel: N conversations, each waits for its reply.

Bounded in requests and in time, so a run always stops by itself.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from dataclasses import dataclass

from harmony.bot_protocol import split_context_report
from harmony.rasa_rest import send_message

# One conversation: a session start, FAQ-style small talk, a language switch (action
# server), an order look-up (action server + app database), an unknown message
# (fallback). The same script is sent to both bots.
SCRIPT = (
    "Bonjour",
    "are you a bot?",
    "can we speak English?",
    "where is my order HM-100106? lucas.moreau@example.fr",
    "what's the weather tomorrow?",
    "merci",
    "bye",
)


@dataclass(frozen=True)
class LoadResult:
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: tuple[float, ...]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.latencies_ms) if self.latencies_ms else float("nan")


def run_load(base_url: str, concurrency: int, total_requests: int, max_seconds: float) -> LoadResult:
    """Send about `total_requests` messages from `concurrency` parallel conversations."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    per_worker = max(1, total_requests // concurrency)

    def worker() -> None:
        nonlocal errors
        sent = 0
        while sent < per_worker and time.monotonic() < deadline:
            sender = f"bench-{uuid.uuid4().hex}"
            for message in SCRIPT:
                if sent >= per_worker or time.monotonic() >= deadline:
                    break
                started = time.perf_counter()
                try:
                    shown, _ = split_context_report(send_message(base_url, sender, message, timeout=30))
                    ok = bool(shown)
                except OSError:
                    ok = False
                elapsed_ms = (time.perf_counter() - started) * 1000
                with lock:
                    if ok:
                        latencies.append(elapsed_ms)
                    else:
                        errors += 1
                sent += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return LoadResult(concurrency, len(latencies), errors, seconds, tuple(latencies))
