"""The production profile for real: PostgreSQL, Redis, nginx, supervisord and 2 gateways, 2 Rasa
servers, 2 action servers, started in a temp dir on free ports as `make run-production` starts them.

Customers reach it through nginx only: the stock widget on a shop page in headless chromium
(long-polling first, then a websocket: nginx must keep the session on one gateway), and
socket.io clients on websocket-only and on polling-only transports. A gateway killed with
`kill -9` is restarted by supervisord and the chats go on.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import socketio
from playwright.sync_api import Browser
from sqlalchemy.engine import make_url

from harmony.kb.handoff import handoff_text
from harmony.launcher.production import Production
from tests.browser_fixtures import browser  # noqa: F401
from tests.e2e.gateway_client import Agent, Widget, create_agent
from tests.e2e.widget_page import expect_bot, open_widget, send, watched_page
from tests.production.profile import started_production

pytestmark = pytest.mark.e2e

REPLY_TIMEOUT = 60.0
QUIET_SECONDS = 2.0  # no further message for this long: the bot's answer is complete
ORDER = ("HM-100106 lucas.moreau@example.fr", "Colissimo")


@pytest.fixture(scope="module")
def production() -> Iterator[Production]:
    with started_production("harmony-production-") as started:
        yield started


def _public(production: Production) -> str:
    """nginx by the address the allowed origins and the browser's route filter both name."""
    return production.public_url.replace("localhost", "127.0.0.1")


async def _conversation(url: str, transports: list[str], messages: list[str]) -> list[str]:
    """A widget-like socket.io conversation through nginx: each message, then the bot's first answer to it."""
    client = socketio.AsyncClient(reconnection=False)
    received: asyncio.Queue[str] = asyncio.Queue()
    confirmed: asyncio.Queue[str] = asyncio.Queue()
    client.on("bot_uttered", lambda message: received.put_nowait(str(message.get("text"))))
    client.on("session_confirm", lambda session_id: confirmed.put_nowait(session_id))
    await client.connect(f"{url}?shop=fr&lang=fr", headers={"Origin": url}, transports=transports)
    try:
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed.get(), REPLY_TIMEOUT)
        answers = []
        for text in messages:
            data = {"shop": "fr", "language": "fr"}
            await client.emit("user_uttered", {"message": text, "session_id": session_id, "customData": data})
            answer = [await asyncio.wait_for(received.get(), REPLY_TIMEOUT)]
            while True:  # the rest of a multi-message answer
                try:
                    answer.append(await asyncio.wait_for(received.get(), QUIET_SECONDS))
                except asyncio.TimeoutError:
                    break
            answers.append("\n".join(answer))
        assert client.transport() == transports[-1]
        return answers
    finally:
        await client.disconnect()


def _chats(production: Production, transports: list[str], count: int) -> list[list[str]]:
    """`count` customers at once, each asking about shipping and then about their order."""
    messages = ["c'est combien la livraison ?", "où est ma commande ?", ORDER[0]]

    async def all_of_them() -> list[list[str]]:
        url = _public(production)
        return await asyncio.gather(*(_conversation(url, transports, messages) for _ in range(count)))

    # in a thread of its own: Playwright's sync API (the browser test) holds this thread's event loop
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, all_of_them()).result()


def _assert_answered(conversations: list[list[str]]) -> None:
    for answers in conversations:
        assert "99 €" in answers[0], answers
        assert ORDER[1] in answers[2], answers


def test_a_customer_chats_on_a_shop_page_through_nginx(production: Production, browser: Browser) -> None:  # noqa: F811
    """The stock widget polls first and then upgrades: both must reach the gateway that holds its session."""
    context = browser.new_context()
    try:
        page = watched_page(context)
        page.goto(f"{_public(production)}/shop/fr")
        open_widget(page)
        expect_bot(page, "Bonjour")
        send(page, "c'est combien la livraison ?")
        expect_bot(page, "99 €")
        send(page, "où est ma commande ?")
        page.wait_for_timeout(2000)
        send(page, ORDER[0])
        expect_bot(page, ORDER[1])
    finally:
        context.close()


@pytest.mark.parametrize("transports", [["websocket"], ["polling"]], ids=["websocket-only", "polling-only"])
def test_several_customers_chat_through_nginx_on_either_transport(
    production: Production, transports: list[str]
) -> None:
    _assert_answered(_chats(production, transports, count=4))


