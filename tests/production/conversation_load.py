"""Concurrent widget conversations, each with an order lookup, that count what was lost or duplicated.

Each simulated customer speaks the widget's socket.io protocol like rasa-webchat on our shop
pages does: it reconnects on its own when its connection drops, giving back the id of the last
stored message it received (`seen`, as the page's script does), and asks for its conversation again. A
customer who gets a polite "unavailable" notice (the gateway's, or the bot's "I can't reach our
order system, try again" while the order database restarts), or no answer in `ANSWER_TIMEOUT`
seconds, sends the same message again, as people do.

At the end, `count` compares what each widget received with what the gateway stored:
- stored: every message the customer sent is in the transcript (at least once);
- answered: every message got a bot answer, and none got two (a message sent twice because the
  first got only a polite notice counts once; the bot's own notice is not an answer);
- lost: a message stored for the customer that its widget never received;
- duplicated: a message the widget received more often than it was stored;
- kept: the conversation's last answer still knows its verified order, in its language.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import socketio

from harmony.gateway.transcripts import StoredMessage
from harmony.gateway.widget_messages import message_id_of
from harmony.kb.handoff import handoff_text
from harmony.kb.order_texts import message as order_text

ANSWER_TIMEOUT = 45.0  # seconds before a customer sends the same message again
RESEND_AFTER_NOTICE = 3.0  # seconds a customer waits after the polite notice before sending again
TURN_SETTLE = 0.4  # the rest of a turn's messages follow within this
NOTICE_KEYS = ("unavailable", "unavailable_not_saved", "too_fast")
BOT_NOTICE_KEY = "store_unavailable"  # the bot's answer while the order database is unreachable
LANGS = ("fr", "en", "ro")


@dataclass(frozen=True)
class Script:
    shop: str
    language: str
    turns: tuple[str, ...]
    order_marker: str  # in the answer to the last question, if the conversation still knows the order
    in_language: str  # words of that answer in the conversation's language


SCRIPTS = (
    Script(
        "fr",
        "fr",
        (
            "bonjour",
            "c'est quoi les frais de livraison ?",
            "où est ma commande HM-100106 ?",
            "lucas.moreau@example.fr",
            "quels sont les délais de livraison ?",
            "et ma commande, elle en est où ?",
        ),
        "6A98765432109",
        "Numéro de suivi",
    ),
    Script(
        "ro",
        "ro",
        (
            "bună ziua",
            "cât costă livrarea?",
            "unde este comanda HM-200204?",
            "mihai.ionescu@example.ro",
            "cât durează livrarea?",
            "și comanda mea unde este?",
        ),
        "1ONB24055511122",
        "Număr de urmărire",
    ),
    Script(
        "intl",
        "en",
        (
            "hello",
            "how much does shipping cost?",
            "where is my order HM-100106?",
            "lucas.moreau@example.fr",
            "how long does delivery take?",
            "and where is my order now?",
        ),
        "6A98765432109",
        "Tracking number",
    ),
)


def _bot_notices() -> set[str]:
    """The bot's "I can't reach our order system, try again", in every language."""
    return {order_text(BOT_NOTICE_KEY, language) for language in LANGS}


def _notices() -> set[str]:
    """The gateway's notices, and the bot's when the order database cannot be reached."""
    return {handoff_text(key, language) for key in NOTICE_KEYS for language in LANGS} | _bot_notices()


