"""The gateway's conversation service on a real database, with a fake Rasa server and a pinned clock at the seams."""

import asyncio
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy.orm import Session

from harmony.agents.accounts import create_agent
from harmony.agents.permissions import Actor
from harmony.bot_protocol import context_report
from harmony.clock import FixedClock
from harmony.db.engine import create_schema, make_engine, session_factory
from harmony.gateway.agent_desk import AgentDesk
from harmony.gateway.handoff import Change
from harmony.gateway.limits import GatewayLimits, Rule, memory_limits
from harmony.gateway.service import (
    RATE_MAX_MESSAGES,
    TRUNCATED_MARKER,
    ChatService,
    CustomerRefused,
    in_transaction,
)
from harmony.gateway.transcripts import waiting_queue
from harmony.kb.handoff import handoff_text
from harmony.kb.markets import PageContext
from tests.stored_transcript import stored_transcript

PARIS, BUCHAREST, LOS_ANGELES = ZoneInfo("Europe/Paris"), ZoneInfo("Europe/Bucharest"), ZoneInfo("America/Los_Angeles")
TUESDAY_10_IN_PARIS = datetime(2026, 12, 8, 10, 0, tzinfo=PARIS)  # inside the fr agents' hours


class Recorder:
    def __init__(self) -> None:
        self.customer: list[tuple[str, dict[str, Any]]] = []
        self.agents: list[dict[str, Any]] = []

    async def to_customer(self, conversation_id: str, message: dict[str, Any], message_id: int | None = None) -> None:
        self.customer.append((conversation_id, message))

    async def to_customer_all(
        self, conversation_id: str, messages: Sequence[tuple[dict[str, Any], int | None]]
    ) -> None:
        for message, message_id in messages:
            await self.to_customer(conversation_id, message, message_id)

    async def to_agents(self, event: dict[str, Any]) -> None:
        self.agents.append(event)

    def texts(self) -> list[str]:
        return [m["text"] for _, m in self.customer]


