"""Labels predicted by a trained model, in the label set of `intents.yml`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

INTERNAL_INTENTS = {"nlu_fallback", "message_empty", "message_too_long", "message_unreadable"}
RETRIEVAL_INTENT = "faq"


def label_of(parse: dict[str, Any]) -> str:
    """`faq/<topic>` for FAQ questions, the intent otherwise; below the fallback threshold: out_of_scope."""
    intent = (parse.get("intent") or {}).get("name")
    if not intent or intent in INTERNAL_INTENTS:
        return "out_of_scope"
    if intent == RETRIEVAL_INTENT:
        selected = (parse.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
        key = (selected.get("response") or {}).get("intent_response_key")
        return str(key) if key else "out_of_scope"
    return str(intent)


class Predictor:
    """Loads a model once and labels texts with it (the full NLU pipeline, fallback included)."""

    def __init__(self, model: Path) -> None:
        import logging

        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)  # Rasa logs every parsed text at debug level
        logging.getLogger("rasa").setLevel(logging.WARNING)
        self._agent = Agent.load(str(model))
        self._loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict[str, Any]:
        parse: dict[str, Any] = self._loop.run_until_complete(self._agent.parse_message(text))
        return parse

    def label(self, text: str) -> str:
        return label_of(self.parse(text))

    def close(self) -> None:
        self._loop.close()
