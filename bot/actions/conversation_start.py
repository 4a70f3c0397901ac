"""Pure rules for the shop and language a conversation starts with (no Rasa import)."""

from __future__ import annotations

from typing import Any, Mapping

from harmony.kb.markets import load_markets
from harmony.settings import LANGUAGES


def starting_shop(metadata: Mapping[str, Any], current: str | None, default: str) -> str:
    """The page's shop when valid, else the one the conversation had, else the default."""
    markets = load_markets()
    page_shop = metadata.get("shop")
    if isinstance(page_shop, str) and page_shop in markets:
        return page_shop
    return current if current in markets else default


def starting_language(metadata: Mapping[str, Any], current: str | None, shop: str) -> str:
    """The language the conversation had; else the page's language; else the shop's first."""
    if current in LANGUAGES:
        return str(current)
    page_language = metadata.get("language")
    if isinstance(page_language, str):
        page_language = page_language.strip().lower()[:2]
        if page_language in LANGUAGES:
            return page_language
    return load_markets()[shop].first_language
