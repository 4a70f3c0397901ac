"""`action_validate_slot_mappings`: Rasa's global slot validation, run after every customer message.

Three jobs, each a function of its own module (one action call per message for all three):
- the conversation's shop and language come from the page's metadata when the session start
  never set them (the action server was down when the conversation began: Rasa does not run
  the session start again, and the conversation would answer for the default shop);
- the order question a message implies (`order_request`, `faq_is_about_order`:
  `bot.actions.order_context.order_request_events`);
- a pending cancellation question is withdrawn by any answer but a yes or a no
  (`bot.actions.order_context.withdrawn_cancellation`).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.conversation_start import starting_language, starting_shop
from bot.actions.order_context import order_request_events, withdrawn_cancellation
from harmony.settings import load_settings


def missing_context(tracker: Tracker) -> list[EventType]:
    """The shop and language of the page (message metadata), if the conversation has no shop yet."""
    if tracker.get_slot("shop"):
        return []
    metadata = tracker.latest_message.get("metadata") or {}
    metadata = metadata if isinstance(metadata, dict) else {}
    shop = starting_shop(metadata, None, load_settings().default_shop)
    language = starting_language(metadata, tracker.get_slot("language"), shop)
    return [SlotSet("shop", shop), SlotSet("language", language)]


class ValidateSlotMappings(ValidationAction):
    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        return [*missing_context(tracker), *order_request_events(tracker), *withdrawn_cancellation(dispatcher, tracker)]
