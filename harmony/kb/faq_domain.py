"""Generate `bot/domain/faq.yml` (the FAQ responses) from `kb/faq/`.

Each topic gets `utter_faq/<topic>`, its answer's first chat message, with one variation per
market and language chosen by the `shop` and `language` slots. An answer of two messages
also gets `utter_faq/<topic>/more`, its second message, with variations for the markets and
languages whose answer has one; `action_answer_faq` sends it right after the first. (Named
under `utter_faq/`, it is one more response of the retrieval intent's family, which only the
action uses, as `rasa data validate` expects of `utter_faq`.) The hand-off button, where the
entry offers an agent, is on the answer's last message.
`make train` regenerates the file before training; a test keeps the committed copy current.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harmony.kb.button_titles import handoff_button_titles
from harmony.kb.faq import FaqEntry, load_faq
from harmony.kb.markets import LANGUAGES, market_codes
from harmony.settings import PROJECT_ROOT

FAQ_DOMAIN = PROJECT_ROOT / "bot" / "domain" / "faq.yml"
HANDOFF_PAYLOAD = "/human_handoff"
DEFAULT_MARKET, DEFAULT_LANGUAGE = "intl", "en"  # the variation without a condition
HEADER = "# GENERATED from kb/faq/*.yml by `python -m harmony build-faq` (run by `make train`): do not edit.\n"


def first_response(topic: str) -> str:
    return f"utter_faq/{topic}"


def more_response(topic: str) -> str:
    return f"utter_faq/{topic}/more"


def variant_of(shop: Any, language: Any) -> tuple[str, str]:
    """The market and language whose variation Rasa picks for these slot values.

    A variation's condition needs both slots; otherwise Rasa takes the one without a condition.
    """
    if shop in market_codes() and language in LANGUAGES:
        return str(shop), str(language)
    return DEFAULT_MARKET, DEFAULT_LANGUAGE


def _message(entry: FaqEntry, market: str, language: str, index: int, handoff: dict[str, str]) -> dict[str, Any]:
    parts = entry.parts(market, language)
    message: dict[str, Any] = {"text": parts[index]}
    if market in entry.offer_agent and index == len(parts) - 1:
        message["buttons"] = [{"title": handoff[language], "payload": HANDOFF_PAYLOAD}]
    return message


def _variations(entry: FaqEntry, index: int, handoff: dict[str, str]) -> list[dict[str, Any]]:
    """The `index`-th message of the answer for every market and language that has one."""
    variations = [
        {
            "condition": [
                {"type": "slot", "name": "shop", "value": market},
                {"type": "slot", "name": "language", "value": language},
            ],
            **_message(entry, market, language, index, handoff),
        }
        for market in market_codes()
        for language in LANGUAGES
        if len(entry.parts(market, language)) > index
    ]
    if len(entry.parts(DEFAULT_MARKET, DEFAULT_LANGUAGE)) > index:
        variations.append(_message(entry, DEFAULT_MARKET, DEFAULT_LANGUAGE, index, handoff))
    return variations


def faq_domain(entries: dict[str, FaqEntry]) -> dict[str, Any]:
    handoff = handoff_button_titles()
    responses: dict[str, list[dict[str, Any]]] = {}
    for topic in sorted(entries):
        responses[first_response(topic)] = _variations(entries[topic], 0, handoff)
        more = _variations(entries[topic], 1, handoff)
        if more:
            responses[more_response(topic)] = more
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
