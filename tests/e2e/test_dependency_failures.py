"""A dependency too slow or down (Rasa, the action server, the app database): the customer gets the
polite notice in their language, nothing is answered twice, and the conversation goes on once it is back.

Real processes: this module starts its own stack (gateway, Rasa, action server) on the throwaway
PostgreSQL server, so it can pause, stop and restart each of them (`kill -STOP` for a Rasa that
is too slow, `pg_ctl stop` for the database).
"""

import asyncio
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from harmony.database_setup import prepare_database
from harmony.db.engine import make_engine
from harmony.kb.faq import load_faq
from harmony.kb.handoff import handoff_text
from harmony.launcher.postgres import ServerCommands, server_bin_dir
from harmony.launcher.processes import ManagedProcess
from harmony.launcher.stack import ACTION_START_TIMEOUT, RASA_START_TIMEOUT, running_stack
from harmony.launcher.training import ensure_model
from harmony.settings import PROJECT_ROOT, Settings, load_settings
from tests.conftest import fresh_postgres_database
from tests.e2e.conftest import CLOCK_START
from tests.e2e.gateway_client import Agent, Widget
from tests.ports import free_port
from tests.postgres_server import _start
from tests.stored_transcript import stored_transcript

pytestmark = pytest.mark.e2e

GATEWAY_TIMEOUT_SECONDS = 8.0  # the gateway's timeout on Rasa here (a warm turn takes well under 1 s)
SHIPPING_FR = "c'est quoi les frais de livraison ?"


@dataclass
class Stack:
    settings: Settings
    rasa: ManagedProcess
    actions: ManagedProcess
    gateway: ManagedProcess
    admin_url: str


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory, postgres_admin_url: str) -> Iterator[Stack]:
    var_dir: Path = tmp_path_factory.mktemp("var")
    for database_url in fresh_postgres_database(postgres_admin_url):
        settings = load_settings(
            {
                "HARMONY_VAR_DIR": str(var_dir),
                "HARMONY_DATABASE_URL": database_url,
                "HARMONY_RASA_PORT": str(free_port()),
                "HARMONY_ACTION_PORT": str(free_port()),
                "HARMONY_GATEWAY_PORT": str(free_port()),
                "HARMONY_MODELS_DIR": str(PROJECT_ROOT / "models"),
                "HARMONY_CLOCK_START": CLOCK_START,
            }
        )
        with pytest.MonkeyPatch.context() as env:
            env.setenv("HARMONY_CLOCK_START", CLOCK_START)
            env.setenv("HARMONY_HTTP_TIMEOUT", str(GATEWAY_TIMEOUT_SECONDS))  # reaches the services' environment
            prepare_database(settings.database_url, settings.fixture_file)
            model, _ = ensure_model(settings.models_dir)
            with running_stack(settings, model, var_dir / "logs") as (rasa, actions, gateway):
                yield Stack(settings, rasa, actions, gateway, postgres_admin_url)


def _stored(database_url: str, conversation_id: str) -> list[tuple[str, str]]:
    return [(m.author, m.text) for m in stored_transcript(database_url, conversation_id)]


async def _nothing_more(widget: Widget, seconds: float) -> None:
    """No further message reaches the widget within `seconds` (e.g. a late answer of a paused Rasa)."""
    await asyncio.sleep(seconds)
    assert widget.received.empty(), widget.received.get_nowait()


async def _drain(widget: Widget) -> None:
    """Let the rest of a turn's messages arrive, and forget them."""
    await asyncio.sleep(1.0)
    while not widget.received.empty():
        widget.received.get_nowait()


def test_rasa_too_slow_gets_the_polite_notice_once_and_its_late_answer_is_never_shown(own_stack: Stack) -> None:
    pid = own_stack.rasa.pid
    assert pid is not None

    async def scenario() -> None:
        widget = Widget(own_stack.settings.gateway_url, "ro", "ro")
        conversation = await widget.open()
        await widget.say("cât costă livrarea?")
        assert "200 lei" in await widget.next_text()  # warm
        os.killpg(pid, signal.SIGSTOP)  # Rasa still accepts the connection but answers nothing in time
        try:
            await widget.say("cât durează livrarea?")
            assert await widget.next_text() == handoff_text("unavailable", "ro")
        finally:
            os.killpg(pid, signal.SIGCONT)
        await _nothing_more(widget, 3.0)  # Rasa answers the old message now: the gateway gave up on it
        await widget.say("cât costă livrarea?")
        assert "200 lei" in await widget.next_text()
        stored = _stored(own_stack.settings.database_url, conversation)
        assert ("customer", "cât durează livrarea?") in stored
        assert stored.count(("system", handoff_text("unavailable", "ro"))) == 1
        await widget.close()

    asyncio.run(scenario())


