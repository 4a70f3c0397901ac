"""The gateway with the real Rasa server and action server: widget protocol, handoff, console API."""

import asyncio
import json

import aiohttp
import pytest
import socketio

from harmony.bench.widget_load import run_widget_load
from harmony.kb.faq import load_faq
from harmony.kb.handoff import handoff_text
from harmony.settings import Settings
from tests.e2e.gateway_client import REPLY_TIMEOUT, Agent, Widget, create_agent

pytestmark = pytest.mark.e2e


def test_faq_over_the_widget_protocol_and_the_session_survives_a_reconnect(stack: Settings) -> None:
    async def scenario() -> None:
        widget = Widget(stack.gateway_url, "fr", "fr")
        session_id = await widget.open()
        await widget.say("c'est quoi les frais de livraison ?")
        assert await widget.next_text() == load_faq()["shipping_cost"].parts("fr", "fr")[0]
        await widget.close()
        again = Widget(stack.gateway_url, "fr", "fr")
        assert await again.open(session_id) == session_id  # a page reload keeps the conversation
        await again.close()
        stranger = Widget(stack.gateway_url, "fr", "fr")
        assert await stranger.open("f" * 32) != "f" * 32  # an id we never issued is not accepted
        await stranger.close()

    asyncio.run(scenario())


def test_a_page_that_says_its_shop_only_in_custom_data_gets_that_shop_from_its_first_message(
    stack: Settings,
) -> None:
    """The stock widget sends the page's customData with every message, not with session_request."""

    async def scenario() -> None:
        widget = Widget(stack.gateway_url, "ro", "ro", in_address=False)
        await widget.open()
        await widget.say("x" * 2001)
        assert await widget.next_text() == handoff_text("too_long", "ro")
        await widget.say("cât costă livrarea?")
        assert "200 lei" in await widget.next_text()
        await widget.close()

    asyncio.run(scenario())


def test_a_conversation_belongs_to_the_shop_whose_page_opened_it(stack: Settings) -> None:
    async def scenario() -> None:
        on_fr = Widget(stack.gateway_url, "fr", "fr")
        fr_conversation = await on_fr.open()
        await on_fr.close()
        on_ro = Widget(stack.gateway_url, "ro", "en")  # same browser storage, the Romanian shop's page
        ro_conversation = await on_ro.open(fr_conversation)
        assert ro_conversation != fr_conversation
        await on_ro.say("how much is shipping?")
        answer = await on_ro.next_text()
        assert "200 lei" in answer and "99" not in answer
        await on_ro.close()
        back_on_fr = Widget(stack.gateway_url, "fr", "fr")
        assert await back_on_fr.open(fr_conversation) == fr_conversation
        await back_on_fr.close()

    asyncio.run(scenario())


def test_a_page_of_another_origin_cannot_open_the_socket(stack: Settings) -> None:
    async def scenario() -> None:
        with pytest.raises(socketio.exceptions.ConnectionError):
            await Widget(stack.gateway_url, "fr", "fr").open(origin="https://evil.example")

    asyncio.run(scenario())


def test_the_console_api_refuses_a_visitor(stack: Settings) -> None:
    visitor = Agent(stack.gateway_url)
    for method, path in [
        ("GET", "/api/agent/queue"),
        ("GET", "/api/agent/me"),
        ("POST", "/api/agent/conversations/abc/take"),
        ("POST", "/api/agent/conversations/abc/messages"),
    ]:
        status, body = visitor.call(method, path, {} if method == "POST" else None)
        assert (status, body) == (401, {"error": "Log in first."})
    status, body = visitor.call("POST", "/api/agent/login", {"username": "nobody", "password": "wrong password"})
    assert status == 401


def test_handoff_agent_reply_and_back_to_the_bot(stack: Settings) -> None:
    create_agent(stack, "marie", "Marie", "correct horse battery")

    async def scenario() -> None:
        widget = Widget(stack.gateway_url, "fr", "fr")
        session_id = await widget.open()
        await widget.say("je voudrais parler à un conseiller")
        # the stack's clock is inside the fr agents' hours and no agent has the console open yet
        assert await widget.next_text() == handoff_text("no_agent_online", "fr")

        agent = Agent(stack.gateway_url)
        assert agent.login("marie", "correct horse battery") == "Marie"
        _, queue = agent.call("GET", "/api/agent/queue")
        row = next(r for r in queue["waiting"] if r["id"] == session_id)
        assert (row["language"], row["shop"], row["reason"]) == ("fr", "fr", "customer_request")
        assert row["summary"]["verification"] == "not verified"

        assert agent.call("POST", f"/api/agent/conversations/{session_id}/take", {})[0] == 200
        assert await widget.next_text() == handoff_text("agent_joined", "fr", agent="Marie")
        assert (
            agent.call("POST", f"/api/agent/conversations/{session_id}/messages", {"text": "Bonjour, je suis là."})[0]
            == 200
        )
        assert await widget.next_text() == "Marie: Bonjour, je suis là."
        # The console's live feed tells the agents when the gateway passes them a customer's message
        # instead of asking the bot; once it has, no bot reply to that message can come.
        headers = {"Cookie": agent.cookie}
        async with (
            aiohttp.ClientSession(headers=headers) as http,
            http.ws_connect(stack.gateway_url + "/api/agent/live") as live,
        ):
            await widget.say("merci, ma question porte sur une facture")

            async def passed_to_the_agents() -> None:
                while True:
                    event = json.loads(await live.receive_str())
                    if event == {"type": "customer_message", "conversation_id": session_id}:
                        return

            try:
                await asyncio.wait_for(passed_to_the_agents(), REPLY_TIMEOUT)
            except asyncio.TimeoutError:
                raise AssertionError(
                    f"the agents were not told of the customer's message in {REPLY_TIMEOUT} s"
                ) from None
        assert widget.received.empty()  # the bot stays silent while the agent owns the conversation
        _, conversation = agent.call("GET", f"/api/agent/conversations/{session_id}")
        assert conversation["messages"][-1]["text"] == "merci, ma question porte sur une facture"

        assert agent.call("POST", f"/api/agent/conversations/{session_id}/hand-back", {})[0] == 200
        assert await widget.next_text() == handoff_text("handed_back", "fr")
        await widget.say("quels sont les délais de livraison ?")
        assert await widget.next_text() == load_faq()["delivery_time"].parts("fr", "fr")[0]
        await widget.close()

    asyncio.run(scenario())


def test_the_benchmark_widget_load_runs_through_the_gateway(stack: Settings) -> None:
    url = stack.gateway_url.replace("localhost", "127.0.0.1")
    result = run_widget_load(url, concurrency=2, total_requests=8, max_seconds=120, origin=url)
    assert (result.requests, result.errors) == (8, 0)
    assert all(latency > 0 for latency in result.latencies_ms)
