"""Custom slot mappings, run by Rasa after every customer message (`action_extract_slots`).

- `action_extract_order_request` fills `order_request` when no order intent did: the question
  implied by order details ("has it shipped? HM-100106 ..."), or an FAQ-like follow-up right
  after an order answer ("and can I return it?"), which also sets `faq_is_about_order` so
  that a rule sends it to the order look-up instead of the FAQ answer.
- `withdrawn_cancellation` (called by Rasa's global slot validation, `bot/actions/slot_validation.py`,
  the one whose messages Rasa sends) withdraws a pending cancellation question on any answer
  but a yes or a no, and says so: only an explicit yes to the question just asked cancels
  (DESIGN §7).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.order_conversation import OrderTurn, follow_up_request, implied_request, latest_intent

ANSWERS_TO_THE_QUESTION = frozenset({"affirm", "deny"})


class ActionExtractOrderRequest(Action):
    """The order question of a message that is not an order intent: a follow-up, or details with a question."""

    def name(self) -> str:
        return "action_extract_order_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        follow_up = follow_up_request(tracker)
        if follow_up:
            return [SlotSet("order_request", follow_up), SlotSet("faq_is_about_order", True)]
        events: list[EventType] = []
        if tracker.get_slot("faq_is_about_order") is not None:  # true for one message only
            events.append(SlotSet("faq_is_about_order", None))
        if latest_intent(tracker) == "inform" and not tracker.get_slot("order_request"):
            implied = implied_request(tracker.latest_message)
            if implied:
                events.append(SlotSet("order_request", implied))
        return events


def withdrawn_cancellation(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The question stays pending for a yes or a no only; anything else withdraws it, and says so."""
    pending = tracker.get_slot("cancellation_pending")
    if not pending or latest_intent(tracker) in ANSWERS_TO_THE_QUESTION:
        return []
    OrderTurn(dispatcher, tracker).say_message("cancel_not_confirmed", number=str(pending))
    return [SlotSet("cancellation_pending", None)]
