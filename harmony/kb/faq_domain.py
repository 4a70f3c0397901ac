"""Generate `bot/domain/faq.yml` (the `utter_faq/<topic>` responses) from `kb/faq/`.

Each topic gets one response variation per market and language, chosen by the `shop`
and `language` slots, so the knowledge base stays the single source of the answers.
`make train` regenerates it before training; a test keeps the committed copy current.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harmony.kb.button_titles import handoff_button_titles
from harmony.kb.faq import FaqEntry, load_faq
from harmony.settings import LANGUAGES, MARKETS, PROJECT_ROOT

FAQ_DOMAIN = PROJECT_ROOT / "bot" / "domain" / "faq.yml"
HANDOFF_PAYLOAD = "/human_handoff"
DEFAULT_MARKET, DEFAULT_LANGUAGE = "intl", "en"
HEADER = "# GENERATED from kb/faq/*.yml by `python -m harmony build-faq` (run by `make train`): do not edit.\n"


def _variation(entry: FaqEntry, market: str, language: str, handoff: dict[str, str]) -> dict[str, Any]:
    variation: dict[str, Any] = {"text": entry.answer(market, language)}
    if market in entry.offer_agent:
        variation["buttons"] = [{"title": handoff[language], "payload": HANDOFF_PAYLOAD}]
    return variation


def faq_domain(entries: dict[str, FaqEntry]) -> dict[str, Any]:
    handoff = handoff_button_titles()
    responses: dict[str, list[dict[str, Any]]] = {}
    for topic in sorted(entries):
        entry = entries[topic]
        variations = [
            {
                "condition": [
                    {"type": "slot", "name": "shop", "value": market},
                    {"type": "slot", "name": "language", "value": language},
                ],
                **_variation(entry, market, language, handoff),
            }
            for market in MARKETS
            for language in LANGUAGES
        ]
        variations.append(_variation(entry, DEFAULT_MARKET, DEFAULT_LANGUAGE, handoff))
        responses[f"utter_faq/{topic}"] = variations
    return {"version": "3.1", "responses": responses}


def render_faq_domain(entries: dict[str, FaqEntry] | None = None) -> str:
    body = yaml.safe_dump(
        faq_domain(entries if entries is not None else load_faq()),
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
    )
    return HEADER + body


def write_faq_domain(path: Path = FAQ_DOMAIN) -> bool:
    """Regenerate the file; returns True when its content changed."""
    text = render_faq_domain()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
