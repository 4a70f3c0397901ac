"""`action_session_start`: a new session keeps the conversation's language and shop."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.conversation_start import starting_language, starting_shop
from harmony.settings import load_settings


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        if not isinstance(metadata, dict):
            metadata = {}
        shop = starting_shop(metadata, tracker.get_slot("shop"), load_settings().default_shop)
        language = starting_language(metadata, tracker.get_slot("language"), shop)
        return [
            SessionStarted(),
            SlotSet("shop", shop),
            SlotSet("language", language),
            ActionExecuted("action_listen"),
        ]
