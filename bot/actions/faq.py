"""`action_answer_faq` and `action_clarify_question`: FAQ answers and the fallback."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.clarification import candidates, is_second_failure_in_a_row, suggestions
from bot.actions.handoff import request_handoff
from bot.actions.language import conversation_language
from bot.actions.order_conversation import faq_topic_of
from bot.actions.order_intents import order_requests
from harmony.kb.button_titles import intent_titles
from harmony.kb.faq import faq_entries
from harmony.kb.faq_domain import first_response, more_response, variant_of


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

    Order questions that sound like FAQ right after an order was discussed ("and can I
    return it?") never reach it: a rule sends them to the order look-up (bot/data/rules.yml).
    """

    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        topic = next(tracker.get_latest_entity_values("faq_topic"), None) or faq_topic_of(tracker.latest_message)
        if topic not in faq_entries():
            dispatcher.utter_message(response="utter_default")
            return []
        utter_faq_answer(dispatcher, tracker, topic)
        if tracker.get_slot("shop") in faq_entries()[topic].hand_off:  # the answer, then a support agent
            request_handoff(dispatcher, tracker, f"faq/{topic}")
        return [SlotSet("faq_topic", topic)]


class ActionClarifyQuestion(Action):
    """Below the confidence threshold: "did you mean ...?"; the second time in a row: a support agent.

    (A message that is essentially order details is `inform`, whatever the model was unsure
    about: the NLU pipeline's last step, `bot/components/order_details.py`.)
    """

    def name(self) -> str:
        return "action_clarify_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if is_second_failure_in_a_row(tracker.events):
            request_handoff(dispatcher, tracker, "not_understood_twice")
            return []
        buttons = suggestions(
            candidates(tracker.latest_message, order_requests()),
            conversation_language(tracker),
            _faq_titles(),
            intent_titles(),
        )
        if not buttons:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(
            response="utter_did_you_mean",
            buttons=[{"title": b.title, "payload": b.payload} for b in buttons],
        )
        return []
