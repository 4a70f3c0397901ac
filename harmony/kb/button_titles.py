"""Button titles of the knowledge base, in fr, en and ro.

- the hand-off button ("talk to a support agent"): `button_title` of `kb/handoff.yml`;
- the plain intents offered by "did you mean ...?": `kb/intent_titles.yml`
  (the FAQ topics' titles are in `kb/faq/`, see `harmony.kb.faq`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from harmony.kb.handoff import HANDOFF_FILE, load_handoff_kb
from harmony.kb.markets import LANGUAGES
from harmony.kb.paths import KB_DIR

INTENT_TITLES_FILE = KB_DIR / "intent_titles.yml"


def _titles(raw: Any, where: str) -> dict[str, str]:
    """One title per language; raises ValueError naming what is missing."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a title per language ({', '.join(LANGUAGES)})")
    missing = [language for language in LANGUAGES if not str(raw.get(language) or "").strip()]
    if missing:
        raise ValueError(f"{where}: no title in {', '.join(missing)}")
    return {language: str(raw[language]).strip() for language in LANGUAGES}


@lru_cache(maxsize=4)
def handoff_button_titles(path: Path = HANDOFF_FILE) -> dict[str, str]:
    """The hand-off button's title by language (from the file `harmony.kb.handoff` reads)."""
    return _titles((load_handoff_kb(path) or {}).get("button_title"), f"{path.name}: button_title")


@lru_cache(maxsize=4)
def intent_titles(path: Path = INTENT_TITLES_FILE) -> dict[str, dict[str, str]]:
    """Button titles of the plain intents, by intent and language."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: expected titles by intent")
    return {str(intent): _titles(titles, f"{path.name}: {intent}") for intent, titles in raw.items()}
