"""What the bot sends the gateway besides its replies, defined here only (DESIGN §10).

The hand-off summary (`HandoffSummary`, `{"custom": {"handoff": {...}}}`): the bot asks for a
person and says what it knows; the gateway queues the conversation and shows it to the agents.

The report the bot adds to every turn's replies: the shop and language it answers with.

The bot owns both (the sticky language, a verified order's market); the gateway keeps a copy
for what it says itself (queue place, limits, "unavailable") and sends it back with the next
message, so both always agree. Crosses the Rasa -> gateway boundary as a custom payload:
`{"custom": {"conversation": {"shop": "ro", "language": "en"}}}`; defined here only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from harmony.kb.markets import PageContext, known_context, known_language, known_shop

REPORT_KEY = "conversation"
HANDOFF_KEY = "handoff"


@dataclass(frozen=True)
class HandoffSummary:
    """What the agent sees first when the bot passes a conversation to a person."""

    reason: str  # e.g. "customer_request", "faq/damaged_item", "modification"
    language: str | None = None
    shop: str | None = None  # a verified order's market, else the conversation's
    verified_order: str | None = None
    verified_email: str | None = None  # masked: c***@example.fr
    verification: str = "not verified"  # "verified", "locked" or "not verified"
    decision: str | None = None  # the bot's last policy decision on the order
    last_intents: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"last_intents": list(self.last_intents)}

    def payload(self) -> dict[str, Any]:
        """The custom payload that carries this summary."""
        return {HANDOFF_KEY: self.as_dict()}


def _text(raw: dict[str, Any], name: str, limit: int) -> str | None:
    value = raw.get(name)
    return str(value)[:limit] if isinstance(value, (str, int, float)) and str(value) else None


def read_handoff(custom: Any) -> HandoffSummary | None:
    """The summary a custom payload carries, or None; wrong types and unknown values are dropped."""
    if not isinstance(custom, dict) or not isinstance(custom.get(HANDOFF_KEY), dict):
        return None
    raw = custom[HANDOFF_KEY]
    intents = raw.get("last_intents")
    return HandoffSummary(
        reason=_text(raw, "reason", 64) or "customer_request",
        language=known_language(raw.get("language")),
        shop=known_shop(raw.get("shop")),
        verified_order=_text(raw, "verified_order", 32),
        verified_email=_text(raw, "verified_email", 254),
        verification=_text(raw, "verification", 32) or "not verified",
        decision=_text(raw, "decision", 500),
        last_intents=tuple(str(i)[:64] for i in intents[:10]) if isinstance(intents, list) else (),
    )


def context_report(context: PageContext) -> dict[str, Any]:
    """The custom payload that carries `context`."""
    return {REPORT_KEY: {"shop": context.shop, "language": context.language}}


def read_context_report(custom: Any) -> PageContext | None:
    """The context a custom payload reports, or None if it is not a (valid) report."""
    if not isinstance(custom, dict) or not isinstance(custom.get(REPORT_KEY), dict):
        return None
    report = custom[REPORT_KEY]
    return known_context(report.get("shop"), report.get("language"))


def split_context_report(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], PageContext | None]:
    """The messages meant for the customer, and the context the turn reported (if any)."""
    shown: list[dict[str, Any]] = []
    context: PageContext | None = None
    for message in messages:
        custom = message.get("custom")
        if not (isinstance(custom, dict) and REPORT_KEY in custom):
            shown.append(message)
        else:  # a report, even one naming no known shop or language, is never shown
            context = read_context_report(custom) or context
    return shown, context
