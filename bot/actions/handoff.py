"""`action_request_handoff`: pass the conversation to a person, with what the bot knows.

The bot sends one custom message `{"handoff": {...}}`; the gateway takes the conversation
out of the bot's hands, queues it for the agents and tells the customer in their language.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.language import conversation_language
from harmony.bot_protocol import HandoffSummary
from harmony.orders.verification import MAX_FAILED_ATTEMPTS

LAST_INTENTS = 5


def last_intents(events: list[dict[str, Any]], count: int = LAST_INTENTS) -> list[str]:
    """The customer's last intents, oldest first (FAQ topics as `faq/<topic>`)."""
    found: list[str] = []
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        name = str((parse.get("intent") or {}).get("name") or "")
        key = ((parse.get("response_selector") or {}).get("faq") or {}).get("response", {}).get("intent_response_key")
        found.append(str(key) if name == "faq" and key else name)
        if len(found) == count:
            break
    return list(reversed(found))


def handoff_summary(tracker: Tracker, reason: str, **known: Any) -> HandoffSummary:
    """What the agent sees first: language, verification, order, the bot's decision, last intents.

    `known` overrides slots the current action has just decided (e.g. the order it verified).
    """
    failures = int(tracker.get_slot("verification_failures") or 0)
    summary = HandoffSummary(
        reason=reason,
        language=conversation_language(tracker),
        shop=tracker.get_slot("shop"),
        verified_order=tracker.get_slot("verified_order"),
        verified_email=tracker.get_slot("verified_email_masked"),
        verification="verified"
        if tracker.get_slot("verified_order")
        else ("locked" if failures >= MAX_FAILED_ATTEMPTS else "not verified"),
        decision=tracker.get_slot("order_decision"),
        last_intents=tuple(last_intents(tracker.events)),
    )
    return replace(summary, **known)


def request_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, **known: Any) -> None:
    dispatcher.utter_message(json_message=handoff_summary(tracker, reason, **known).payload())


class ActionRequestHandoff(Action):
    """The customer asked for a person (words or button)."""

    def name(self) -> str:
        return "action_request_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        request_handoff(dispatcher, tracker, "customer_request")
        return []
