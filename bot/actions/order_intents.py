"""The order intents, read from the one place that declares them: `bot/domain/orders.yml`.

No Rasa import: the action server and our NLU components (Rasa environment) both use it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from harmony.orders.references import looks_like_order_details

ORDERS_DOMAIN = Path(__file__).resolve().parent.parent / "domain" / "orders.yml"
DETAILS_INTENT = "inform"


@lru_cache(maxsize=1)
def _orders_domain() -> dict[str, Any]:
    loaded = yaml.safe_load(ORDERS_DOMAIN.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


@lru_cache(maxsize=1)
def order_intents() -> frozenset[str]:
    """Every intent of the order conversation: the order questions and `inform` (details only)."""
    return frozenset(str(name) for name in _orders_domain().get("intents") or [])


@lru_cache(maxsize=1)
def order_requests() -> tuple[str, ...]:
    """The order questions (track, cancel, return, modify): the intents that set `order_request`."""
    mappings = _orders_domain()["slots"]["order_request"]["mappings"]
    return tuple(str(m["intent"]) for m in mappings if m.get("type") == "from_intent")


def details_intent(predicted: str | None, text: str) -> str | None:
    """`inform` for a message that is essentially order details, unless the model took it for an order intent.

    Order numbers and e-mail addresses are patterns, not language: "claire.martin@example.fr"
    alone once came out as `affirm`, "HM-100104 / sophie.bernard@example.fr" as a password question.
    """
    if predicted not in order_intents() and looks_like_order_details(text):
        return DETAILS_INTENT
    return None
