"""Console messages between gateways over Redis pub/sub.

Every gateway publishes its console events and ended sessions on one channel and delivers
what the others publish to its own consoles (each gateway applies its permission filter).
A gateway skips its own messages: it has already told its own consoles.

Pub/sub keeps nothing: a gateway whose subscription was down misses what was said meanwhile.
So it resubscribes with back-off when Redis is back, and then tells its consoles that the
queue changed, which makes them reload it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from redis.asyncio import Redis

from harmony.gateway.shared.interface import ConsoleMessage, Receiver, event_message
from harmony.gateway.shared.outage import Outage
from harmony.gateway.shared.redis_limiter import STORE_ERRORS

CHANNEL = "harmony:console"
POLL_SECONDS = 1.0
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)  # waits between resubscription attempts; the last one repeats
logger = logging.getLogger("harmony.gateway.shared")


class RedisBus:
    def __init__(self, redis: Redis, gateway_id: str, outage: Outage) -> None:
        self.redis, self.gateway_id, self.outage = redis, gateway_id, outage
        self.receivers: list[Receiver] = []
        self.subscribed = asyncio.Event()  # set while the subscription is up (tests wait for it)

    async def publish(self, message: ConsoleMessage) -> None:
        payload = json.dumps({"from": self.gateway_id, **message})
        try:
            await self.redis.publish(CHANNEL, payload)
        except STORE_ERRORS as exc:
            self.outage.failed("console updates", exc, "only this gateway's consoles are told")
        else:
            self.outage.worked("console updates")

    async def run(self) -> None:
        """Deliver the other gateways' messages until cancelled, resubscribing after an outage."""
        failures = 0
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(CHANNEL)
                self.subscribed.set()
                if failures:  # what was published meanwhile is lost: make the consoles reload
                    self.outage.worked("console subscription")
                    await self._deliver(event_message({"type": "queue_changed"}))
                failures = 0
                while True:
                    raw = await pubsub.get_message(ignore_subscribe_messages=True, timeout=POLL_SECONDS)
                    if raw is not None:
                        await self._dispatch(raw.get("data"))
            except STORE_ERRORS as exc:
                self.outage.failed("console subscription", exc, "resubscribing when Redis is back")
            finally:
                self.subscribed.clear()
                with contextlib.suppress(*STORE_ERRORS):
                    await pubsub.aclose()
            await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
            failures += 1

    async def _dispatch(self, data: Any) -> None:
        try:
            message = json.loads(data)
        except (TypeError, ValueError):
            logger.warning("an unreadable console message was ignored")
            return
        if not isinstance(message, dict) or message.get("from") == self.gateway_id:
            return
        kind = message.get("kind")
        if kind == "event" and isinstance(message.get("event"), dict):
            await self._deliver(event_message(message["event"]))
        elif kind == "widget" and isinstance(message.get("event"), dict):
            await self._deliver({"kind": "widget", "event": message["event"], "session": ""})
        elif kind == "end_session" and isinstance(message.get("session"), str):
            await self._deliver({"kind": "end_session", "event": {}, "session": message["session"]})

    async def _deliver(self, message: ConsoleMessage) -> None:
        results = await asyncio.gather(*(receiver(message) for receiver in self.receivers), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                logger.warning("a console message was not delivered: %s", type(result).__name__)
