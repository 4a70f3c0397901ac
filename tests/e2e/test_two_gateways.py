"""Two gateway processes on one Redis and one database, as the production profile runs them.

Gateway A is the stack's; gateway B is a second process of the same product on another port.
A customer on A is served by an agent whose console is on B; the per-client message limit
counts what one client sends through both; A knows of an agent who is only on B.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace

import aiohttp
import pytest
from redis.asyncio import Redis

from harmony.kb.faq import load_faq
from harmony.kb.handoff import handoff_text
from harmony.launcher.stack import GATEWAY_START_TIMEOUT, gateway
from harmony.settings import Settings
from tests.e2e.conftest import E2E_RATE_LIMITS, _running
from tests.e2e.gateway_client import REPLY_TIMEOUT, Agent, Widget, create_agent
from tests.ports import free_port
from tests.redis_server import RedisServer, running_redis

pytestmark = pytest.mark.e2e
MESSAGES_PER_CLIENT = 5  # a minute, per client address, counted across the gateways
CUSTOMER = "203.0.113.7"  # the client address a trusted proxy (the test) forwards


@dataclass(frozen=True)
class TwoGateways:
    a: Settings
    b: Settings
    redis: RedisServer


@pytest.fixture(scope="module")
def two_gateways(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoGateways]:
    with running_redis(tmp_path_factory.mktemp("redis")) as redis, pytest.MonkeyPatch.context() as env:
        # The launcher gives its services this process's environment plus the settings it knows.
        env.setenv("HARMONY_REDIS_URL", redis.url)
        env.setenv("HARMONY_TRUSTED_PROXY", "127.0.0.1")
        limits = E2E_RATE_LIMITS.replace(
            "messages_per_client=10000/60", f"messages_per_client={MESSAGES_PER_CLIENT}/60"
        )
        for a in _running(tmp_path_factory, {"HARMONY_REDIS_URL": redis.url, "HARMONY_RATE_LIMITS": limits}):
            b = replace(a, gateway_port=free_port())
            second = gateway(b, a.var_dir / "logs" / "gateway-b.log")
            try:
                second.start()
                second.wait_ready(GATEWAY_START_TIMEOUT)
                yield TwoGateways(a, b, redis)
            finally:
                second.stop()


async def _until(widget: Widget, expected: str) -> list[str]:
    """The texts the widget receives up to `expected` (which must come within the reply timeout)."""
    seen: list[str] = []

    async def read() -> None:
        while not seen or seen[-1] != expected:
            seen.append(await widget.next_text())

    try:
        await asyncio.wait_for(read(), REPLY_TIMEOUT)
    except asyncio.TimeoutError:
        raise AssertionError(f"the widget never received {expected!r}; it received {seen}") from None
    return seen


async def _within(widget: Widget, seconds: float) -> list[str]:
    """Every text the widget receives in the next `seconds`."""
    texts: list[str] = []
    with contextlib.suppress(asyncio.TimeoutError):
        while True:
            texts.append(await asyncio.wait_for(widget.next_text(), seconds))
    return texts


async def _live_event(live: aiohttp.ClientWebSocketResponse[bool], expected: dict[str, str]) -> None:
    async def read() -> None:
        while json.loads(await live.receive_str()) != expected:
            pass

    try:
        await asyncio.wait_for(read(), REPLY_TIMEOUT)
    except asyncio.TimeoutError:
        raise AssertionError(f"the console never received {expected}") from None


def _logged_in_on_b(two: TwoGateways, username: str) -> tuple[Agent, Agent]:
    """The agent logged in on gateway B, and the same login session asking gateway A."""
    agent = Agent(two.b.gateway_url)
    agent.login(username, "correct horse battery")
    on_a = Agent(two.a.gateway_url)
    on_a.cookie, on_a.csrf = agent.cookie, agent.csrf
    return agent, on_a


@contextlib.asynccontextmanager
async def _console(gateway: Settings, agent: Agent) -> AsyncIterator[aiohttp.ClientWebSocketResponse[bool]]:
    """The agent's console open on `gateway`: its live socket (which also says the agent is online)."""
    async with (
        aiohttp.ClientSession(headers={"Cookie": agent.cookie}) as http,
        http.ws_connect(gateway.gateway_url + "/api/agent/live") as live,
    ):
        yield live


