"""Runs the order conversation turn by turn as Rasa would, with real rasa_sdk trackers.

One customer message goes through what the Rasa server does with it: the NLU pipeline's last
step (order details become `inform`), the slot mappings (`order_request` from the order
intents, then the custom mapping actions), then the rules of bot/data/rules.yml, including
`order_lookup_form` (its validation action, its ask actions, a rejection when the message
gives nothing it asked for) and the answer once it ends. Slots set by an action are carried
to the next turn and its events are kept, so the actions see the history they see behind
the real Rasa server. The rules themselves are checked against the real stack by the
conversation scripts (tests/conversations/).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.faq import ActionAnswerFaq, ActionClarifyQuestion
from bot.actions.handoff import ActionRequestHandoff
from bot.actions.order_intents import details_intent, order_requests
from bot.actions.order_lookup import ActionAskOrderEmail, ActionAskOrderNumber, ValidateOrderLookupForm
from bot.actions.orders import ActionAnswerOrderQuestion, ActionCancelOrder, ActionKeepOrder
from bot.actions.slot_validation import ValidateSlotMappings

FORM = "order_lookup_form"
ASK = {"order_number": ActionAskOrderNumber(), "order_email": ActionAskOrderEmail()}
# Rules that answer a message the form could not use, then stop the form (bot/data/rules.yml).
WHILE_ASKING = {
    "faq": ActionAnswerFaq(),
    "human_handoff": ActionRequestHandoff(),
    "nlu_fallback": ActionClarifyQuestion(),
    "out_of_scope": "utter_out_of_scope",
    "goodbye": "utter_goodbye",
    "thanks": "utter_you_are_welcome",
    "affirm": "utter_how_can_i_help",
    "deny": "utter_how_can_i_help",
}
OTHER_RULES: dict[str, Action | str] = {
    "faq": ActionAnswerFaq(),
    "human_handoff": ActionRequestHandoff(),
    "nlu_fallback": ActionClarifyQuestion(),
    "greet": "utter_greet",
    "thanks": "utter_you_are_welcome",
}

Events = list[dict[str, Any]]
Messages = list[dict[str, Any]]


@dataclass
class OrderChat:
    language: str = "en"
    shop: str = "fr"
    sender_id: str = "conversation-1"
    slots: dict[str, Any] = field(default_factory=dict)
    events: Events = field(default_factory=list)
    active_loop: str | None = None
    latest: dict[str, Any] = field(default_factory=dict)
    messages: Messages = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots.update({"language": self.language, "shop": self.shop})

    # --- one turn ------------------------------------------------------------------

    def say(self, text: str, intent: str) -> Messages:
        """The customer's message as the model classified it (`intent` or `faq/<topic>`); the bot's messages."""
        name, _, topic = intent.partition("/")
        ranking = [{"name": name, "confidence": 1.0}]
        decided = details_intent(name, text) or name  # the NLU pipeline's last step
        if decided != name:
            ranking.insert(0, {"name": decided, "confidence": 1.0})
        self.latest = {"text": text, "intent": {"name": decided, "confidence": 1.0}, "entities": []}
        self.latest["intent_ranking"] = ranking
        if topic:
            self.latest["response_selector"] = {
                "faq": {"response": {"intent_response_key": f"faq/{topic}"}, "ranking": []}
            }
        self.events.append({"event": "user", "text": text, "parse_data": self.latest})
        self.messages = []
        self._extract_slots(decided)
        self._follow_rules(decided)
        return self.messages

    def text(self, text: str, intent: str) -> str:
        """The bot's replies to one message, joined."""
        return "\n".join(str(m.get("text") or m.get("response") or m.get("custom")) for m in self.say(text, intent))

    # --- what Rasa does ----------------------------------------------------------------

    def _extract_slots(self, intent: str) -> None:
        if intent in order_requests():  # the from_intent mappings of `order_request`
            self._apply([{"event": "slot", "name": "order_request", "value": intent}], [])
        self._apply(*self._run(ValidateSlotMappings()))  # Rasa's global slot validation (and order question)

    def _follow_rules(self, intent: str) -> None:
        if self.active_loop == FORM:
            if self._form(activating=False):
                return
            if intent in WHILE_ASKING:  # rejected: answered, and the form stops asking
                self._act(WHILE_ASKING[intent])
                self.active_loop = None
                self.slots["requested_slot"] = None
                return
            if intent not in order_requests() and intent != "inform":
                self._act(OTHER_RULES.get(intent, "utter_default"))
            self._form(activating=False, returning=True)
            return
        if (
            intent in order_requests()
            or intent == "inform"
            or (intent == "faq" and self.slots.get("faq_is_about_order"))
        ):
            self._form(activating=True)
        elif intent in ("affirm", "deny"):
            if self.slots.get("cancellation_pending"):
                self._act(ActionCancelOrder() if intent == "affirm" else ActionKeepOrder())
            else:
                self._act("utter_how_can_i_help")
        else:
            self._act(OTHER_RULES.get(intent, "utter_default"))

    def _form(self, activating: bool, returning: bool = False) -> bool:
        """One run of the form; False when it rejects the message (it asked for something not given)."""
        form_event = {"event": "action", "name": FORM}
        self.events.append(form_event)
        events, messages = self._run(ValidateOrderLookupForm())
        validated = any(e.get("event") == "slot" and e["name"] != "requested_slot" for e in events)
        if not (activating or returning or validated or messages) and self.slots.get("requested_slot"):
            self.events.remove(form_event)  # ActionExecutionRejected: the rules decide
            return False
        self.active_loop = FORM
        self._apply(events, messages)
        requested = self.slots.get("requested_slot")
        if requested:
            self._apply(*self._run(ASK[requested]))
            return True
        self.active_loop = None
        self._act(ActionAnswerOrderQuestion())
        return True

    def _act(self, action: Action | str) -> None:
        if isinstance(action, str):
            self.events.append({"event": "action", "name": action})
            self._apply([], [{"response": action}])
            return
        self.events.append({"event": "action", "name": action.name()})
        self._apply(*self._run(action))

    def _run(self, action: Action) -> tuple[Events, Messages]:
        active = {"name": self.active_loop} if self.active_loop else {}
        tracker = Tracker(
            self.sender_id, dict(self.slots), self.latest, list(self.events), False, None, active, "action_listen"
        )
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, {}))
        return list(events), list(dispatcher.messages)

    def _apply(self, events: Events, messages: Messages) -> None:
        for message in messages:
            self.events.append({"event": "bot", "text": message.get("text"), "data": message})
        self.messages.extend(messages)
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
            self.events.append(event)
