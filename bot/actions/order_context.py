"""The order question of a message, decided after every customer message by Rasa's global slot
validation (`action_validate_slot_mappings`, bot/actions/slot_validation.py).

- `order_request_events` fills `order_request` when no order intent did: the question implied by
  order details ("has it shipped? HM-100106 ..."), or an FAQ-like follow-up right after an order
  answer ("and can I return it?"), which also sets `faq_is_about_order` so that a rule sends it to
  the order look-up instead of the FAQ answer. (It was a custom slot-mapping action of its own,
  `action_extract_order_request`: one more call to the action server per message.)
- `withdrawn_cancellation` withdraws a pending cancellation question on any answer but a yes or
  a no, and says so: only an explicit yes to the question just asked cancels (DESIGN §7).
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.order_conversation import OrderTurn, follow_up_request, implied_request, latest_intent

ANSWERS_TO_THE_QUESTION = frozenset({"affirm", "deny"})


def order_request_events(tracker: Tracker) -> list[EventType]:
    """The order question of a message that is not an order intent: a follow-up, or details with a question.

    Rasa's validation sees this message's slot mappings applied already. The only one that sets
    a slot read here is `order_request` for an order intent, and for those this reads neither
    `order_request` nor sets anything but `faq_is_about_order: null`: the answer is the one the
    separate slot-mapping action gave before them.
    """
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