def test_a_reply_made_while_the_widget_was_away_comes_when_it_reconnects_and_only_then(own_stack: Stack) -> None:
    pid = own_stack.rasa.pid
    assert pid is not None
    answer = load_faq()["shipping_cost"].parts("fr", "fr")[0]
    database_url = own_stack.settings.database_url

    async def scenario() -> None:
        widget = Widget(own_stack.settings.gateway_url, "fr", "fr")
        conversation = await widget.open()
        os.killpg(pid, signal.SIGSTOP)  # the bot takes its time: the widget's connection drops meanwhile
        try:
            await widget.say(SHIPPING_FR)
            while ("customer", SHIPPING_FR) not in await asyncio.to_thread(_stored, database_url, conversation):
                await asyncio.sleep(0.1)
            await widget.close()
        finally:
            os.killpg(pid, signal.SIGCONT)
        while ("bot", answer) not in await asyncio.to_thread(_stored, database_url, conversation):
            await asyncio.sleep(0.1)

        back = Widget(own_stack.settings.gateway_url, "fr", "fr")
        assert await back.open(conversation) == conversation
        assert await back.next_text() == answer  # replayed from the transcript
        await _nothing_more(back, 2.0)  # once
        await back.close()
        reload = Widget(own_stack.settings.gateway_url, "fr", "fr")  # a page reload: it has everything
        assert await reload.open(conversation) == conversation
        await _nothing_more(reload, 2.0)
        await reload.close()

    asyncio.run(scenario())


def test_the_action_server_down_gets_the_polite_notice_and_answers_again_once_it_is_back(own_stack: Stack) -> None:
    async def scenario() -> None:
        widget = Widget(own_stack.settings.gateway_url, "fr", "fr")
        conversation = await widget.open()
        await widget.say("bonjour")  # the conversation starts while every service is up
        await widget.next_text()
        await _drain(widget)
        own_stack.actions.stop()
        try:
            await widget.say(SHIPPING_FR)
            assert await widget.next_text() == handoff_text("unavailable", "fr")
            await _nothing_more(widget, 1.0)
        finally:
            own_stack.actions.start()
            own_stack.actions.wait_ready(ACTION_START_TIMEOUT)
        await widget.say(SHIPPING_FR)
        assert await widget.next_text() == load_faq()["shipping_cost"].parts("fr", "fr")[0]
        stored = _stored(own_stack.settings.database_url, conversation)
        assert stored[stored.index(("customer", SHIPPING_FR)) + 1] == ("system", handoff_text("unavailable", "fr"))
        assert stored.count(("system", handoff_text("unavailable", "fr"))) == 1
        await widget.close()

    asyncio.run(scenario())


def test_a_conversation_begun_while_the_action_server_is_down_keeps_its_pages_shop_and_language(
    own_stack: Stack,
) -> None:
    """Rasa's session start (a custom action) failed: once the server is back, the page's shop and language hold."""

    async def scenario() -> None:
        widget = Widget(own_stack.settings.gateway_url, "ro", "ro")
        await widget.open()
        own_stack.actions.stop()
        try:
            await widget.say("cât costă livrarea?")  # the conversation's first message
            assert await widget.next_text() == handoff_text("unavailable", "ro")
            await _nothing_more(widget, 1.0)
        finally:
            own_stack.actions.start()
            own_stack.actions.wait_ready(ACTION_START_TIMEOUT)
        await widget.say("cât costă livrarea?")
        assert await widget.next_text() == load_faq()["shipping_cost"].parts("ro", "ro")[0]
        await widget.close()

    asyncio.run(scenario())


class StoppedPostgres:
    """The stack's PostgreSQL server stopped with `pg_ctl stop`, then started again on its data."""

    def __init__(self, admin_url: str) -> None:
        engine = make_engine(admin_url)
        try:
            with engine.connect() as connection:
                self.data = Path(str(connection.execute(text("SHOW data_directory")).scalar_one()))
        finally:
            engine.dispose()
        self.runner = ServerCommands(server_bin_dir(), cwd=self.data.parent)

    def __enter__(self) -> None:
        self.runner.run("pg_ctl", "stop", "--mode", "fast", "--wait", "--timeout", "30", "--pgdata", str(self.data))

    def __exit__(self, *exc: object) -> None:
        _start(self.runner, self.data, self.data.parent / "server.log")


