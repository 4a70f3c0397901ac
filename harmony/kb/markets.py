"""The shops (markets) of the group, as described in `kb/markets.yml`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from harmony.settings import PROJECT_ROOT

MARKETS_FILE = PROJECT_ROOT / "kb" / "markets.yml"


@dataclass(frozen=True)
class Market:
    code: str
    name: str
    currency: str
    time_zone: str
    languages: tuple[str, ...]

    @property
    def first_language(self) -> str:
        return self.languages[0]


@lru_cache(maxsize=4)
def load_markets(path: Path = MARKETS_FILE) -> dict[str, Market]:
    """All markets by code; cached because the file only changes with a deployment."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["markets"]
    return {
        code: Market(
            code=code,
            name=entry["name"],
            currency=entry["currency"],
            time_zone=entry["time_zone"],
            languages=tuple(entry["languages"]),
        )
        for code, entry in raw.items()
    }