def _monitor_redis(port: int, seconds: float, during: object) -> str:
    """What Redis executed while `during()` ran (its MONITOR output)."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds + 30) as monitor:
        monitor.sendall(b"MONITOR\r\n")
        assert monitor.recv(16).startswith(b"+OK")
        monitor.settimeout(0.5)
        during()  # type: ignore[operator]
        seen, deadline = b"", time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                seen += monitor.recv(65536)
            except TimeoutError:
                continue
        return seen.decode("utf-8", errors="replace")


def test_rasa_keeps_conversations_in_postgresql_and_locks_them_in_redis(production: Production) -> None:
    commands = _monitor_redis(
        int(make_url(production.redis_url).port or 0), 3.0, lambda: _chats(production, ["websocket"], 1)
    )
    assert '"harmony:lock:' in commands  # RedisLockStore's key for the conversation, our prefix
    tracker = make_url(production.tracker_store_url)
    with psycopg.connect(
        host=tracker.host, port=tracker.port, user=tracker.username, password=tracker.password, dbname=tracker.database
    ) as connection:
        row = connection.execute("SELECT count(DISTINCT sender_id), count(*) FROM events").fetchone()
    assert row is not None and row[0] >= 1 and row[1] > 10


def _rasa_servers_of_each_turn(production: Production, conversations: int) -> list[set[str]]:
    """Conversations one after the other through nginx; for each, the Rasa servers that answered its
    messages (from nginx's access log: the path and the upstream, never the conversation)."""
    access_log = production.logs / "nginx-access.log"
    servers = []
    for _ in range(conversations):
        before = len(access_log.read_text().splitlines())
        _chats(production, ["websocket"], 1)
        lines = access_log.read_text().splitlines()[before:]
        servers.append({line.rsplit(" ", 1)[1] for line in lines if '"POST /webhooks/rest/webhook"' in line})
    return servers


def test_each_conversation_is_answered_by_one_rasa_server_and_conversations_are_spread(
    production: Production,
) -> None:
    """nginx hashes the conversation named in the gateway's URL: the server that answered a turn
    holds the conversation in its tracker cache for the next one. Twelve conversations all on one
    server by chance: once in 2,048 runs."""
    servers = _rasa_servers_of_each_turn(production, 12)
    assert all(len(answered_by) == 1 for answered_by in servers), servers
    assert len(set.union(*servers)) == 2, servers


def test_a_gateway_killed_with_sigkill_is_restarted_and_chats_go_on(production: Production) -> None:
    killed = production.kill("gateway-1")
    took = production.wait_healthy(timeout=120)
    assert production.pid("gateway-1") not in (0, killed)
    print(f"gateway-1 killed (pid {killed}); everything healthy again {took:.1f} s later")
    _assert_answered(_chats(production, ["websocket"], count=4))
    _assert_answered(_chats(production, ["polling"], count=4))


def test_an_agent_answers_a_customer_through_nginx_whichever_gateways_serve_them(production: Production) -> None:
    """The console's calls are balanced over both gateways and the widget sits on one of them: the
    hand-off, the agent's words and the hand-back reach the other side through the shared state."""
    create_agent(production.settings, "nadia", "Nadia", "correct horse battery staple")
    url = _public(production)

    async def scenario() -> None:
        widget = Widget(url, "fr", "fr")
        session_id = await widget.open(origin=url)
        await widget.say("je voudrais parler à un conseiller")
        await widget.next_text()  # the queue notice (its wording depends on the hour and who is online)
        agent = Agent(url)
        assert agent.login("nadia", "correct horse battery staple") == "Nadia"
        waiting = [row["id"] for row in agent.call("GET", "/api/agent/queue")[1]["waiting"]]
        assert session_id in waiting
        assert agent.call("POST", f"/api/agent/conversations/{session_id}/take", {})[0] == 200
        assert await widget.next_text() == handoff_text("agent_joined", "fr", agent="Nadia")
        reply = {"text": "Bonjour, je regarde votre commande."}
        assert agent.call("POST", f"/api/agent/conversations/{session_id}/messages", reply)[0] == 200
        assert await widget.next_text() == "Nadia: Bonjour, je regarde votre commande."
        assert agent.call("POST", f"/api/agent/conversations/{session_id}/hand-back", {})[0] == 200
        assert await widget.next_text() == handoff_text("handed_back", "fr")
        await widget.say("c'est combien la livraison ?")
        assert "99 €" in await widget.next_text()
        await widget.close()

    with ThreadPoolExecutor(max_workers=1) as thread:  # Playwright's sync API holds this thread's loop
        thread.submit(asyncio.run, scenario()).result()
