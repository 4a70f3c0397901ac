"""Pure rules for the shop and language a conversation starts with (no Rasa import).

The page's values are read by `harmony.kb.markets` (the same rule as the gateway's).
"""

from __future__ import annotations

from typing import Any, Mapping

from harmony.kb.markets import known_language, known_shop, load_markets


def starting_shop(metadata: Mapping[str, Any], current: str | None, default: str) -> str:
    """The page's shop when valid, else the one the conversation had, else the default."""
    return known_shop(metadata.get("shop")) or known_shop(current) or default


def starting_language(metadata: Mapping[str, Any], current: str | None, shop: str) -> str:
    """The language the conversation had; else the page's language; else the shop's first."""
    return known_language(current) or known_language(metadata.get("language")) or load_markets()[shop].first_language
