"""One clock for every process: fixed and running clocks, and HARMONY_CLOCK_START reaching each user of "now"."""

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from bot.actions.order_conversation import OrderTurn
from harmony.agents.accounts import create_agent
from harmony.clock import SYSTEM_CLOCK, FixedClock, OffsetClock, clock_starting_at, process_clock
from harmony.db.engine import create_schema, make_engine, session_factory
from harmony.db.models import Order
from harmony.fixtures.loader import load_fixture
from harmony.fixtures.schema import parse_fixture
from harmony.gateway.service import ChatService
from harmony.launcher.stack import service_env
from harmony.orders.store import OrderStore
from harmony.settings import load_settings
from tests.one_order import one_order_fixture

PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc
ONE_ORDER = one_order_fixture("HM-100101", "claire.martin@example.fr", "placed 2 h before the clock's now")


def _tracker() -> Tracker:
    latest = {"text": "", "intent": {"name": "track_order", "confidence": 1.0}, "entities": []}
    return Tracker("c1", {"language": "fr"}, latest, [], False, None, {}, "action_listen")


def test_a_fixed_clock_shows_its_instant_in_utc_until_a_test_moves_it() -> None:
    clock = FixedClock(datetime(2026, 12, 8, 10, 0, tzinfo=PARIS))
    assert clock.now() == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)
    clock.advance(timedelta(minutes=90))
    assert clock.now() == datetime(2026, 12, 8, 10, 30, tzinfo=UTC)


def test_a_clock_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="naive"):
        FixedClock(datetime(2026, 12, 8, 10, 0))
    with pytest.raises(ValueError, match="naive"):
        OffsetClock(datetime(2026, 12, 8, 10, 0))


def test_an_offset_clock_starts_at_its_instant_and_runs_forward_with_its_source() -> None:
    source = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    clock = OffsetClock(datetime(2026, 12, 8, 9, 0, tzinfo=UTC), source)
    assert clock.now() == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    source.advance(timedelta(hours=3, seconds=5))
    assert clock.now() == datetime(2026, 12, 8, 12, 0, 5, tzinfo=UTC)


def test_without_the_setting_a_process_runs_on_the_system_clock() -> None:
    assert process_clock({}) is SYSTEM_CLOCK
    assert clock_starting_at(None) is SYSTEM_CLOCK
    before = datetime.now(UTC)
    assert before <= SYSTEM_CLOCK.now() <= datetime.now(UTC)


def test_the_setting_starts_one_running_clock_per_process() -> None:
    env = {"HARMONY_CLOCK_START": "2031-03-04T10:00:00+01:00"}
    clock = process_clock(env)
    assert process_clock(env) is clock  # every part of the process reads the same clock
    start = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
    assert start <= clock.now() < start + timedelta(minutes=1)
    assert clock_starting_at(start) is clock


def test_the_launcher_gives_the_services_the_clock_of_its_settings() -> None:
    pinned = load_settings({"HARMONY_CLOCK_START": "2026-12-08T10:00:00+01:00"})
    assert service_env(pinned, {})["HARMONY_CLOCK_START"] == "2026-12-08T09:00:00+00:00"
    stray = {"HARMONY_CLOCK_START": "2020-01-01T00:00:00Z"}  # in the shell, but not in these settings
    assert "HARMONY_CLOCK_START" not in service_env(load_settings({}), stray)


def test_the_gateway_the_order_actions_the_loader_and_accounts_read_the_pinned_clock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HARMONY_CLOCK_START", "2032-05-11T10:00:00+02:00")
    start = datetime(2032, 5, 11, 8, 0, tzinfo=UTC)
    clock = process_clock()
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    try:
        create_schema(engine)
        sessions = session_factory(engine)
        assert ChatService(sessions, "http://127.0.0.1:1", 1.0, "fr", lambda: 0).clock is clock
        turn = OrderTurn(CollectingDispatcher(), _tracker(), OrderStore(url))
        assert start <= turn.now < start + timedelta(minutes=1)
        with sessions.begin() as session:
            load_fixture(session, parse_fixture(ONE_ORDER))
            agent = create_agent(session, "marie", "Marie", "correct horse battery")
            assert start <= agent.created_at < start + timedelta(minutes=1)
        with sessions() as session:
            placed = session.scalars(select(Order.placed_at)).one()
        assert timedelta(0) <= placed - (start - timedelta(hours=2)) < timedelta(minutes=1)
    finally:
        engine.dispose()


def test_an_order_turn_takes_now_from_the_clock_it_is_given() -> None:
    clock = FixedClock(datetime(2026, 3, 29, 3, 30, tzinfo=PARIS))
    turn = OrderTurn(CollectingDispatcher(), _tracker(), OrderStore("sqlite://"), clock)
    assert turn.now == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
