"""What `kb/handoff.yml` says: when each shop's agents answer, and the hand-off notices.

The notices are what the gateway tells a customer around a hand-off and about the limits of
the chat (queue place, agents away, agent joined, handed back, size and rate limits), in
fr, en and ro.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from harmony.kb.paths import KB_DIR

HANDOFF_FILE = KB_DIR / "handoff.yml"


class AgentHoursError(ValueError):
    """The agent hours of a shop name no working day."""


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
        raise AgentHoursError("agent hours have no working day")


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
    """The notice `key` in `language`, its {placeholders} filled from `values`."""
    template: str = load_handoff_kb()["messages"][key][language]
    return template.format(**values)