@dataclass
class Customer:
    """One widget and its conversation."""

    url: str
    script: Script
    socket_path: str = "/socket.io/"
    session_id: str | None = None
    received: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # every emit, resends included
    answers: dict[int, list[str]] = field(default_factory=dict)  # turn -> its real answer's messages
    reconnections: int = 0
    seen: int | None = None  # the last stored message's id received
    _confirmed: asyncio.Event = field(default_factory=asyncio.Event)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=3)

        @client.on("connect")
        async def connect() -> None:
            self._confirmed.clear()
            await client.emit("session_request", {"session_id": self.session_id})

        @client.on("disconnect")
        async def disconnect(*_: Any) -> None:
            self._confirmed.clear()
            self.reconnections += 1

        @client.on("session_confirm")
        async def session_confirm(session_id: str) -> None:
            assert self.session_id in (None, session_id), "the widget was given another conversation"
            self.session_id = session_id
            self._confirmed.set()

        @client.on("bot_uttered")
        async def bot_uttered(message: dict[str, Any]) -> None:
            self.received.append(str(message.get("text")))
            if (message_id := message_id_of(message)) is not None:
                self.seen = max(self.seen or 0, message_id)
            self._arrived.set()

        def auth() -> dict[str, int]:
            return {} if self.seen is None else {"seen": self.seen}

        address = f"{self.url}?shop={self.script.shop}&lang={self.script.language}"
        await client.connect(
            address, auth=auth, transports=["websocket"], socketio_path=self.socket_path, wait_timeout=30
        )
        try:
            for turn, text in enumerate(self.script.turns):
                self.answers[turn] = await self._ask(client, text)
        finally:
            await client.disconnect()

    async def _ask(self, client: socketio.AsyncClient, text: str) -> list[str]:
        notices = _notices()
        while True:
            await asyncio.wait_for(self._confirmed.wait(), ANSWER_TIMEOUT * 2)
            start = len(self.received)
            payload = {"message": text, "session_id": self.session_id, "customData": {"shop": self.script.shop}}
            try:
                await client.emit("user_uttered", payload)
            except socketio.exceptions.BadNamespaceError:
                await asyncio.sleep(0.5)  # disconnected just now: send again once reconnected
                continue
            self.sent.append(text)
            deadline = time.monotonic() + ANSWER_TIMEOUT
            while time.monotonic() < deadline:
                self._arrived.clear()
                new = self.received[start:]
                real = [m for m in new if m not in notices]
                if real:
                    await asyncio.sleep(TURN_SETTLE)
                    return [m for m in self.received[start:] if m not in notices]
                if new:  # only the polite notice: say it again in a moment
                    await asyncio.sleep(RESEND_AFTER_NOTICE)
                    break
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), 1.0)


@dataclass
class Counts:
    conversations: int = 0
    sent: int = 0  # distinct customer messages
    resent: int = 0
    stored: int = 0
    answered: int = 0
    lost: int = 0
    duplicated: int = 0
    order_forgotten: int = 0
    reconnections: int = 0
    problems: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)  # what was stored and received, per conversation with a problem

    def line(self) -> str:
        return (
            f"conversations {self.conversations}, sent {self.sent} (+{self.resent} resent), stored {self.stored}, "
            f"answered {self.answered}, lost {self.lost}, duplicated {self.duplicated}, "
            f"order forgotten {self.order_forgotten}, reconnections {self.reconnections}"
        )