class FakeRasa:
    """Answers like Rasa's REST channel: an echo, a hand-off request, an error, or too late."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.never = asyncio.Event()  # set when the scenario is over

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if body["message"] == "slow":  # answers only once the test is over: the gateway gives up first
            await self.never.wait()
        if body["message"] == "boom":
            return web.json_response({"error": "down"}, status=500)
        if body["message"] == "silence":  # what Rasa answers when the action server is down
            return web.json_response([])
        if body["message"] == "in English please":  # the bot reports the language it now answers in
            return web.json_response(
                [
                    {"recipient_id": body["sender"], "text": "Sure."},
                    {"recipient_id": body["sender"], "custom": context_report(PageContext("ro", "en"))},
                ]
            )
        if body["message"] == "a person please":
            return web.json_response(
                [
                    {
                        "recipient_id": body["sender"],
                        "custom": {
                            "handoff": {
                                "reason": "customer_request",
                                "language": body["metadata"]["language"],
                                "verified_order": "HM-200201",
                            }
                        },
                    }
                ]
            )
        return web.json_response(
            [
                {
                    "recipient_id": body["sender"],
                    "text": f"echo {body['message']}",
                    "buttons": [{"title": "Da", "payload": "/affirm"}],
                }
            ]
        )


def run_with_service(
    database_url: str,
    scenario: Callable[[ChatService, Recorder, FakeRasa], Awaitable[None]],
    agents_online: int = 0,
    clock: FixedClock | None = None,
    rasa_timeout: float = 5.0,
    limits: GatewayLimits | None = None,
) -> None:
    """Run `scenario` against a service whose "now" is `clock` (default: a Tuesday 10:00 in Paris)."""

    async def main() -> None:
        fake = FakeRasa()
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", fake.webhook)
        async with TestServer(app, host="127.0.0.1") as server:
            engine = make_engine(database_url)
            service = ChatService(
                session_factory(engine),
                str(server.make_url("")).rstrip("/"),
                rasa_timeout,
                "fr",
                lambda: agents_online,
                clock or FixedClock(TUESDAY_10_IN_PARIS),
                limits=limits,
                client_secret=CLIENT_SECRET,
            )
            async with aiohttp.ClientSession() as http:
                service.http = http
                try:
                    await scenario(service, Recorder(), fake)
                finally:
                    fake.never.set()
                    engine.dispose()

    asyncio.run(main())


def _transcript(database_url: str, conversation_id: str) -> list[tuple[str, str]]:
    return [(m.author, m.text) for m in stored_transcript(database_url, conversation_id)]


RO_PAGE, FR_PAGE = PageContext("ro", "ro"), PageContext("fr", "fr")
CLIENT_SECRET = "a server-side secret of the tests"  # noqa: S105 - a test value


def _page_of(received: dict[str, Any]) -> dict[str, Any]:
    return {name: received["metadata"][name] for name in ("shop", "language")}


def test_sessions_are_ours_and_never_guessed(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        first = await service.start_session(None, RO_PAGE)
        assert len(first.id) == 32 and (first.shop, first.language, first.site) == ("ro", "ro", "ro")
        assert (await service.start_session(first.id, RO_PAGE)).id == first.id
        assert (await service.start_session(first.id, None)).id == first.id  # a page that says nothing
        forged = await service.start_session("0" * 32, RO_PAGE)
        assert forged.id not in (first.id, "0" * 32)
        unknown = await service.start_session(None, None)
        assert (unknown.shop, unknown.language, unknown.site) == ("fr", "fr", None)

    run_with_service(database_url, scenario)


def test_a_page_of_another_shop_never_joins_a_conversation(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        on_ro = await service.start_session(None, RO_PAGE)
        on_fr = await service.start_session(on_ro.id, FR_PAGE)  # same browser storage, the French shop's page
        assert on_fr.id != on_ro.id
        assert (on_fr.site, on_fr.shop, on_fr.language) == ("fr", "fr", "fr")
        assert (await service.start_session(on_ro.id, RO_PAGE)).id == on_ro.id

    run_with_service(database_url, scenario)


def test_a_page_that_only_sends_custom_data_sets_the_shop_from_its_first_message(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, None)
        await service.customer_message(view.id, "/greet", {"shop": "intl", "language": "fr-FR"}, outbox)
        await service.customer_message(view.id, "hi", {"shop": "ro", "language": "ro"}, outbox)  # too late: intl's
        assert [_page_of(r) for r in fake.received] == [{"shop": "intl", "language": "fr"}] * 2
        assert (await service.start_session(view.id, RO_PAGE)).id != view.id

    run_with_service(database_url, scenario)


def test_the_gateway_follows_the_language_and_shop_the_bot_reports(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, RO_PAGE)
        await service.customer_message(view.id, "in English please", {}, outbox)
        await service.customer_message(view.id, "x" * 2001, {}, outbox)
        assert outbox.texts() == ["Sure.", handoff_text("too_long", "en")]  # the report itself is not shown
        await service.customer_message(view.id, "thanks", {}, outbox)
        assert _page_of(fake.received[-1]) == {"shop": "ro", "language": "en"}
        assert (await service.start_session(view.id, RO_PAGE)).language == "en"

    run_with_service(database_url, scenario)


def test_the_bot_answers_with_the_page_metadata_and_everything_is_stored(database_url: str) -> None:
    conversation: list[str] = []

    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, RO_PAGE)
        conversation.append(view.id)
        await service.customer_message(view.id, None, {}, outbox)  # the widget opening without a payload
        await service.customer_message(view.id, "salut", {"shop": "ro", "language": "ro"}, outbox)
        assert (fake.received[0]["sender"], fake.received[0]["message"]) == (view.id, "salut")
        assert _page_of(fake.received[0]) == {"shop": "ro", "language": "ro"}
        assert outbox.customer == [
            (
                view.id,
                {
                    "text": "echo salut",
                    "quick_replies": [{"content_type": "text", "title": "Da", "payload": "/affirm"}],
                },
            )
        ]
        await service.customer_message(view.id, "x" * 2001, {}, outbox)
        assert outbox.texts()[-1] == handoff_text("too_long", "ro")
        assert len(fake.received) == 1

    run_with_service(database_url, scenario)
    assert _transcript(database_url, conversation[0]) == [
        ("customer", "salut"),
        ("bot", "echo salut"),
        ("customer", "x" * 2000 + TRUNCATED_MARKER.format(dropped=1)),  # kept once, cut, marked
        ("system", handoff_text("too_long", "ro")),
    ]


def test_too_many_messages_in_a_row_are_slowed_down(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, FR_PAGE)
        for number in range(RATE_MAX_MESSAGES + 1):
            await service.customer_message(view.id, f"message {number}", {}, outbox)
        assert len(fake.received) == RATE_MAX_MESSAGES
        assert outbox.texts()[-1] == handoff_text("too_fast", "fr")

    run_with_service(database_url, scenario)


def _desk(service: ChatService) -> AgentDesk:
    """The agent side (`harmony.gateway.agent_desk`, tested with the console in test_console.py)."""
    return AgentDesk(service.sessions, service.clock)


ADMIN = Actor(0, "Admin", "admin")  # sees the whole queue


async def _agent(service: ChatService, name: str) -> Actor:
    def work(session: Session) -> Actor:
        agent = create_agent(session, name.lower(), name, "a long enough password")
        return Actor(agent.id, agent.display_name)

    return await in_transaction(service.sessions, work)


def test_handoff_agent_reply_and_hand_back(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, RO_PAGE)
        await service.customer_message(view.id, "a person please", {}, outbox)
        assert outbox.texts()[-1] == handoff_text("queued", "ro", position="1")
        queue = await _desk(service).queue(ADMIN)
        assert [(row["id"], row["reason"], row["verified_order"], row["language"]) for row in queue] == [
            (view.id, "customer_request", "HM-200201", "ro")
        ]
        await service.customer_message(view.id, "are you there?", {}, outbox)
        assert len(fake.received) == 1  # the bot stays silent while a person is awaited
        assert {"type": "customer_message", "conversation_id": view.id} in outbox.agents
        marie = await _agent(service, "Marie")
        assert await _desk(service).change_owner(marie, view.id, Change.AGENT_TAKES, outbox) == "agent"
        assert outbox.texts()[-1] == handoff_text("agent_joined", "ro", agent="Marie")
        await _desk(service).agent_message(marie, view.id, "Bună, vă ajut eu.", outbox)
        assert outbox.texts()[-1] == "Marie: Bună, vă ajut eu."
        assert await _desk(service).change_owner(marie, view.id, Change.HAND_BACK, outbox) == "bot"
        await service.customer_message(view.id, "mersi", {}, outbox)
        assert fake.received[-1]["message"] == "mersi"
        assert await _desk(service).queue(ADMIN) == []

    run_with_service(
        database_url, scenario, agents_online=1, clock=FixedClock(datetime(2026, 12, 8, 10, 0, tzinfo=BUCHAREST))
    )


@pytest.mark.parametrize(
    ("shop", "language", "now", "back"),
    [
        pytest.param(
            "fr", "fr", datetime(2026, 12, 8, 19, 30, tzinfo=PARIS), "demain à 09:00", id="fr-tuesday-evening"
        ),
        pytest.param(
            "fr",
            "en",
            datetime(2026, 12, 11, 18, 0, tzinfo=PARIS),
            "on 14 December 2026 at 09:00",
            id="fr-friday-closing",
        ),
        pytest.param(
            "fr", "fr", datetime(2026, 12, 12, 20, 0, tzinfo=PARIS), "le 14 décembre 2026 à 09:00", id="fr-saturday"
        ),
        pytest.param(  # summer time starts on Sunday 29 March: Monday's 09:00 is 07:00 UTC
            "fr", "fr", datetime(2026, 3, 28, 18, 30, tzinfo=PARIS), "le 30 mars 2026 à 09:00", id="fr-dst-spring"
        ),
        pytest.param(  # summer time ends on Sunday 25 October: Monday's 09:00 is 08:00 UTC
            "fr", "fr", datetime(2026, 10, 24, 12, 0, tzinfo=PARIS), "le 26 octobre 2026 à 09:00", id="fr-dst-autumn"
        ),
        pytest.param(
            "ro",
            "ro",
            datetime(2026, 12, 12, 10, 0, tzinfo=BUCHAREST),
            "pe 14 decembrie 2026, la ora 09:00",
            id="ro-saturday",
        ),
        pytest.param(  # Los Angeles agents, shown in the intl shop's zone (Paris): 10:00 there is 19:00 here
            "intl", "en", TUESDAY_10_IN_PARIS, "today at 19:00", id="intl-before-los-angeles-wakes"
        ),
        pytest.param(  # Los Angeles is on summer time from 8 March, Paris only from 29 March: 8 hours apart
            "intl",
            "en",
            datetime(2026, 3, 6, 16, 0, tzinfo=LOS_ANGELES),
            "on 9 March 2026 at 18:00",
            id="intl-dst-spring",
        ),
        pytest.param(  # Paris left summer time on 25 October, Los Angeles on 1 November: 9 hours apart again
            "intl",
            "fr",
            datetime(2026, 10, 30, 16, 0, tzinfo=LOS_ANGELES),
            "le 2 novembre 2026 à 19:00",
            id="intl-dst-autumn",
        ),
    ],
)
def test_out_of_hours_the_customer_reads_when_agents_are_back_in_their_language(
    database_url: str, shop: str, language: str, now: datetime, back: str
) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, PageContext(shop, language))
        await service.customer_message(view.id, "a person please", {}, outbox)
        assert outbox.texts() == [handoff_text("closed_hours", language, opens=back)]
        assert [row["id"] for row in await _desk(service).queue(ADMIN)] == [view.id]  # queued all the same

    run_with_service(database_url, scenario, agents_online=1, clock=FixedClock(now))


def test_in_hours_with_no_agent_online_the_customer_is_told_none_is_connected(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, FR_PAGE)
        await service.customer_message(view.id, "a person please", {}, outbox)
        assert outbox.texts() == [handoff_text("no_agent_online", "fr")]

    run_with_service(database_url, scenario, agents_online=0, clock=FixedClock(TUESDAY_10_IN_PARIS))


def test_in_hours_with_an_agent_online_each_customer_reads_their_place_in_the_queue(database_url: str) -> None:
    clock = FixedClock(TUESDAY_10_IN_PARIS)

    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        first = await service.start_session(None, FR_PAGE)
        second = await service.start_session(None, PageContext("fr", "en"))
        await service.customer_message(first.id, "a person please", {}, outbox)
        clock.advance(timedelta(minutes=1))
        await service.customer_message(second.id, "a person please", {}, outbox)
        assert outbox.customer == [
            (first.id, {"text": handoff_text("queued", "fr", position="1")}),
            (second.id, {"text": handoff_text("queued", "en", position="2")}),
        ]
        assert "number 2 in the queue" in outbox.texts()[-1]
        clock.advance(timedelta(seconds=30))
        queue = await _desk(service).queue(ADMIN)
        assert [(row["id"], row["waiting_seconds"]) for row in queue] == [(first.id, 90), (second.id, 30)]

    run_with_service(database_url, scenario, agents_online=1, clock=clock)


def test_rasa_too_slow_gets_the_polite_message_in_the_customers_language(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, RO_PAGE)
        await service.customer_message(view.id, "slow", {}, outbox)
        assert outbox.texts() == [handoff_text("unavailable", "ro")]

    run_with_service(database_url, scenario, rasa_timeout=0.2)


def test_rasa_down_gets_a_polite_message_and_the_message_is_kept(database_url: str) -> None:
    conversation: list[str] = []

    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, PageContext("intl", "en"))
        conversation.append(view.id)
        await service.customer_message(view.id, "boom", {}, outbox)
        await service.customer_message(view.id, "silence", {}, outbox)
        assert outbox.texts() == [handoff_text("unavailable", "en")] * 2

    run_with_service(database_url, scenario)
    assert _transcript(database_url, conversation[0])[0] == ("customer", "boom")


def test_the_bot_gets_a_keyed_client_identity_never_the_address_and_the_page_cannot_set_it(
    database_url: str,
) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, FR_PAGE, "203.0.113.7")
        forged = {"shop": "fr", "language": "fr", "client": "someone else"}
        await service.customer_message(view.id, "bonjour", forged, outbox, "203.0.113.7")
        other = await service.start_session(None, FR_PAGE, "198.51.100.2")
        await service.customer_message(other.id, "bonjour", {}, outbox, "198.51.100.2")
        expected = hmac.new(CLIENT_SECRET.encode(), b"203.0.113.7", hashlib.sha256).hexdigest()
        assert fake.received[0]["metadata"]["client"] == expected
        assert fake.received[1]["metadata"]["client"] not in (expected, "someone else")
        assert "203.0.113.7" not in json.dumps(fake.received)

    run_with_service(database_url, scenario)


def test_typed_commands_are_marked_typed_and_only_the_offered_buttons_are_clicks(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, FR_PAGE)
        await service.customer_message(view.id, "/greet", {}, outbox)  # the widget's init payload
        await service.customer_message(view.id, "/affirm", {}, outbox)  # the bot's last message offered it
        await service.customer_message(view.id, "/human_handoff", {}, outbox)  # typed: never offered
        await service.customer_message(view.id, "bonjour", {}, outbox)
        await service.customer_message(view.id, "/greet", {}, outbox)  # the init payload only opens
        await service.customer_message(view.id, '/cancel_order{"order_number":"HM-100106"}', {}, outbox)
        assert [(r["message"], r["metadata"].get("typed", False)) for r in fake.received] == [
            ("/greet", False),
            ("/affirm", False),
            ("/human_handoff", True),
            ("bonjour", True),
            ("/greet", True),
            ('/cancel_order{"order_number":"HM-100106"}', True),
        ]

    run_with_service(database_url, scenario)


def test_an_oversized_message_is_kept_once_cut_and_marked_and_never_reaches_the_bot(database_url: str) -> None:
    conversation: list[str] = []

    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, PageContext("fr", "en"))
        conversation.append(view.id)
        await service.customer_message(view.id, "é" * 100_000, {}, outbox)
        assert outbox.texts() == [handoff_text("too_long", "en")]
        assert fake.received == []

    run_with_service(database_url, scenario)
    assert _transcript(database_url, conversation[0]) == [
        ("customer", "é" * 2000 + TRUNCATED_MARKER.format(dropped=98_000)),
        ("system", handoff_text("too_long", "en")),
    ]


def test_a_burst_of_refused_messages_stores_nothing_but_one_notice(database_url: str) -> None:
    conversation: list[str] = []

    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, RO_PAGE)
        conversation.append(view.id)
        for number in range(RATE_MAX_MESSAGES + 20):
            await service.customer_message(view.id, f"mesaj {number}", {}, outbox)
        assert len(fake.received) == RATE_MAX_MESSAGES
        assert outbox.texts()[-20:] == [handoff_text("too_fast", "ro")] * 20  # told each time

    run_with_service(database_url, scenario)
    stored = _transcript(database_url, conversation[0])
    assert [text for author, text in stored if author == "customer"] == [
        f"mesaj {number}" for number in range(RATE_MAX_MESSAGES)
    ]
    assert stored.count(("system", handoff_text("too_fast", "ro"))) == 1


def test_per_client_limits_on_new_conversations_messages_and_requests_for_a_person(database_url: str) -> None:
    limits = memory_limits(
        {
            "conversations_per_client": Rule(3, 600.0),
            "messages_per_client": Rule(5, 60.0),
            "handoffs_per_client": Rule(1, 600.0),
        }
    )

    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        opened = [await service.start_session(None, FR_PAGE, "203.0.113.7") for _ in range(3)]
        with pytest.raises(CustomerRefused) as refused:
            await service.start_session(None, FR_PAGE, "203.0.113.7")
        assert refused.value.key == "too_many_conversations"
        assert (await service.start_session(opened[0].id, FR_PAGE, "203.0.113.7")).id == opened[0].id  # a reload
        await service.start_session(None, FR_PAGE, "198.51.100.2")  # another client is not concerned

        await service.customer_message(opened[0].id, "a person please", {}, outbox, "203.0.113.7")
        await service.customer_message(opened[1].id, "a person please", {}, outbox, "203.0.113.7")
        assert outbox.texts() == [handoff_text("no_agent_online", "fr"), handoff_text("too_many_handoffs", "fr")]
        assert [row["id"] for row in await _waiting(service)] == [opened[0].id]  # the second is not queued

        for number in range(4):  # 2 messages counted already: 3 more pass, then the client is slowed down
            await service.customer_message(opened[2].id, f"message {number}", {}, outbox, "203.0.113.7")
        assert len(fake.received) == 5
        assert outbox.texts()[-1] == handoff_text("too_fast", "fr")

    run_with_service(database_url, scenario, limits=limits)


async def _waiting(service: ChatService) -> list[dict[str, Any]]:
    def work(session: Session) -> list[dict[str, Any]]:
        return [{"id": c.id} for c in waiting_queue(session)]

    return await in_transaction(service.sessions, work)


def test_with_the_database_down_the_customer_is_answered_politely_from_memory(
    database_url: str, unreachable_database_url: str
) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, RO_PAGE)
        await service.customer_message(view.id, "salut", {}, outbox)
        working = service.sessions
        down = make_engine(unreachable_database_url)
        service.sessions = session_factory(down)  # the database stops answering
        service.restart_pauses = (0.01,)  # and does not come back while a session request waits
        try:
            await service.customer_message(view.id, "mai sunteți acolo?", {}, outbox)
            assert outbox.texts()[-1] == handoff_text("unavailable_not_saved", "ro")  # its language, from memory
            with pytest.raises(CustomerRefused) as refused:
                await service.start_session(None, PageContext("fr", "en"))
            assert refused.value.key == "unavailable_not_saved"
        finally:
            down.dispose()
            service.sessions = working  # back up: the conversation goes on
        await service.customer_message(view.id, "mersi", {}, outbox)
        assert outbox.texts()[-1] == "echo mersi"
        assert [r["message"] for r in fake.received] == ["salut", "mersi"]  # nothing answered twice

    run_with_service(database_url, scenario)


def test_session_requests_made_while_the_database_restarts_wait_for_it_and_are_answered(tmp_path: Path) -> None:
    running, away = tmp_path / "database", tmp_path / "restarting"
    running.mkdir()
    url = f"sqlite:///{running / 'app.db'}"
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()

    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        known = await service.start_session(None, RO_PAGE)
        running.rename(away)  # the database file cannot be opened: it is down
        bound = service.sessions.kw["bind"]
        bound.dispose()

        async def back_in_a_moment() -> None:
            await asyncio.sleep(0.6)
            away.rename(running)

        again, newcomer, _ = await asyncio.gather(
            service.start_session(known.id, RO_PAGE), service.start_session(None, FR_PAGE), back_in_a_moment()
        )
        assert again.id == known.id  # the widget's own conversation, not a refusal nor a new one
        assert newcomer.id != known.id and newcomer.shop == "fr"
        await service.customer_message(newcomer.id, "bonjour", {}, outbox)
        assert [m.text for m in stored_transcript(url, newcomer.id)] == ["bonjour", "echo bonjour"]

    run_with_service(url, scenario)


def test_characters_no_database_holds_are_kept_as_replacement_characters(database_url: str) -> None:
    """PostgreSQL refuses NUL in text and no UTF-8 peer takes a lone surrogate: neither loses the message."""
    conversation: list[str] = []

    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, FR_PAGE)
        conversation.append(view.id)
        await service.customer_message(view.id, "bon\x00jour \ud800!", {}, outbox)
        assert outbox.texts() == ["echo bon\ufffdjour \ufffd!"]

    run_with_service(database_url, scenario)
    assert _transcript(database_url, conversation[0])[0] == ("customer", "bon\ufffdjour \ufffd!")
