"""`action_answer_faq` and `action_clarify_question`: FAQ answers and the fallback."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.clarification import candidates, is_second_failure_in_a_row, suggestions
from bot.actions.handoff import request_handoff
from bot.actions.language import conversation_language
from bot.actions.order_conversation import FOLLOW_UP_OF_TOPIC, OrderTurn, order_follow_up
from harmony.kb.button_titles import intent_titles
from harmony.kb.faq import faq_entries
from harmony.kb.faq_domain import first_response, more_response, variant_of
from harmony.orders.references import find_email, find_order_number, looks_like_order_details


def _faq_titles() -> dict[str, dict[str, str]]:
    return {topic: entry.titles for topic, entry in faq_entries().items()}


def utter_faq_answer(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str) -> None:
    """The topic's answer: its first message, then its second one when the answer has two."""
    dispatcher.utter_message(response=first_response(topic))
    market, language = variant_of(tracker.get_slot("shop"), tracker.get_slot("language"))
    if len(faq_entries()[topic].parts(market, language)) > 1:
        dispatcher.utter_message(response=more_response(topic))


class ActionAnswerFaq(Action):
    """Answers the FAQ topic chosen by the response selector, or by a "did you mean" button.

    Order details, and order questions that sound like FAQ right after an order was
    discussed ("and can I return it?"), go to the order conversation instead.
    """

    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        button_topic = next(tracker.get_latest_entity_values("faq_topic"), None)
        topic = button_topic
        if topic is None:
            selected = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
            key = str((selected.get("response") or {}).get("intent_response_key") or "")
            topic = key.split("/", 1)[1] if key.startswith("faq/") else None
        text = str(tracker.latest_message.get("text") or "")
        if intent == "faq" and looks_like_order_details(text):  # e.g. "not arrived: HM-100106 + e-mail"
            request = tracker.get_slot("order_request") or FOLLOW_UP_OF_TOPIC.get(str(topic))
            return OrderTurn(dispatcher, tracker).handle_request(request)
        follow_up = order_follow_up(tracker, topic) if intent == "faq" and not button_topic else None
        if follow_up:
            return OrderTurn(dispatcher, tracker).handle_request(follow_up)
        if topic not in faq_entries():
            dispatcher.utter_message(response="utter_default")
            return []
        utter_faq_answer(dispatcher, tracker, topic)
        if tracker.get_slot("shop") in faq_entries()[topic].hand_off:  # the answer, then a support agent
            request_handoff(dispatcher, tracker, f"faq/{topic}")
        return [SlotSet("faq_topic", topic)]


class ActionClarifyQuestion(Action):
    """Below the confidence threshold: "did you mean ...?"; the second time in a row: a support agent.

    A message holding an order number or an e-mail goes to the order verification instead.
    """

    def name(self) -> str:
        return "action_clarify_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        text = str(tracker.latest_message.get("text") or "")
        if find_order_number(text) or find_email(text):  # order details the NLU was unsure about
            return OrderTurn(dispatcher, tracker).handle_request(tracker.get_slot("order_request"))
        if is_second_failure_in_a_row(tracker.events):
            request_handoff(dispatcher, tracker, "not_understood_twice")
            return []
        buttons = suggestions(
            candidates(tracker.latest_message), conversation_language(tracker), _faq_titles(), intent_titles()
        )
        if not buttons:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(
            response="utter_did_you_mean",
            buttons=[{"title": b.title, "payload": b.payload} for b in buttons],
        )
        return []
