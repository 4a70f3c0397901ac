"""The order actions (DESIGN §6 and §7): thin wrappers around `OrderTurn`."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.order_conversation import ORDER_REQUESTS, OrderTurn, cancellation_awaits_answer
from harmony.orders.references import words_besides_details

QUESTION_WORDS = 3  # "where's my order?" besides the details: a question, not just details
QUESTION_CONFIDENCE = 0.02


def _intent(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


class ActionAnswerOrderQuestion(Action):
    """track/cancel/return/modify: verify the order, then answer with the market's policy."""

    def name(self) -> str:
        return "action_answer_order_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        intent = _intent(tracker)
        request = intent if intent in ORDER_REQUESTS else tracker.get_slot("order_request")
        return OrderTurn(dispatcher, tracker).handle_request(request)


def implied_request(parse: Dict[str, Any]) -> str | None:
    """The order question asked along with the details ("has my order shipped? HM-100106 ...").

    The model may call the whole message `inform`; its ranking still shows the question.
    """
    if words_besides_details(str(parse.get("text") or "")) < QUESTION_WORDS:
        return None
    for ranked in parse.get("intent_ranking") or []:
        if ranked.get("name") in ORDER_REQUESTS and float(ranked.get("confidence") or 0) >= QUESTION_CONFIDENCE:
            return str(ranked["name"])
    return None


class ActionCollectOrderDetails(Action):
    """An order number and/or e-mail: continue the pending question, or ask what it is about."""

    def name(self) -> str:
        return "action_collect_order_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        request = tracker.get_slot("order_request") or implied_request(tracker.latest_message)
        return OrderTurn(dispatcher, tracker).handle_request(request)


class ActionResolveConfirmation(Action):
    """Yes or no: confirms or keeps a cancellation asked about just before, else asks what to do."""

    def name(self) -> str:
        return "action_resolve_confirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        pending = cancellation_awaits_answer(tracker)
        if pending is None:
            dispatcher.utter_message(response="utter_how_can_i_help")
            return []
        turn = OrderTurn(dispatcher, tracker)
        return turn.confirm_cancellation(pending) if _intent(tracker) == "affirm" else turn.keep_order(pending)