def test_the_database_down_gets_a_polite_notice_from_memory_and_the_gateway_keeps_serving(own_stack: Stack) -> None:
    gateway = own_stack.settings.gateway_url

    async def scenario() -> None:
        widget = Widget(gateway, "fr", "en")
        conversation = await widget.open()
        await widget.say("how much is shipping?")
        assert "99" in await widget.next_text()
        with StoppedPostgres(own_stack.admin_url):
            await widget.say("and to Belgium?")
            assert await widget.next_text() == handoff_text("unavailable_not_saved", "en")  # from memory
            newcomer = Widget(gateway, "ro", "ro")
            await newcomer.client.connect(
                newcomer.url, headers={"Origin": gateway}, transports=["websocket"], wait_timeout=30
            )
            await newcomer.client.emit("session_request", {"session_id": None})
            assert await newcomer.next_text() == handoff_text("unavailable_not_saved", "ro")
            await newcomer.close()
            status, body = Agent(gateway).call("POST", "/api/agent/login", {"username": "a", "password": "b"})
            assert status != 200 and "Traceback" not in str(body) and "psycopg" not in str(body)
            assert own_stack.gateway.process is not None and own_stack.gateway.process.poll() is None
        await widget.say("how much is shipping?")
        assert "99" in await widget.next_text()
        await _nothing_more(widget, 1.0)
        stored = _stored(own_stack.settings.database_url, conversation)
        assert [text for author, text in stored if author == "customer"] == ["how much is shipping?"] * 2
        await widget.close()

    asyncio.run(scenario())


def test_a_widget_that_connects_while_the_database_restarts_gets_its_session_and_loses_no_message(
    own_stack: Stack,
) -> None:
    gateway, database_url = own_stack.settings.gateway_url, own_stack.settings.database_url

    async def connect(widget: Widget) -> None:
        await widget.client.connect(widget.url, headers={"Origin": gateway}, transports=["websocket"], wait_timeout=30)
        await widget.client.emit("session_request", {"session_id": None})

    async def scenario() -> None:
        restart = StoppedPostgres(own_stack.admin_url)
        restart.__enter__()
        try:
            short = Widget(gateway, "fr", "fr")
            await connect(short)
            await asyncio.sleep(2.0)  # a restart: the database is back within seconds
        finally:
            restart.__exit__()
        assert await asyncio.wait_for(short.confirmed.get(), 60)  # the session request waited it out
        assert short.received.empty()  # no notice: nothing went wrong for the customer
        await short.close()

        with StoppedPostgres(own_stack.admin_url):  # a longer outage: the notice, then the widget writes
            long = Widget(gateway, "ro", "ro")
            await connect(long)
            assert await long.next_text() == handoff_text("unavailable_not_saved", "ro")
        await long.say("cât costă livrarea?")  # the stock widget writes with the session it never got
        conversation = await asyncio.wait_for(long.confirmed.get(), 60)
        assert "200 lei" in await long.next_text()
        assert ("customer", "cât costă livrarea?") in _stored(database_url, conversation)
        await long.close()

    asyncio.run(scenario())


def test_rasa_down_gets_the_polite_notice_the_message_is_kept_and_the_bot_answers_once_it_is_back(
    own_stack: Stack,
) -> None:
    async def scenario_down() -> str:
        widget = Widget(own_stack.settings.gateway_url, "intl", "en")
        conversation = await widget.open()
        await widget.say("how long is delivery?")
        assert await widget.next_text() == handoff_text("unavailable", "en")
        await _nothing_more(widget, 1.0)
        await widget.close()
        return conversation

    async def scenario_back(conversation: str) -> None:
        widget = Widget(own_stack.settings.gateway_url, "intl", "en")
        assert await widget.open(conversation) == conversation
        await widget.say("how much is shipping?")
        assert "149" in await widget.next_text()
        await widget.close()

    own_stack.rasa.stop()
    try:
        conversation = asyncio.run(scenario_down())
    finally:
        own_stack.rasa.start()
        own_stack.rasa.wait_ready(RASA_START_TIMEOUT)
    assert _stored(own_stack.settings.database_url, conversation) == [
        ("customer", "how long is delivery?"),
        ("system", handoff_text("unavailable", "en")),
    ]
    asyncio.run(scenario_back(conversation))
