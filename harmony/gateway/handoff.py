"""Who owns a conversation (bot, waiting for an agent, an agent, closed).

Pure rules, no I/O: the gateway applies them to the stored conversation. Agent hours and
the hand-off notices are knowledge-base data (`harmony.kb.handoff`).
"""

from __future__ import annotations

from enum import Enum


class HandoffError(ValueError):
    """A change of owner that makes no sense now (e.g. handing back a conversation nobody took)."""


class Change(Enum):
    REQUEST_AGENT = "request_agent"  # the bot (or the customer) asks for a person
    AGENT_TAKES = "agent_takes"
    HAND_BACK = "hand_back"  # the agent gives the conversation back to the bot
    CLOSE = "close"
    CUSTOMER_WRITES = "customer_writes"


_ALLOWED: dict[Change, dict[str, str]] = {
    Change.REQUEST_AGENT: {"bot": "waiting", "closed": "waiting", "waiting": "waiting", "agent": "agent"},
    Change.AGENT_TAKES: {"waiting": "agent", "bot": "agent", "agent": "agent"},
    Change.HAND_BACK: {"agent": "bot", "waiting": "bot"},
    Change.CLOSE: {"agent": "closed", "waiting": "closed", "bot": "closed"},
    Change.CUSTOMER_WRITES: {"closed": "bot", "bot": "bot", "waiting": "waiting", "agent": "agent"},
}


def next_owner(owner: str, change: Change) -> str:
    """The owner after `change`; raises `HandoffError` when the change does not apply."""
    try:
        return _ALLOWED[change][owner]
    except KeyError:
        raise HandoffError(f"cannot {change.value} a conversation owned by {owner!r}") from None


def bot_answers(owner: str) -> bool:
    """While an agent owns the conversation (or one is awaited) the bot stays silent."""
    return owner == "bot"
