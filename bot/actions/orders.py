"""The order actions run once the order is identified (DESIGN §6): answer, cancel, keep.

`action_answer_order_question` runs when `order_lookup_form` ends (bot/data/rules.yml): it
answers the pending question about the verified order with the market's policy, or asks
what the customer wants to know. A cancellation is asked first; `action_cancel_order` runs
only on a yes right after the question, `action_keep_order` on a no.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handoff import request_handoff
from bot.actions.order_conversation import OrderTurn, state_of
from harmony.kb.order_policies import load_policies
from harmony.kb.order_texts import message
from harmony.orders.cancellation import decide_cancellation
from harmony.orders.facts import OrderFacts
from harmony.orders.replies import (
    Reply,
    cancellation_done,
    cancellation_question,
    cancellation_refusal,
    modification_reply,
    order_menu,
    returns_reply,
    tracking_reply,
)
from harmony.orders.repository import cancel_customer_order, find_customer_order
from harmony.orders.returns import decide_returns
from harmony.orders.store import OrderStoreUnavailable
from harmony.orders.tracking import estimate


class ActionAnswerOrderQuestion(Action):
    """Tracking, cancellation (asks to confirm), returns per item, or what a change requires."""

    def name(self) -> str:
        return "action_answer_order_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        state = state_of(tracker)
        if state.locked or state.number or not (state.verified_order and state.verified_customer):
            return []  # the look-up ended without an order (locked, or the store was down): it said why
        turn = OrderTurn(dispatcher, tracker)
        try:
            with turn.store.transaction() as session:
                order = find_customer_order(session, state.verified_order, int(state.verified_customer))
        except OrderStoreUnavailable:
            turn.say_store_unavailable()
            return []
        if order is None:  # the verified order vanished: identify it again rather than guess
            turn.say_message("ask_number_and_email")
            return [SlotSet("verified_order", None), SlotSet("verified_customer", None)]
        request = tracker.get_slot("order_request")
        answered: list[EventType] = [SlotSet("order_request", None), SlotSet("shop", order.market)]  # its market wins
        return answered + self._answer(turn, order, request)

    def _answer(self, turn: OrderTurn, order: OrderFacts, request: str | None) -> list[EventType]:
        context = turn.context(order)
        if request == "track_order":
            turn.say(tracking_reply(context, estimate(order, context.policy)))
            return [SlotSet("order_decision", f"track_order {order.number}: status {order.status}")]
        if request == "cancel_order":
            cancellation = decide_cancellation(order, context.policy, turn.now)
            reason = f" ({cancellation.reason.value})" if cancellation.reason else ""
            decision = SlotSet("order_decision", f"cancel_order {order.number}: {cancellation.outcome.value}{reason}")
            if not cancellation.allowed:
                turn.say(cancellation_refusal(context, cancellation))
                return [decision]
            turn.say(cancellation_question(context, cancellation))
            return [decision, SlotSet("cancellation_pending", order.number)]
        if request == "return_order":
            verdicts = decide_returns(order, context.policy, turn.now)
            turn.say(returns_reply(context, verdicts))
            items = ", ".join(f"{v.item.sku} {v.verdict.value}" for v in verdicts)
            return [SlotSet("order_decision", f"return_order {order.number}: {items}")]
        if request == "modify_order":
            turn.say(modification_reply(context))
            decision = f"modify_order {order.number}: a person must make the change ({context.policy.modification})"
            request_handoff(
                turn.dispatcher, turn.tracker, "modification", verified_order=order.number, decision=decision
            )
            return [SlotSet("order_decision", decision)]
        turn.say(Reply(message("what_about_order", turn.language, number=order.number), order_menu(turn.language)))
        return []


class ActionCancelOrder(Action):
    """The customer said yes right after the question: cancel now if the rule still allows it (one transaction)."""

    def name(self) -> str:
        return "action_cancel_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        number, customer = tracker.get_slot("cancellation_pending"), tracker.get_slot("verified_customer")
        events: list[EventType] = [SlotSet("cancellation_pending", None)]
        turn = OrderTurn(dispatcher, tracker)
        if not number or not customer:
            dispatcher.utter_message(response="utter_how_can_i_help")
            return events
        try:
            with turn.store.transaction() as session:
                result = cancel_customer_order(
                    session, str(number), int(customer), load_policies(), turn.now, tracker.sender_id
                )
        except OrderStoreUnavailable:
            turn.say_store_unavailable()
            return events
        if result is None:  # the verified order vanished: ask again rather than guess
            turn.say_message("ask_number_and_email")
            return events
        order, decision = result
        context = turn.context(order)
        turn.say(cancellation_done(context, decision) if decision.allowed else cancellation_refusal(context, decision))
        return events


class ActionKeepOrder(Action):
    """The customer said no to the cancellation question: nothing changes."""

    def name(self) -> str:
        return "action_keep_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        number = str(tracker.get_slot("cancellation_pending") or "")
        OrderTurn(dispatcher, tracker).say_message("cancel_kept", number=number)
        return [SlotSet("cancellation_pending", None)]