def count(customers: list[Customer], transcripts: dict[str, list[StoredMessage]]) -> Counts:
    counts = Counts(conversations=len(customers))
    # Told every time, stored once per burst or never (the database is down): not replayed.
    notices_unstored = {handoff_text(key, lang) for key in ("unavailable_not_saved", "too_fast") for lang in LANGS}
    bot_notices = _bot_notices()
    for customer in customers:
        name = f"{customer.script.shop}/{customer.session_id}"
        stored = transcripts.get(customer.session_id or "", [])
        problems_before = len(counts.problems)
        counts.reconnections += customer.reconnections
        counts.sent += len(customer.script.turns)
        counts.resent += len(customer.sent) - len(customer.script.turns)
        said = [m.text for m in stored if m.author == "customer"]
        for text in customer.script.turns:
            if text in said:
                counts.stored += 1
            else:
                counts.problems.append(f"{name}: {text!r} not stored")
        answered_times = _answers_per_message(stored, bot_notices)
        for text in customer.script.turns:
            times = answered_times.get(text, 0)
            counts.answered += times >= 1
            if times == 0:
                counts.problems.append(f"{name}: {text!r} got no answer")
            if times > 1:
                counts.duplicated += times - 1
                counts.problems.append(f"{name}: {text!r} answered {times} times")
        for_customer = Counter(_shown(m) for m in stored if m.author != "customer" and m.text not in notices_unstored)
        got = Counter(m for m in customer.received if m not in notices_unstored)
        for text, times in for_customer.items():
            if got[text] < times:
                counts.lost += times - got[text]
                counts.problems.append(f"{name}: {text[:60]!r} stored {times}x, received {got[text]}x")
            if got[text] > times:
                counts.duplicated += got[text] - times
                counts.problems.append(f"{name}: {text[:60]!r} received {got[text]}x, stored {times}x")
        last = customer.answers.get(len(customer.script.turns) - 1, [])
        # The last question is answered from the verified order, in the conversation's language. (The
        # lookup's own answer may differ: a resent e-mail the bot had already taken is answered "what
        # would you like to know about the order?")
        if not any(customer.script.order_marker in m and customer.script.in_language in m for m in last):
            counts.order_forgotten += 1
            counts.problems.append(f"{name}: the last answer does not give the order: {last}")
        if len(counts.problems) > problems_before:
            counts.stories.append(_story(name, stored, customer))
    return counts


def _story(name: str, stored: list[StoredMessage], customer: Customer) -> str:
    """A conversation with a problem, to read in the test's output: stored, then received, in order."""
    lines = [f"{name}, stored:"]
    lines += [f"  {m.at:%H:%M:%S} {m.author}: {m.text[:90]!r}" for m in stored]
    lines += ["received by the widget:"] + [f"  {text[:90]!r}" for text in customer.received]
    return "\n".join(lines)


def _shown(message: StoredMessage) -> str:
    """The text the widget shows for a stored message."""
    if message.author == "agent" and message.author_name:
        return f"{message.author_name}: {message.text}"
    return message.text


def _answers_per_message(stored: list[StoredMessage], bot_notices: set[str]) -> dict[str, int]:
    """How many times each customer text got a bot answer (the bot's messages after one copy of it,
    its notices aside)."""
    answered: Counter[str] = Counter()
    current: str | None = None
    for message in stored:
        if message.author == "customer":
            current = message.text
        elif message.author == "bot" and current is not None and message.text not in bot_notices:
            answered[current] += 1
            current = None  # one answer per copy, however many messages it has
    return dict(answered)


def customers_for(url: str, how_many: int, socket_path: str = "/socket.io/") -> list[Customer]:
    return [Customer(url, SCRIPTS[i % len(SCRIPTS)], socket_path) for i in range(how_many)]


async def _batches(url: str, how_many: int, stop: threading.Event, socket_path: str) -> list[Customer]:
    everyone: list[Customer] = []
    while True:
        batch = customers_for(url, how_many, socket_path)
        everyone += batch
        await asyncio.gather(*(customer.run() for customer in batch))
        if stop.is_set():
            return everyone


class LoadInBackground:
    """`how_many` concurrent conversations, batch after batch, in a thread, until `finish()`;
    then the last batch completes and `finish()` returns every customer."""

    def __init__(self, url: str, how_many: int, socket_path: str = "/socket.io/") -> None:
        self._stop = threading.Event()
        self._customers: list[Customer] = []
        self._error: BaseException | None = None

        def work() -> None:
            try:
                self._customers = asyncio.run(_batches(url, how_many, self._stop, socket_path))
            except BaseException as exc:  # reported by finish()
                self._error = exc

        self._thread = threading.Thread(target=work, name="conversation-load", daemon=True)
        self._thread.start()

    def finish(self, timeout: float = 600) -> list[Customer]:
        self._stop.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError(f"the conversations did not finish {timeout:.0f} s after the faults")
        if self._error is not None:
            raise self._error
        return self._customers
