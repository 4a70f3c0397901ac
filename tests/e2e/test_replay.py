"""A widget that was disconnected gets the replies it missed when it connects again, each once.

The gateway notes a message as delivered after emitting it; a gateway killed in between (or a
socket that dies as the message goes out) leaves that note wrong. The widget's own cursor (the
last stored message id it showed, kept by our shop pages' script) decides instead: these tests
put the gateway's note in the state such a kill leaves it in (`_delivery_noted_up_to`).

(A bot reply made while the widget was away: tests/e2e/test_dependency_failures.py, which can pause Rasa.)"""

import asyncio
import time
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocketRoute
from sqlalchemy import update

from harmony.db.engine import make_engine
from harmony.gateway.models import Conversation
from harmony.gateway.widget_messages import message_id_of
from harmony.kb.faq import load_faq
from harmony.kb.handoff import handoff_text
from harmony.settings import Settings
from tests.e2e.gateway_client import Agent, Widget, create_agent
from tests.e2e.widget_page import bot_messages, expect_bot, open_widget, page_url, send

pytestmark = pytest.mark.e2e
QUIET_SECONDS = 2.0  # how long a widget listens to be sure nothing more comes
SHIPPING_FR = "c'est quoi les frais de livraison ?"
DELAYS_FR = "quels sont les délais de livraison ?"


async def _messages_within(widget: Widget, seconds: float) -> list[dict[str, Any]]:
    """Every message the widget receives in the next `seconds`."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            messages.append(await asyncio.wait_for(widget.received.get(), left))
        except asyncio.TimeoutError:
            break
    return messages


def _delivery_noted_up_to(database_url: str, conversation_id: str, message_id: int) -> None:
    """Set the gateway's note of what reached the widget, as a gateway killed before noting leaves it."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Conversation).where(Conversation.id == conversation_id).values(delivered_id=message_id)
            )
    finally:
        engine.dispose()


async def _texts_within(widget: Widget, seconds: float) -> list[str]:
    """The texts of everything the widget receives in the next `seconds`."""
    return [str(message.get("text")) for message in await _messages_within(widget, seconds)]


def test_an_agent_reply_sent_while_the_widget_was_away_comes_when_it_reconnects(stack: Settings) -> None:
    create_agent(stack, "ioana", "Ioana", "correct horse battery staple")

    async def scenario() -> None:
        widget = Widget(stack.gateway_url, "ro", "ro")
        session_id = await widget.open()
        await widget.say("vreau să vorbesc cu un operator")
        assert await widget.next_text() == handoff_text("no_agent_online", "ro")
        agent = Agent(stack.gateway_url)
        agent.login("ioana", "correct horse battery staple")
        assert agent.call("POST", f"/api/agent/conversations/{session_id}/take", {})[0] == 200
        assert await widget.next_text() == handoff_text("agent_joined", "ro", agent="Ioana")
        await widget.close()
        assert (
            agent.call("POST", f"/api/agent/conversations/{session_id}/messages", {"text": "Revin imediat."})[0] == 200
        )
        assert agent.call("POST", f"/api/agent/conversations/{session_id}/hand-back", {})[0] == 200

        back = Widget(stack.gateway_url, "ro", "ro")
        assert await back.open(session_id) == session_id
        assert await _texts_within(back, QUIET_SECONDS) == ["Ioana: Revin imediat.", handoff_text("handed_back", "ro")]
        await back.close()

    asyncio.run(scenario())


def test_a_widget_that_says_what_it_showed_gets_exactly_what_came_after_whatever_the_gateway_noted(
    stack: Settings,
) -> None:
    async def scenario() -> None:
        widget = Widget(stack.gateway_url, "fr", "fr")
        conversation = await widget.open()
        received = []
        for text in ("bonjour", SHIPPING_FR):
            await widget.say(text)
            received += await _messages_within(widget, QUIET_SECONDS)
        await widget.close()
        ids = [message_id_of(message) or 0 for message in received]
        assert 0 not in ids and len(ids) >= 2 and ids == sorted(set(ids)), (
            received
        )  # every stored message carries its id, in order
        assert widget.seen == ids[-1]

        # The gateway died after sending everything, before noting any of it as delivered.
        _delivery_noted_up_to(stack.database_url, conversation, 0)
        back = Widget(stack.gateway_url, "fr", "fr")
        assert await back.open(conversation, seen=ids[-1]) == conversation
        assert await _texts_within(back, QUIET_SECONDS) == []  # it has them all: none twice
        await back.close()

        # The socket died as the first message went out: the gateway noted all, the widget showed one.
        _delivery_noted_up_to(stack.database_url, conversation, ids[-1])
        again = Widget(stack.gateway_url, "fr", "fr")
        assert await again.open(conversation, seen=ids[0]) == conversation
        assert await _messages_within(again, QUIET_SECONDS) == received[1:]  # the rest, once, none lost
        await again.close()

        # A widget that does not say (another client) gets what follows the gateway's note.
        _delivery_noted_up_to(stack.database_url, conversation, ids[-2])
        plain = Widget(stack.gateway_url, "fr", "fr")
        assert await plain.open(conversation) == conversation
        assert await _messages_within(plain, QUIET_SECONDS) == received[-1:]
        await plain.close()

    asyncio.run(scenario())


def test_the_shop_page_widget_shows_each_message_once_after_its_socket_drops_and_after_a_reload(
    stack: Settings, customer: Page
) -> None:
    sockets: list[WebSocketRoute] = []

    def through(route: WebSocketRoute) -> None:
        route.connect_to_server()
        sockets.append(route)

    customer.route_web_socket("**/socket.io/**", through)
    customer.goto(page_url(stack, "/shop/fr"))
    open_widget(customer)
    shipping, delays = (load_faq()[key].parts("fr", "fr")[0] for key in ("shipping_cost", "delivery_time"))
    send(customer, SHIPPING_FR)
    expect_bot(customer, shipping[:60])
    customer.wait_for_timeout(QUIET_SECONDS * 1000)
    shown = bot_messages(customer)
    cursor = customer.evaluate("JSON.parse(localStorage.getItem('harmony_seen:fr'))")
    assert isinstance(cursor["seen"], int), cursor

    # The gateway noted nothing as delivered (killed after sending); the socket drops and reconnects.
    _delivery_noted_up_to(stack.database_url, cursor["session"], 0)
    assert sockets, "the widget did not use a websocket"
    for socket in list(sockets):
        socket.close()
    send(customer, DELAYS_FR)  # sent once the widget has reconnected
    expect_bot(customer, delays[:60])
    customer.wait_for_timeout(QUIET_SECONDS * 1000)
    after_drop = bot_messages(customer)
    assert len(sockets) > 1, "the socket did not reconnect"
    assert after_drop[: len(shown)] == shown and len(after_drop) == len(set(after_drop)), after_drop

    _delivery_noted_up_to(stack.database_url, cursor["session"], 0)
    customer.reload()
    open_widget(customer)
    customer.wait_for_timeout(QUIET_SECONDS * 1000)
    assert bot_messages(customer) == after_drop  # the stored history, nothing replayed twice
