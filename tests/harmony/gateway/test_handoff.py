"""Who owns a conversation."""

import pytest

from harmony.gateway.handoff import Change, HandoffError, bot_answers, next_owner


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
