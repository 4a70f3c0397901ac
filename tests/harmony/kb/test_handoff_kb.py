"""When each shop's agents are there, and the hand-off notices in every language (`kb/handoff.yml`)."""

from datetime import datetime, timezone

from harmony.kb.handoff import agent_hours, handoff_text, load_handoff_kb
from harmony.kb.markets import LANGUAGES, market_codes


def test_agent_hours_in_the_shop_zone() -> None:
    intl = agent_hours("intl")  # Monday to Friday 10:00-15:00 Pacific time
    saturday = datetime(2026, 11, 21, 20, 0, tzinfo=timezone.utc)
    monday_morning = datetime(2026, 11, 23, 18, 30, tzinfo=timezone.utc)  # 10:30 in Los Angeles
    assert not intl.is_open(saturday)
    assert intl.is_open(monday_morning)
    assert intl.next_opening(saturday) == datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc)
    assert intl.next_opening(monday_morning) == monday_morning


def test_every_shop_has_hours_and_every_message_every_language() -> None:
    kb = load_handoff_kb()
    assert set(kb["agent_hours"]) == set(market_codes())
    for key, texts in kb["messages"].items():
        assert set(texts) == set(LANGUAGES), key
    assert handoff_text("queued", "ro", position="2").startswith("Transmit conversația")
