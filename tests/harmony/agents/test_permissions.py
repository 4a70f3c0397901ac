"""Who may see a conversation: the rule the console's desk applies (pure, every case)."""

from __future__ import annotations

import pytest

from harmony.agents.permissions import Actor, belongs_to_another, may_see

MARIE, PAUL, ADA = Actor(1, "Marie"), Actor(2, "Paul"), Actor(3, "Ada", "admin")


@pytest.mark.parametrize(
    ("owner", "agent_id", "marie", "paul", "ada"),
    [
        ("waiting", None, True, True, True),  # the queue is everyone's
        ("waiting", 1, True, True, True),  # back in the queue after Marie had it
        ("agent", 1, True, False, True),  # Marie's now
        ("closed", 1, True, False, True),  # Marie closed it: she may read it again
        ("bot", 1, True, False, True),  # Marie handed it back: she took it last
        ("bot", None, False, False, True),  # never handed off: admins only
        ("closed", None, False, False, True),
    ],
)
def test_who_may_see(owner: str, agent_id: int | None, marie: bool, paul: bool, ada: bool) -> None:
    assert [may_see(actor, owner, agent_id) for actor in (MARIE, PAUL, ADA)] == [marie, paul, ada]


def test_only_a_conversation_another_agent_has_now_belongs_to_another() -> None:
    assert belongs_to_another(PAUL, "agent", 1)
    assert not belongs_to_another(MARIE, "agent", 1)
    assert not belongs_to_another(ADA, "agent", 1)  # an admin may act on it
    assert not belongs_to_another(PAUL, "closed", 1)  # not hers any more: refused as not found instead
    assert MARIE.audit_name == "agent:1" and not MARIE.is_admin and ADA.is_admin
