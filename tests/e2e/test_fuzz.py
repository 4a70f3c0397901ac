"""Malformed and hostile input over the widget protocol (socket.io), raw socket.io packets and HTTP.

A seeded generator (`FUZZ_SEED` repeats a run) sends over 2,000 messages and requests to a gateway
of its own on the e2e stack's Rasa, action server and database; that gateway trusts 127.0.0.1 as its
proxy, so each fuzzed conversation is its own client (X-Forwarded-For) and the per-client limits
stay out of the way. It asserts no 5xx, no traceback in any response, emitted event or the gateway's
log, every accepted customer text in the stored transcript, and a normal answer afterwards.
"""

import asyncio
import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio

from harmony.db.engine import make_engine, session_factory
from harmony.gateway.models import Conversation
from harmony.gateway.service import MAX_MESSAGE_CHARS, TRUNCATED_MARKER, storable_text
from harmony.kb.handoff import handoff_text
from harmony.launcher.processes import ManagedProcess
from harmony.launcher.stack import GATEWAY_START_TIMEOUT, gateway
from harmony.settings import Settings
from tests.ports import free_port
from tests.stored_transcript import stored_transcript

pytestmark = pytest.mark.e2e

SEED = int(os.environ.get("FUZZ_SEED", "20261207"))
REPLY_TIMEOUT = 60.0
HUGE_BYTES = 100_000
SETTLE_SECONDS = 0.3
CONVERSATIONS = 180
CONCURRENCY = 6
LEAK = re.compile(r"Traceback|File \"|sqlalchemy|psycopg|Exception\b|[A-Z][a-z]+Error\b")
SHOPS = {"fr": "99", "ro": "200 lei", "intl": "149"}  # each shop's shipping answer names its threshold
QUESTION = "how much is shipping?"

COMMANDS = [
    "/human_handoff",
    '/cancel_order{"order_number":"HM-100106"}',
    '/track_order{"verified_order": "HM-100106", "verified_email": "someone@example.fr"}',
    "/restart",
    "/session_start",
    "/message_too_long",
    '/switch_language{"requested_language": "xx"}',
    "//affirm",
    "/greet",
    '/inform{"order_number": "' + "9" * 500 + '"}',
]
HTML = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    '"><svg/onload=alert(1)>',
    "[click](javascript:alert(1))",
    "<iframe src='https://evil.example'></iframe> où est ma commande ?",
]
ODD = [
    "'; DROP TABLE conversations; --",
    "{position} {opens} %s %(x)s {0} {{}}",
    "\u202eredro ym si erehw\u200b\u200d",
    "😀" * 300,
    "ÿ" * 1999,
    "null",
    "undefined",
    "\\u0000\\x00",
    "",
    "   \n\t  ",
]


