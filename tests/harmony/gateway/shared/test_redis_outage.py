"""Redis stopped and started again under two gateways' shared state (the real redis-server process).

While it is down nothing raises: limits allow, presence says the last count, messages to other
gateways are dropped, and the outage is logged once by exception type (never the URL or its
password). Once it is back, limits count again, the heartbeats restore presence and the
subscription comes back by itself.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path

import pytest

from harmony.gateway.limits import Rule, Verdict
from harmony.gateway.shared import ConsoleMessage
from harmony.gateway.shared.interface import event_message
from harmony.gateway.shared.redis_state import RedisSharedState
from tests.harmony.gateway.shared.test_shared_state import closed, eventually, started
from tests.redis_server import running_redis

PASSWORD = secrets.token_hex(8)  # the Redis password: must never reach a log


def test_the_gateways_live_through_a_redis_restart(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="harmony.gateway.shared")
    with running_redis(tmp_path, password=PASSWORD) as server:

        async def scenario() -> None:
            a = RedisSharedState(server.url, ttl=2.0, heartbeat=0.2)
            b = RedisSharedState(server.url, ttl=2.0, heartbeat=0.2)
            heard: list[ConsoleMessage] = []

            async def receive(message: ConsoleMessage) -> None:
                heard.append(message)

            b.receive_with(receive)
            await started(a, b)
            await a.set_agents({1})
            await b.set_agents({2})
            limit = a.limiter("messages_per_client", Rule(2, 60.0))
            assert [await limit.hit("c") for _ in range(3)] == [Verdict.ALLOWED, Verdict.ALLOWED, Verdict.REFUSED_FIRST]
            assert await a.count_agents() == 2

            server.stop()
            assert [await limit.hit("c") for _ in range(3)] == [Verdict.ALLOWED] * 3  # never refused for our outage
            assert await limit.events("c") == 0
            assert await a.count_agents() == 2  # the last count known
            assert a.agents_online() == 2
            await a.publish(event_message({"type": "queue_changed"}))  # dropped, without raising
            await asyncio.sleep(0.5)  # heartbeats and the subscription meet the outage too

            server.start()

            async def limits_again() -> bool:
                return await limit.hit("c") is not Verdict.ALLOWED

            await eventually(limits_again, "the limit counting again")  # the restart lost the counts: 2 more allowed
            await eventually(lambda: _count_is(a, 2), "the heartbeats saying both gateways' agents again")
            heard.clear()

            async def heard_again() -> bool:
                await a.publish(event_message({"type": "customer_message", "conversation_id": "x"}))
                await asyncio.sleep(0.1)
                return event_message({"type": "customer_message", "conversation_id": "x"}) in heard

            await eventually(heard_again, "gateway b hearing gateway a again")
            await closed(a, b)

        asyncio.run(scenario())

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert PASSWORD not in caplog.text and str(server.port) not in caplog.text
    for what in ("rate limits", "agent presence", "console updates", "console subscription"):
        down = [w for w in warnings if w.startswith(f"Redis unavailable for {what} (ConnectionError)")]
        back = [w for w in warnings if w == f"Redis is back for {what}"]
        assert 1 <= len(down) == len(back) <= 2, (what, warnings)  # once per gateway and outage, not per call


async def _count_is(state: RedisSharedState, expected: int) -> bool:
    return await state.count_agents() == expected
