"""Closed-loop load over the widget's socket.io protocol, as rasa-webchat speaks it.

Each conversation connects, asks for a session, then sends the script's messages one by
one; a message's latency is the time from `user_uttered` to the first `bot_uttered`. The
rest of that turn's replies are drained (up to `SETTLE_SECONDS` of quiet) before the next
message, so they are not taken for the next answer; that wait counts in the throughput.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import socketio

from harmony.bench.load import SCRIPT, LoadResult

REPLY_TIMEOUT = 30.0
SETTLE_SECONDS = 0.05


async def _conversation(
    url: str,
    origin: str | None,
    custom_data: dict[str, Any],
    budget: list[int],
    deadline: float,
    script: tuple[str, ...] = SCRIPT,
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    client = socketio.AsyncClient(reconnection=False)
    replies: asyncio.Queue[Any] = asyncio.Queue()
    confirmed: asyncio.Queue[Any] = asyncio.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    headers = {"Origin": origin} if origin else {}
    try:
        await client.connect(url, headers=headers, transports=["websocket"], wait_timeout=REPLY_TIMEOUT)
        await client.emit("session_request", {"session_id": uuid.uuid4().hex, "customData": custom_data})
        session_id = await asyncio.wait_for(confirmed.get(), REPLY_TIMEOUT)
        for message in script:
            if budget[0] <= 0 or time.monotonic() >= deadline:
                break
            budget[0] -= 1
            started = time.perf_counter()
            await client.emit("user_uttered", {"message": message, "session_id": session_id, "customData": custom_data})
            try:
                await asyncio.wait_for(replies.get(), REPLY_TIMEOUT)
            except asyncio.TimeoutError:
                errors += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            while True:
                try:
                    await asyncio.wait_for(replies.get(), SETTLE_SECONDS)
                except asyncio.TimeoutError:
                    break
    except (socketio.exceptions.ConnectionError, asyncio.TimeoutError):
        errors += 1
    finally:
        await client.disconnect()
    return latencies, errors


async def _run(
    url: str,
    origin: str | None,
    custom_data: dict[str, Any],
    concurrency: int,
    total: int,
    max_seconds: float,
    script: tuple[str, ...],
) -> LoadResult:
    deadline = time.monotonic() + max_seconds
    budgets = [[max(1, total // concurrency)] for _ in range(concurrency)]
    latencies: list[float] = []
    errors = 0

    async def worker(budget: list[int]) -> None:
        nonlocal errors
        while budget[0] > 0 and time.monotonic() < deadline:
            found, failed = await _conversation(url, origin, custom_data, budget, deadline, script)
            latencies.extend(found)
            errors += failed

    started = time.perf_counter()
    await asyncio.gather(*(worker(budget) for budget in budgets))
    seconds = time.perf_counter() - started
    return LoadResult(concurrency, len(latencies), errors, seconds, tuple(latencies))


def run_widget_load(
    url: str,
    concurrency: int,
    total_requests: int,
    max_seconds: float,
    origin: str | None = None,
    custom_data: dict[str, Any] | None = None,
    script: tuple[str, ...] = SCRIPT,
) -> LoadResult:
    """About `total_requests` messages from `concurrency` parallel widget conversations, each saying `script`."""
    data = custom_data or {"shop": "fr", "language": "fr"}
    return asyncio.run(_run(url, origin, data, concurrency, total_requests, max_seconds, script))