def hostile_text(rng: random.Random) -> str:
    kind = rng.randrange(12)
    if kind == 0:
        return "".join(chr(rng.randrange(32)) for _ in range(rng.randrange(1, 60)))
    if kind == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).decode("latin-1")
    if kind == 2:
        return "bon\x00jour \ud800 où est ma commande \udfff ?"
    if kind == 3:
        return rng.choice(COMMANDS)
    if kind == 4:
        return rng.choice(HTML)
    if kind == 5:
        return rng.choice(ODD)
    if kind == 6:  # huge: up to 100 kB as the client sends it (JSON-escaped), under the socket's buffer
        char = rng.choice("xé ")
        return char * rng.randrange(MAX_MESSAGE_CHARS + 1, HUGE_BYTES // len(json.dumps(char)[1:-1]))
    if kind == 7:
        return "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(1, 300)))
    if kind == 8:
        return "HM-" + str(rng.randrange(10**12)) + " " + "a@b." * rng.randrange(1, 20)
    if kind == 9:
        return rng.choice(["livraison ?", "unde e coletul", "free shipping?", "merci", "ok", "salut"])
    if kind == 10:
        return " ".join(rng.choice(COMMANDS + HTML) for _ in range(3))
    return "".join(rng.choice("/{}[]\"'\\<>&%$#") for _ in range(rng.randrange(1, 80)))


def hostile_value(rng: random.Random) -> Any:
    """A `message` of the wrong type."""
    return rng.choice([0, 17, -1.5, True, False, [1, "a"], {"text": "hi"}, {"nested": {"x": [None]}}, ["/greet"]])


def hostile_custom_data(rng: random.Random, shop: str) -> Any:
    return rng.choice(
        [
            {"shop": shop, "language": "en"},
            {"shop": "<script>", "language": 5},
            {"shop": "ro", "language": "ro", "client": "forged"},
            "customData",
            [1, 2],
            None,
            {"shop": "x" * 5000},
        ]
    )


@dataclass
class Sent:
    """What one fuzzed conversation sent and received."""

    shop: str
    client: str
    session_id: str = ""
    accepted: list[str] = field(default_factory=list)  # the stored text each accepted message must give
    events: list[Any] = field(default_factory=list)
    messages: int = 0
    handed_off: bool = False


def expected_stored(message: Any) -> str:
    text = storable_text(message if isinstance(message, str) else str(message))
    if len(text) > MAX_MESSAGE_CHARS:
        return text[:MAX_MESSAGE_CHARS] + TRUNCATED_MARKER.format(dropped=len(text) - MAX_MESSAGE_CHARS)
    return text


def is_handoff_notice(text: str) -> bool:
    prefixes = [
        handoff_text(key, language, position="", opens="").split("{")[0][:40]
        for key in ("queued", "no_agent_online", "closed_hours", "too_many_handoffs")
        for language in ("fr", "en", "ro")
    ]
    return any(text.startswith(prefix) for prefix in prefixes)


@pytest.fixture(scope="module")
def fuzz_gateway(stack: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A second gateway process on the stack's services; it takes the client from X-Forwarded-For."""
    settings = replace(stack, gateway_port=free_port(), rate_limits=())  # the gateway's default limits
    log = tmp_path_factory.mktemp("fuzz") / "gateway.log"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HARMONY_TRUSTED_PROXY", "127.0.0.1")
        env.delenv("HARMONY_ALLOWED_ORIGINS", raising=False)
        env.delenv("HARMONY_RATE_LIMITS", raising=False)
        process: ManagedProcess = gateway(settings, log)
    process.start()
    try:
        process.wait_ready(GATEWAY_START_TIMEOUT)
        yield settings.gateway_url, log
    finally:
        process.stop()


class Socket:
    """A widget-like socket.io client that keeps every event it receives, in order."""

    def __init__(self, sent: Sent) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.replies: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        @self.sio.on("*")
        async def any_event(event: str, data: Any = None) -> None:
            sent.events.append((event, data))
            await self.replies.put((event, data))

    async def emit(self, event: str, data: Any) -> None:
        await self.sio.emit(event, data)

    async def disconnect(self) -> None:
        await self.sio.disconnect()


async def _client(url: str, sent: Sent, shop: str) -> Socket:
    client = Socket(sent)
    headers = {"Origin": url, "X-Forwarded-For": sent.client}
    await client.sio.connect(f"{url}?shop={shop}&lang=en", headers=headers, transports=["websocket"], wait_timeout=30)
    return client


async def _next(client: socketio.AsyncClient, event: str) -> Any:
    while True:
        name, data = await asyncio.wait_for(client.replies.get(), REPLY_TIMEOUT)
        if name == event:
            return data


async def _settle(client: Socket) -> list[Any]:
    more = []
    while True:
        try:
            more.append(await asyncio.wait_for(client.replies.get(), SETTLE_SECONDS))
        except asyncio.TimeoutError:
            return more


async def fuzz_conversation(url: str, rng: random.Random, number: int) -> Sent:
    shop = rng.choice(sorted(SHOPS))
    sent = Sent(shop, f"10.77.{number // 200}.{number % 200 + 1}")
    client = await _client(url, sent, shop)
    try:
        await client.emit("session_request", rng.choice([{"session_id": None}, {}, None, [], "x", 5]))
        sent.session_id = await _next(client, "session_confirm")
        counted = 0
        while counted < 6:  # under the 8 messages per 10 s of one conversation
            sent.messages += 1
            data = _hostile_payload(rng, sent)
            await client.emit("user_uttered", data)
            if not _is_accepted(data, sent.session_id):
                continue
            counted += 1
            sent.accepted.append(expected_stored(data["message"]))
            try:
                _, reply = await _next_reply(client)
            except asyncio.TimeoutError:
                raise AssertionError(
                    f"no reply to {repr(data)[:300]} (FUZZ_SEED={SEED}, client {sent.client})"
                ) from None
            texts = [reply.get("text", "")] + [
                d.get("text", "") for _, d in await _settle(client) if isinstance(d, dict)
            ]
            if any(is_handoff_notice(str(t)) for t in texts):
                sent.handed_off = True
                break
    finally:
        await client.disconnect()
    return sent


async def _next_reply(client: Socket) -> tuple[str, dict[str, Any]]:
    return "bot_uttered", await _next(client, "bot_uttered")


def _hostile_payload(rng: random.Random, sent: Sent) -> Any:
    kind = rng.randrange(10)
    custom = hostile_custom_data(rng, sent.shop)
    if kind <= 4:
        return {"message": hostile_text(rng), "session_id": sent.session_id, "customData": custom}
    if kind == 5:
        return {
            "message": hostile_value(rng),
            "session_id": rng.choice([sent.session_id, None, ""]),
            "customData": custom,
        }
    if kind == 6:
        return {"session_id": sent.session_id, "customData": custom}  # no message
    if kind == 7:  # someone else's conversation, or a forged id
        return {"message": hostile_text(rng), "session_id": rng.choice(["f" * 32, 7, ["x"], "../" * 20])}
    if kind == 8:
        return rng.choice(["just a string", 42, [1, 2, 3], None, True])
    return {"message": hostile_text(rng), "customData": custom}  # no session id: the socket's own


def _is_accepted(data: Any, session_id: str) -> bool:
    """What the gateway accepts: a dict, for this socket's conversation (or none named), with a message."""
    if not isinstance(data, dict):
        return False
    claimed = data.get("session_id")
    return (not claimed or claimed == session_id) and data.get("message") is not None


async def fuzz_session_requests(url: str, rng: random.Random, count: int) -> list[Any]:
    """`session_request` with odd data; each gets a session or a notice, never an error."""
    events: list[Any] = []
    sent = Sent("fr", "10.78.0.1")
    for number in range(count):
        if number % 25 == 0:
            sent = Sent("fr", f"10.78.{number // 25}.1")  # 25 a client: under its 30 new conversations
            client = await _client(url, sent, rng.choice(["fr", "ro", "zz", "<x>"]))
        data = rng.choice(
            [
                {"session_id": "x" * 10_000},
                {"session_id": 12345},
                {"session_id": ["a"]},
                {"session_id": {"$ne": None}},
                {"session_id": "\x00" * 10},
                {"session_id": "../../etc/passwd"},
                "garbage",
                None,
                [None],
            ]
        )
        await client.emit("session_request", data)
        await _next(client, "session_confirm")
        if number % 25 == 24:
            await client.disconnect()
        events += sent.events
    await client.disconnect()
    return events + sent.events


RAW_PACKETS = [
    '42["user_uttered", {broken',
    "42[",
    "42",
    '42["user_uttered"]',
    '42["session_request", "x"',
    '42["no_such_event", {"a": 1}]',
    "42[1, 2, 3]",
    '42{"message": "hi"}',
    "4",
    "99",
    "",
    "2probe",
    "41",
    '43["ack"]',
    '45-["binary"]',
    '42["user_uttered", {"message": "' + "\\ud800" * 10 + '"}]',
    '42["user_uttered", ' + "[" * 500 + "]" * 500 + "]",
    "\x00\x01\x02",
]


async def fuzz_raw_packets(url: str, rng: random.Random, count: int) -> list[str]:
    """Engine.io/socket.io frames with broken JSON, unknown types and binary, straight on the websocket."""
    received: list[str] = []
    ws_url = url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
    sent_count = 0
    async with aiohttp.ClientSession() as http:
        while sent_count < count:
            async with http.ws_connect(ws_url, headers={"Origin": url, "X-Forwarded-For": "10.79.0.1"}) as ws:
                received.append(str((await ws.receive(timeout=30)).data))  # the open packet
                await ws.send_str("40")
                for _ in range(25):
                    if ws.closed:
                        break
                    if rng.random() < 0.1:
                        await ws.send_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
                    else:
                        await ws.send_str(rng.choice(RAW_PACKETS))
                    sent_count += 1
                try:
                    while True:
                        message = await ws.receive(timeout=0.5)
                        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                            break
                        received.append(str(message.data))
                except asyncio.TimeoutError:
                    pass
    return received


async def fuzz_http(gateway_url: str, rasa_url: str, rng: random.Random, count: int) -> list[tuple[str, int, str]]:
    """Gateway routes, the console login and Rasa's REST channel: (what, status, body) of each request."""
    paths = [
        "/",
        "/shop/fr",
        "/shop/zz",
        "/shop/ro/%00",
        "/shop/intl/../../etc/passwd",
        "/console",
        "/health",
        "/api/agent/queue",
        "/api/agent/me",
        "/api/agent/conversations/%3Cscript%3E",
        "/api/agent/conversations/" + "x" * 3000 + "/messages",
        "/static/webchat/../../harmony/settings.py",
        "/socket.io/?EIO=9",
        "/socket.io/?EIO=4&transport=polling&sid=nope",
        "/no/such/page?q=" + "%FF" * 50,
    ]
    bodies: list[Any] = [
        b"{broken",
        b"",
        b"\xff\xfe\x00",
        json.dumps({"username": ["a"], "password": None}).encode(),
        json.dumps({"username": "x" * 10_000, "password": "y"}).encode(),
        json.dumps([1, 2]).encode(),
        b"A" * 70_000,
        json.dumps({"text": "<script>alert(1)</script>"}).encode(),
    ]
    rasa_bodies: list[Any] = [
        b"{broken",
        b"",
        json.dumps([1]).encode(),
        json.dumps({"sender": None, "message": "hi"}).encode(),
        json.dumps({"sender": ["x"], "message": "hi"}).encode(),
        json.dumps({"sender": "fuzz-rest", "message": {"a": 1}}).encode(),
        json.dumps({"sender": "fuzz-rest", "message": "/human_handoff", "metadata": {"typed": True}}).encode(),
        json.dumps({"sender": "fuzz-rest", "message": "x", "metadata": "not a dict"}).encode(),
        json.dumps({"sender": "fuzz-rest", "message": "\ud800"}).encode(),
    ]
    results: list[tuple[str, int, str]] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        for number in range(count):
            headers = {"Content-Type": rng.choice(["application/json", "text/plain", "multipart/form-data"])}
            if number % 8 == 7:
                url, method, body = rasa_url + "/webhooks/rest/webhook", "POST", rng.choice(rasa_bodies)
            elif rng.random() < 0.5:
                url, method, body = gateway_url + "/api/agent/login", "POST", rng.choice(bodies)
            else:
                url = gateway_url + rng.choice(paths)
                method, body = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH"]), rng.choice([None, *bodies])
            async with http.request(method, url, data=body, headers=headers) as response:
                results.append((f"{method} {url[:120]}", response.status, await response.text(errors="replace")))
    return results


def _stored_customer_texts(database_url: str, conversation_id: str, author: str = "customer") -> list[str]:
    return [m.text for m in stored_transcript(database_url, conversation_id) if m.author == author]


async def _ask_normal_question(url: str, sent: Sent) -> str:
    client = await _client(url, sent, sent.shop)
    try:
        await client.emit("session_request", {"session_id": sent.session_id})
        assert await _next(client, "session_confirm") == sent.session_id
        await client.emit("user_uttered", {"message": QUESTION, "session_id": sent.session_id})
        reply = await _next(client, "bot_uttered")
        return str(reply.get("text"))
    finally:
        await client.disconnect()


def test_over_two_thousand_hostile_messages_break_nothing_and_lose_no_customer_text(
    stack: Settings, fuzz_gateway: tuple[str, Path]
) -> None:
    url, log = fuzz_gateway
    rng = random.Random(SEED)
    seeds = [rng.randrange(2**32) for _ in range(CONVERSATIONS)]

    async def scenario() -> None:
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(number: int) -> Sent:
            async with limit:
                return await fuzz_conversation(url, random.Random(seeds[number]), number)

        conversations = await asyncio.gather(*(one(n) for n in range(CONVERSATIONS)))
        session_events = await fuzz_session_requests(url, random.Random(rng.randrange(2**32)), 200)
        raw = await fuzz_raw_packets(url, random.Random(rng.randrange(2**32)), 250)
        http = await fuzz_http(url, stack.rasa_url, random.Random(rng.randrange(2**32)), 300)

        total = sum(c.messages for c in conversations) + 200 + 250 + len(http)
        accepted = sum(len(c.accepted) for c in conversations)
        print(f"fuzz: FUZZ_SEED={SEED}, {total} messages and requests, {accepted} customer texts accepted")
        assert total >= 2000, total
        for what, status, body in http:
            assert status < 500, (what, status, body[:300])
            assert not LEAK.search(body), (what, body[:300])
        for event in [e for c in conversations for e in c.events] + session_events + raw:
            assert not LEAK.search(json.dumps(event, default=str)), event
        for sent in conversations:
            assert _stored_customer_texts(stack.database_url, sent.session_id) == sent.accepted, (SEED, sent.client)
        assert accepted >= 500

        async with aiohttp.ClientSession() as http_client, http_client.get(url + "/health") as health:
            assert health.status == 200
        answered = [c for c in conversations if not c.handed_off][:6]
        for sent in answered:
            assert SHOPS[sent.shop] in await _ask_normal_question(url, sent), (SEED, sent.client)

    asyncio.run(scenario())
    logged = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in logged, logged[logged.find("Traceback") - 500 :][:3000]


def test_a_flood_from_one_client_is_refused_before_it_is_stored(
    stack: Settings, fuzz_gateway: tuple[str, Path]
) -> None:
    url, _ = fuzz_gateway

    async def scenario() -> None:
        sent = Sent("fr", "10.80.0.1")
        client = await _client(url, sent, "fr")
        await client.emit("session_request", {})
        sent.session_id = await _next(client, "session_confirm")
        for number in range(40):
            await client.emit("user_uttered", {"message": f"flood {number}", "session_id": sent.session_id})
        notices = 0
        while notices < 40 - 8:  # each refused message is told so
            _, data = await asyncio.wait_for(client.replies.get(), REPLY_TIMEOUT)
            notices += data.get("text") == handoff_text("too_fast", "en")
        for _ in range(int(REPLY_TIMEOUT)):  # the accepted ones are stored while the bot answers them
            if len(_stored_customer_texts(stack.database_url, sent.session_id)) >= 8:
                break
            await asyncio.sleep(1)
        await asyncio.sleep(2)
        await client.disconnect()
        stored = _stored_customer_texts(stack.database_url, sent.session_id)
        assert len(stored) == 8 and all(text.startswith("flood ") for text in stored)
        notices_stored = _stored_customer_texts(stack.database_url, sent.session_id, author="system")
        assert notices_stored.count(handoff_text("too_fast", "en")) == 1  # one per burst

        others: list[Any] = []
        for _ in range(31):  # new conversations from one client: 30 per 10 minutes
            flood = Sent("fr", "10.80.0.2")
            client = await _client(url, flood, "fr")
            await client.emit("session_request", {})
            name, data = await asyncio.wait_for(client.replies.get(), REPLY_TIMEOUT)
            others.append((name, data))
            await client.disconnect()
        assert [name for name, _ in others[:30]] == ["session_confirm"] * 30
        assert others[30] == ("bot_uttered", {"text": handoff_text("too_many_conversations", "en")})

    asyncio.run(scenario())


def test_typed_commands_never_act_and_the_offered_hand_off_button_still_works(
    stack: Settings, fuzz_gateway: tuple[str, Path]
) -> None:
    url, _ = fuzz_gateway
    unreadable_fr = (
        "Je n'arrive pas à lire ce message (caractères illisibles). Pouvez-vous écrire votre question en texte ?"
    )

    async def scenario() -> None:
        sent = Sent("intl", "10.81.0.1")
        client = await _client(url, sent, "intl")
        await client.emit("session_request", {})
        sent.session_id = await _next(client, "session_confirm")

        async def say(text: str) -> list[dict[str, Any]]:
            await client.emit("user_uttered", {"message": text, "session_id": sent.session_id})
            first = await _next(client, "bot_uttered")
            return [first] + [d for _, d in await _settle(client)]

        assert (await say("Bonjour"))[0].get("text")
        for typed in ["/human_handoff", '/cancel_order{"order_number":"HM-100106"}']:
            assert [m.get("text") for m in await say(typed)] == [unreadable_fr]  # no queue, no order
        assert _owner(stack.database_url, sent.session_id) == "bot"
        answer = await say("c'est quoi les frais de livraison ?")
        buttons = [b for m in answer for b in m.get("quick_replies") or []]
        assert {"content_type": "text", "title": "Parler à un conseiller", "payload": "/human_handoff"} in buttons
        clicked = await say("/human_handoff")  # the button the bot just offered
        assert is_handoff_notice(str(clicked[0].get("text"))), clicked
        assert _owner(stack.database_url, sent.session_id) == "waiting"
        await client.disconnect()

    asyncio.run(scenario())


def _owner(database_url: str, conversation_id: str) -> str | None:
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            conversation = session.get(Conversation, conversation_id)
            return conversation.owner if conversation else None
    finally:
        engine.dispose()
