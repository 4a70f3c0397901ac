"""The shops (markets) of the group, as described in `kb/markets.yml`: the one list of markets.

Also the one rule that turns what a shop page says (its shop, its language, e.g. `fr-FR`)
into a conversation's starting shop and language; the gateway and the bot both use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from harmony.kb.paths import KB_DIR

MARKETS_FILE = KB_DIR / "markets.yml"
LANGUAGES = ("fr", "en", "ro")  # every text of the product exists in these


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


@dataclass(frozen=True)
class PageContext:
    """The shop and language a conversation starts with."""

    shop: str
    language: str


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


def market_codes() -> tuple[str, ...]:
    return tuple(load_markets())


def known_shop(raw: Any) -> str | None:
    """`raw` when it names a market, else None."""
    return raw if isinstance(raw, str) and raw in load_markets() else None


def known_language(raw: Any) -> str | None:
    """A language of the product from a page's value (`fr`, `fr-FR`, ` RO `), else None."""
    if not isinstance(raw, str):
        return None
    code = raw.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGUAGES else None


def named_page(shop: Any, language: Any) -> PageContext | None:
    """What a page names: its shop (None if it names no market) and its language (else the shop's first)."""
    market = known_shop(shop)
    if market is None:
        return None
    return PageContext(market, known_language(language) or load_markets()[market].first_language)


def page_context(shop: Any, language: Any, default_shop: str) -> PageContext:
    """The page's shop (else `default_shop`) and its language (else the shop's first language)."""
    return named_page(shop, language) or PageContext(
        default_shop, known_language(language) or load_markets()[default_shop].first_language
    )


def known_context(shop: Any, language: Any) -> PageContext | None:
    """Both a market and a language of the product, else None (e.g. as the bot reports them)."""
    market, code = known_shop(shop), known_language(language)
    return PageContext(market, code) if market and code else None
