"""Who owns a conversation, and when agents are there."""

from datetime import datetime, timezone

import pytest

from harmony.gateway.handoff import (
    Change,
    HandoffError,
    agent_hours,
    bot_answers,
    handoff_text,
    load_handoff_kb,
    next_owner,
)
from harmony.settings import LANGUAGES, MARKETS


def test_a_full_handoff_round_trip() -> None:
    owner = "bot"
    for change, expected in [
        (Change.REQUEST_AGENT, "waiting"),
        (Change.CUSTOMER_WRITES, "waiting"),
        (Change.AGENT_TAKES, "agent"),
        (Change.CUSTOMER_WRITES, "agent"),
        (Change.HAND_BACK, "bot"),
        (Change.CLOSE, "closed"),
        (Change.CUSTOMER_WRITES, "bot"),
    ]:
        owner = next_owner(owner, change)
        assert owner == expected, change
    assert bot_answers("bot") and not bot_answers("waiting") and not bot_answers("agent")


@pytest.mark.parametrize(
    ("owner", "change"), [("bot", Change.HAND_BACK), ("closed", Change.CLOSE), ("closed", Change.AGENT_TAKES)]
)
def test_changes_that_make_no_sense_are_refused(owner: str, change: Change) -> None:
    with pytest.raises(HandoffError):
        next_owner(owner, change)


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
    assert set(kb["agent_hours"]) == set(MARKETS)
    for key, texts in kb["messages"].items():
        assert set(texts) == set(LANGUAGES), key
    assert handoff_text("queued", "ro", position="2").startswith("Transmit conversația")
