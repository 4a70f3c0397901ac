"""Who owns a conversation (bot, waiting for an agent, an agent, closed), and agent hours.

Pure rules, no I/O: the gateway applies them to the stored conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from harmony.settings import PROJECT_ROOT

HANDOFF_FILE = PROJECT_ROOT / "kb" / "handoff.yml"


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


@dataclass(frozen=True)
class AgentHours:
    time_zone: str
    days: frozenset[int]
    opens: time
    closes: time

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(ZoneInfo(self.time_zone))
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, now: datetime) -> datetime:
        """The next moment agents are available (now if they are)."""
        if self.is_open(now):
            return now
        zone = ZoneInfo(self.time_zone)
        local = now.astimezone(zone)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            opening = datetime.combine(day, self.opens, tzinfo=zone)
            if day.weekday() in self.days and opening > local:
                return opening
        raise HandoffError("agent hours have no working day")


@lru_cache(maxsize=2)
def load_handoff_kb(path: Path = HANDOFF_FILE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def agent_hours(shop: str, path: Path = HANDOFF_FILE) -> AgentHours:
    raw = load_handoff_kb(path)["agent_hours"][shop]
    return AgentHours(
        time_zone=raw["time_zone"],
        days=frozenset(raw["days"]),
        opens=time.fromisoformat(raw["opens"]),
        closes=time.fromisoformat(raw["closes"]),
    )


def handoff_text(key: str, language: str, **values: str) -> str:
    template: str = load_handoff_kb()["messages"][key][language]
    return template.format(**values)