def test_an_agent_on_gateway_b_serves_a_customer_on_gateway_a(two_gateways: TwoGateways) -> None:
    a, b = two_gateways.a, two_gateways.b
    create_agent(a, "lea", "Léa", "correct horse battery")

    async def scenario() -> None:
        agent, on_a = _logged_in_on_b(two_gateways, "lea")
        assert on_a.call("GET", "/api/agent/queue")[1]["agents_online"] == 0
        async with _console(b, agent) as live:
            # Léa's console is open on B only: gateway A counts her.
            assert on_a.call("GET", "/api/agent/queue")[1]["agents_online"] == 1

            widget = Widget(a.gateway_url, "fr", "fr")
            session_id = await widget.open()
            await widget.say("je voudrais parler à un conseiller")
            # Not "no agent online": A's hand-off notice knows of the agent on B.
            await _until(widget, handoff_text("queued", "fr", position="1"))
            await _live_event(live, {"type": "queue_changed"})  # A's queue event, on B's console

            assert agent.call("POST", f"/api/agent/conversations/{session_id}/take", {})[0] == 200
            await _until(widget, handoff_text("agent_joined", "fr", agent="Léa"))
            reply = {"text": "Bonjour, je suis là."}
            assert agent.call("POST", f"/api/agent/conversations/{session_id}/messages", reply)[0] == 200
            await _until(widget, "Léa: Bonjour, je suis là.")  # sent on B, delivered by A

            await widget.say("merci, c'est pour une facture")
            await _live_event(live, {"type": "customer_message", "conversation_id": session_id})
            await widget.close()
            # A reload on B: A delivered everything (and said so), nothing comes twice.
            reload = Widget(b.gateway_url, "fr", "fr")
            assert await reload.open(session_id) == session_id
            assert await _within(reload, 2.0) == []
            await reload.close()
            # A reply while the customer is away comes once, on the gateway they come back to.
            away = {"text": "Je vous envoie la facture."}
            assert agent.call("POST", f"/api/agent/conversations/{session_id}/messages", away)[0] == 200
            back = Widget(a.gateway_url, "fr", "fr")
            assert await back.open(session_id) == session_id
            assert await _within(back, 2.0) == ["Léa: Je vous envoie la facture."]
            await back.close()
        # The console on B is closed: A no longer counts Léa (B says so at once, the TTL is the fallback).
        for _ in range(100):
            if on_a.call("GET", "/api/agent/queue")[1]["agents_online"] == 0:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("gateway A still counts the agent whose console on B was closed")

    asyncio.run(scenario())


def test_the_message_limit_counts_one_client_on_both_gateways(two_gateways: TwoGateways) -> None:
    a, b = two_gateways.a, two_gateways.b
    too_fast = handoff_text("too_fast", "fr")

    async def scenario() -> None:
        proxy = {"X-Forwarded-For": CUSTOMER}
        on_a, on_b = Widget(a.gateway_url, "fr", "fr", headers=proxy), Widget(b.gateway_url, "fr", "fr", headers=proxy)
        await on_a.open()
        await on_b.open()
        question = "quels sont les délais de livraison ?"
        answer = load_faq()["delivery_time"].parts("fr", "fr")[0]
        for widget in (on_a, on_b, on_a, on_b, on_a):  # the client's budget, spent through both gateways
            await widget.say(question)
            assert too_fast not in await _until(widget, answer)
        await on_b.say(question)  # one more: B alone has seen only 2 of this client's messages
        assert answer not in await _until(on_b, too_fast)
        while not on_a.received.empty():  # what gateway A still delivered: no refusal there
            assert (await on_a.next_text()) != too_fast
        await on_a.close()
        await on_b.close()

    asyncio.run(scenario())


def _subscribers(redis: RedisServer) -> dict[str, int]:
    """How many gateways listen on each of our channels (socket.io rooms, console messages)."""

    async def ask() -> dict[str, int]:
        client = Redis.from_url(redis.url, decode_responses=True)
        try:
            return {str(k): int(v) for k, v in (await client.pubsub_numsub("harmony:socketio", "harmony:console"))}
        finally:
            await client.aclose()

    return asyncio.run(ask())


def test_both_gateways_serve_through_a_redis_restart(two_gateways: TwoGateways) -> None:
    a, b, redis = two_gateways.a, two_gateways.b, two_gateways.redis
    create_agent(a, "ion", "Ion", "correct horse battery")
    question = "quels sont les délais de livraison ?"
    answer = load_faq()["delivery_time"].parts("fr", "fr")[0]
    for url in (a.gateway_url, b.gateway_url):  # both have had a widget: both listen for socket.io rooms
        asyncio.run(_one_answer(Widget(url, "fr", "fr"), question, answer))
    listening = _subscribers(redis)
    assert listening == {"harmony:socketio": 2, "harmony:console": 2}

    redis.stop()
    for url in (a.gateway_url, b.gateway_url):  # no gateway crashed; customers still get their answers
        asyncio.run(_one_answer(Widget(url, "fr", "fr", headers={"X-Forwarded-For": "198.51.100.4"}), question, answer))
    redis.start()
    for _ in range(300):  # socket.io's manager and our subscription come back by themselves
        if _subscribers(redis) == listening:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the gateways did not resubscribe after Redis restarted: {_subscribers(redis)}")

    async def served_across_gateways() -> None:
        agent, on_a = _logged_in_on_b(two_gateways, "ion")
        async with _console(b, agent) as live:
            # B's heartbeat said Ion is online again (A's hand-off notice reads A's last count, at most 1 s old)
            assert on_a.call("GET", "/api/agent/queue")[1]["agents_online"] == 1
            widget = Widget(a.gateway_url, "fr", "fr")
            session_id = await widget.open()
            await widget.say("je voudrais parler à un conseiller")
            assert handoff_text("no_agent_online", "fr") not in await _until(
                widget, handoff_text("queued", "fr", position="1")
            )
            await _live_event(live, {"type": "queue_changed"})
            assert agent.call("POST", f"/api/agent/conversations/{session_id}/take", {})[0] == 200
            await _until(widget, handoff_text("agent_joined", "fr", agent="Ion"))
            await widget.close()

    asyncio.run(served_across_gateways())


async def _one_answer(widget: Widget, question: str, answer: str) -> None:
    await widget.open()
    await widget.say(question)
    await _until(widget, answer)
    await widget.close()
