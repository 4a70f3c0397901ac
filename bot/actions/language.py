"""`action_switch_language`: the customer asked for a language by name (or by button)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from harmony.settings import LANGUAGES


def conversation_language(tracker: Tracker) -> str:
    """The conversation's language (English if the slot were ever empty)."""
    language = tracker.get_slot("language")
    return language if language in LANGUAGES else "en"


class ActionSwitchLanguage(Action):
    """Sets `language` when one was named; the rule then confirms in that language."""

    def name(self) -> str:
        return "action_switch_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        requested = next(tracker.get_latest_entity_values("requested_language"), None)
        if requested in LANGUAGES:
            return [SlotSet("language", requested)]
        return []
