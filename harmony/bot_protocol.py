"""The report the bot adds to every turn's replies: the shop and language it answers with.

The bot owns both (the sticky language, a verified order's market); the gateway keeps a copy
for what it says itself (queue place, limits, "unavailable") and sends it back with the next
message, so both always agree. Crosses the Rasa -> gateway boundary as a custom payload:
`{"custom": {"conversation": {"shop": "ro", "language": "en"}}}`; defined here only.
"""

from __future__ import annotations

from typing import Any

from harmony.kb.markets import PageContext, known_context

REPORT_KEY = "conversation"


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
