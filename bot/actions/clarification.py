"""Pure logic of "did you mean ...?": candidates from the NLU ranking, repeated failures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

MAX_SUGGESTIONS = 3
MIN_CANDIDATE_CONFIDENCE = 0.05


@dataclass(frozen=True)
class Suggestion:
    """A "did you mean" button: its title in the conversation's language and its payload."""

    title: str
    payload: str


def candidates(parse: Mapping[str, Any], suggestible_intents: Iterable[str]) -> list[str]:
    """Best guesses, best first, as `faq/<topic>` or intent names (of `suggestible_intents`); at most three."""
    suggestible = frozenset(suggestible_intents)
    found: list[str] = []
    topics = ((parse.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
    for ranked in parse.get("intent_ranking") or []:
        name, confidence = ranked.get("name"), float(ranked.get("confidence") or 0)
        if confidence < MIN_CANDIDATE_CONFIDENCE:
            continue
        if name == "faq":
            found += [str(t["intent_response_key"]) for t in topics[:MAX_SUGGESTIONS] if t.get("intent_response_key")]
        elif name in suggestible:
            found.append(str(name))
    unique = list(dict.fromkeys(found))
    return unique[:MAX_SUGGESTIONS]


def suggestions(
    names: Iterable[str],
    language: str,
    faq_titles: Mapping[str, Mapping[str, str]],
    intent_titles: Mapping[str, Mapping[str, str]],
) -> list[Suggestion]:
    """Buttons titled in `language`; names without a title are left out."""
    buttons = []
    for name in names:
        if name.startswith("faq/"):
            topic = name.split("/", 1)[1]
            if topic in faq_titles:
                payload = "/faq" + json.dumps({"faq_topic": topic})
                buttons.append(Suggestion(faq_titles[topic][language], payload))
        elif name in intent_titles:
            buttons.append(Suggestion(intent_titles[name][language], f"/{name}"))
    return buttons


def is_second_failure_in_a_row(events: list[dict[str, Any]]) -> bool:
    """True when the customer's previous message was not understood either."""
    user_intents = [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in events
        if event.get("event") == "user"
    ]
    return len(user_intents) >= 2 and user_intents[-2] == "nlu_fallback"
