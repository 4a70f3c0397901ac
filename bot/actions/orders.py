"""The order actions (DESIGN §6 and §7): thin wrappers around `OrderTurn`."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.order_conversation import ORDER_REQUESTS, OrderTurn, cancellation_awaits_answer


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


class ActionCollectOrderDetails(Action):
    """An order number and/or e-mail: continue the pending question, or ask what it is about."""

    def name(self) -> str:
        return "action_collect_order_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        return OrderTurn(dispatcher, tracker).handle_request(tracker.get_slot("order_request"))


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
