"""Both shared states, the same cases: what several gateways must agree on.

Each case runs once with the in-process state (two views on one backend) and once with two
Redis states on a real redis-server, as two gateway processes would use it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from harmony.gateway.limits import Rule, Verdict
from harmony.gateway.shared import ConsoleMessage, SharedState
from harmony.gateway.shared.interface import end_session_message, event_message
from harmony.gateway.shared.redis_state import RedisSharedState
from tests.harmony.gateway.shared.conftest import MakeGateway

WAIT_SECONDS = 10.0  # bound of every wait for something the other gateway does


async def started(*gateways: SharedState) -> None:
    for gateway in gateways:
        await gateway.start()
        if isinstance(gateway, RedisSharedState):
            await asyncio.wait_for(gateway.bus.subscribed.wait(), WAIT_SECONDS)


async def closed(*gateways: SharedState) -> None:
    for gateway in gateways:
        await gateway.close()


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait (bounded) until `check` holds; fail saying `what` did not happen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"{what} did not happen within {WAIT_SECONDS} s")
        await asyncio.sleep(0.05)


def test_a_limit_counts_one_key_across_gateways(make_gateway: MakeGateway) -> None:
    async def scenario() -> None:
        a, b = make_gateway(), make_gateway()
        rule = Rule(3, 60.0)
        on_a, on_b = a.limiter("messages_per_client", rule), b.limiter("messages_per_client", rule)
        assert [await on_a.hit("10.0.0.1"), await on_b.hit("10.0.0.1"), await on_a.hit("10.0.0.1")] == [
            Verdict.ALLOWED
        ] * 3
        assert await on_b.hit("10.0.0.1") is Verdict.REFUSED_FIRST  # the fourth, on the other gateway
        assert await on_a.hit("10.0.0.1") is Verdict.REFUSED  # the first refusal was already reported
        assert await on_b.hit("10.0.0.2") is Verdict.ALLOWED  # another client has its own count
        other = a.limiter("handoffs_per_client", rule)
        assert await other.hit("10.0.0.1") is Verdict.ALLOWED  # another limit has its own count too
        await closed(a, b)

    asyncio.run(scenario())


def test_a_refused_burst_is_reported_once_and_the_window_slides(make_gateway: MakeGateway) -> None:
    async def scenario() -> None:
        a, b = make_gateway(), make_gateway()
        rule = Rule(2, 0.5)
        on_a, on_b = a.limiter("messages_per_conversation", rule), b.limiter("messages_per_conversation", rule)
        assert await on_a.hit("c1") is Verdict.ALLOWED
        assert await on_b.hit("c1") is Verdict.ALLOWED
        verdicts = [await (on_a if i % 2 else on_b).hit("c1") for i in range(4)]
        assert verdicts == [Verdict.REFUSED_FIRST, Verdict.REFUSED, Verdict.REFUSED, Verdict.REFUSED]
        await asyncio.sleep(0.6)  # both events left the window
        assert await on_a.hit("c1") is Verdict.ALLOWED
        assert await on_b.hit("c1") is Verdict.ALLOWED
        assert await on_a.hit("c1") is Verdict.REFUSED_FIRST  # a new burst is reported again
        await closed(a, b)

    asyncio.run(scenario())


def test_counted_events_without_asking_are_seen_by_every_gateway(make_gateway: MakeGateway) -> None:
    async def scenario() -> None:
        a, b = make_gateway(), make_gateway()
        rule = Rule(5, 60.0)
        failed_a, failed_b = a.limiter("failed_logins", rule), b.limiter("failed_logins", rule)
        await failed_a.add("203.0.113.9")
        await failed_b.add("203.0.113.9")
        await failed_a.add("203.0.113.9")
        assert await failed_b.events("203.0.113.9") == 3
        assert await failed_a.events("198.51.100.1") == 0
        await closed(a, b)

    asyncio.run(scenario())


def test_agents_online_counts_different_agents_on_every_gateway(make_gateway: MakeGateway) -> None:
    async def scenario() -> None:
        a, b = make_gateway(), make_gateway()
        await started(a, b)
        assert await a.count_agents() == 0
        await a.set_agents({1})
        await b.set_agents({1, 2})  # agent 1 has a console open on both gateways: counted once
        assert await a.count_agents() == 2
        assert a.agents_online() == 2  # the count just asked, without waiting
        await b.set_agents({2})
        assert await a.count_agents() == 2
        await b.set_agents(())
        assert await a.count_agents() == 1
        await closed(a, b)
        assert await make_gateway().count_agents() == 0  # a gateway that shuts down takes its agents with it

    asyncio.run(scenario())


def test_a_dead_gateways_agents_go_offline_after_the_ttl(make_gateway: MakeGateway) -> None:
    async def scenario() -> None:
        a, b = make_gateway(ttl=0.5, heartbeat=0.1), make_gateway(ttl=0.5, heartbeat=0.1)
        await started(a, b)
        await a.set_agents({1})
        await b.set_agents({7, 8})
        assert await a.count_agents() == 3
        await b.halt()  # type: ignore[attr-defined]  # killed with -9: it says nothing more

        async def only_a_left() -> bool:
            return await a.count_agents() == 1

        await eventually(only_a_left, "the dead gateway's agents going offline")
        await asyncio.sleep(1.0)  # twice the TTL: gateway a's heartbeat keeps its own agent online
        assert await a.count_agents() == 1
        await closed(a, b)

    asyncio.run(scenario())


def test_console_messages_reach_every_other_gateway(make_gateway: MakeGateway) -> None:
    async def scenario() -> None:
        a, b, c = make_gateway(), make_gateway(), make_gateway()
        heard: dict[str, list[ConsoleMessage]] = {"a": [], "b": [], "c": []}
        for name, gateway in (("a", a), ("b", b), ("c", c)):

            async def receive(message: ConsoleMessage, name: str = name) -> None:
                heard[name].append(message)

            gateway.receive_with(receive)
        await started(a, b, c)
        await a.publish(event_message({"type": "queue_changed"}))
        await b.publish(end_session_message("d1g3st"))

        async def all_heard() -> bool:
            return len(heard["b"]) == 1 and len(heard["c"]) == 2 and len(heard["a"]) == 1

        await eventually(all_heard, "every gateway hearing the others' messages")
        assert heard["b"] == [event_message({"type": "queue_changed"})]  # not its own
        assert heard["a"] == [end_session_message("d1g3st")]
        assert heard["c"] == [event_message({"type": "queue_changed"}), end_session_message("d1g3st")]
        await closed(a, b, c)

    asyncio.run(scenario())
