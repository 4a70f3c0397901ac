"""Runs the order actions turn by turn with real rasa_sdk trackers, as Rasa would call them.

Slots set by an action are carried to the next turn and its events are kept, so the
actions see the same history they see behind the real Rasa server.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.faq import ActionAnswerFaq
from bot.actions.orders import ActionAnswerOrderQuestion, ActionCollectOrderDetails, ActionResolveConfirmation

ACTION_OF_INTENT: dict[str, Action] = {
    "track_order": ActionAnswerOrderQuestion(),
    "cancel_order": ActionAnswerOrderQuestion(),
    "return_order": ActionAnswerOrderQuestion(),
    "modify_order": ActionAnswerOrderQuestion(),
    "inform": ActionCollectOrderDetails(),
    "affirm": ActionResolveConfirmation(),
    "deny": ActionResolveConfirmation(),
    "faq": ActionAnswerFaq(),
}


@dataclass
class OrderChat:
    language: str = "en"
    shop: str = "fr"
    sender_id: str = "conversation-1"
    slots: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots.update({"language": self.language, "shop": self.shop})

    def say(self, text: str, intent: str) -> list[dict[str, Any]]:
        """The customer's message (already classified as `intent`, or `faq/<topic>`); the bot's messages."""
        intent, _, topic = intent.partition("/")
        latest: dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
        if topic:
            latest["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{topic}"}, "ranking": []}}
        self.events.append({"event": "user", "text": text, "parse_data": latest})
        action = ACTION_OF_INTENT[intent]
        tracker = Tracker(self.sender_id, dict(self.slots), latest, list(self.events), False, None, {}, "action_listen")
        dispatcher = CollectingDispatcher()
        new_events = asyncio.run(action.run(dispatcher, tracker, {}))
        self.events.append({"event": "action", "name": action.name()})
        for event in new_events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
            self.events.append(event)
        return dispatcher.messages

    def text(self, text: str, intent: str) -> str:
        """The bot's replies to one message, joined."""
        return "\n".join(str(m.get("text") or m.get("response") or m.get("custom")) for m in self.say(text, intent))
