"""The gateway's conversation service on a real database, with a fake Rasa server at the seam."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from harmony.bot_protocol import context_report
from harmony.db.engine import make_engine, session_factory
from harmony.gateway.handoff import Change
from harmony.gateway.service import RATE_MAX_MESSAGES, ChatService
from harmony.gateway.transcripts import transcript
from harmony.kb.handoff import handoff_text
from harmony.kb.markets import PageContext


class Recorder:
    def __init__(self) -> None:
        self.customer: list[tuple[str, dict[str, Any]]] = []
        self.agents: list[dict[str, Any]] = []

    async def to_customer(self, conversation_id: str, message: dict[str, Any]) -> None:
        self.customer.append((conversation_id, message))

    async def to_agents(self, event: dict[str, Any]) -> None:
        self.agents.append(event)

    def texts(self) -> list[str]:
        return [m["text"] for _, m in self.customer]


class FakeRasa:
    """Answers like Rasa's REST channel: an echo, a hand-off request, or an error."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
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
                            "handoff": {"reason": "customer_request", "language": "ro", "verified_order": "HM-200201"}
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
    database_url: str, scenario: Callable[[ChatService, Recorder, FakeRasa], Awaitable[None]], agents_online: int = 0
) -> None:
    async def main() -> None:
        fake = FakeRasa()
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", fake.webhook)
        async with TestServer(app, host="127.0.0.1") as server:
            engine = make_engine(database_url)
            service = ChatService(
                session_factory(engine), str(server.make_url("")).rstrip("/"), 5.0, "fr", lambda: agents_online
            )
            async with aiohttp.ClientSession() as http:
                service.http = http
                try:
                    await scenario(service, Recorder(), fake)
                finally:
                    engine.dispose()

    asyncio.run(main())


def _transcript(database_url: str, conversation_id: str) -> list[tuple[str, str]]:
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            return [(m.author, m.text) for m in transcript(session, conversation_id)]
    finally:
        engine.dispose()


RO_PAGE, FR_PAGE = PageContext("ro", "ro"), PageContext("fr", "fr")


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
        assert [r["metadata"] for r in fake.received] == [{"shop": "intl", "language": "fr"}] * 2
        assert (await service.start_session(view.id, RO_PAGE)).id != view.id

    run_with_service(database_url, scenario)


def test_the_gateway_follows_the_language_and_shop_the_bot_reports(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, RO_PAGE)
        await service.customer_message(view.id, "in English please", {}, outbox)
        await service.customer_message(view.id, "x" * 2001, {}, outbox)
        assert outbox.texts() == ["Sure.", handoff_text("too_long", "en")]  # the report itself is not shown
        await service.customer_message(view.id, "thanks", {}, outbox)
        assert fake.received[-1]["metadata"] == {"shop": "ro", "language": "en"}
        assert (await service.start_session(view.id, RO_PAGE)).language == "en"

    run_with_service(database_url, scenario)


def test_the_bot_answers_with_the_page_metadata_and_everything_is_stored(database_url: str) -> None:
    conversation: list[str] = []

    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, RO_PAGE)
        conversation.append(view.id)
        await service.customer_message(view.id, None, {}, outbox)  # the widget opening without a payload
        await service.customer_message(view.id, "salut", {"shop": "ro", "language": "ro"}, outbox)
        assert fake.received[0] == {"sender": view.id, "message": "salut", "metadata": {"shop": "ro", "language": "ro"}}
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
        ("customer", "x" * 2001),
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


def test_handoff_agent_reply_and_hand_back(database_url: str) -> None:
    async def scenario(service: ChatService, outbox: Recorder, fake: FakeRasa) -> None:
        view = await service.start_session(None, RO_PAGE)
        await service.customer_message(view.id, "a person please", {}, outbox)
        assert (
            outbox.texts()[-1] in (handoff_text("no_agent_online", "ro"), handoff_text("queued", "ro", position="1"))
            or "revin" in outbox.texts()[-1]
        )
        queue = await service.queue()
        assert [(row["id"], row["reason"], row["verified_order"], row["language"]) for row in queue] == [
            (view.id, "customer_request", "HM-200201", "ro")
        ]
        await service.customer_message(view.id, "are you there?", {}, outbox)
        assert len(fake.received) == 1  # the bot stays silent while a person is awaited
        assert {"type": "customer_message", "conversation_id": view.id} in outbox.agents
        assert await service.change_owner(view.id, Change.AGENT_TAKES, "Marie", outbox) == "agent"
        assert outbox.texts()[-1] == handoff_text("agent_joined", "ro", agent="Marie")
        await service.agent_message(view.id, "Marie", "Bună, vă ajut eu.", outbox)
        assert outbox.texts()[-1] == "Marie: Bună, vă ajut eu."
        assert await service.change_owner(view.id, Change.HAND_BACK, "Marie", outbox) == "bot"
        await service.customer_message(view.id, "mersi", {}, outbox)
        assert fake.received[-1]["message"] == "mersi"
        assert await service.queue() == []

    run_with_service(database_url, scenario, agents_online=1)


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
