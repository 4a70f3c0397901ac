"""One turn of an order conversation: verify, then answer the question about that order.

The actions in `bot/actions/orders.py` are thin: they build an `OrderTurn` from the
tracker, call one of its methods and return its events. Policy decisions come from the
pure functions of `harmony.orders`; texts from `kb/orders/messages.yml`.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handoff import request_handoff
from bot.actions.language import conversation_language
from harmony.clock import Clock, process_clock
from harmony.kb.order_policies import load_policies
from harmony.kb.order_texts import message
from harmony.orders.cancellation import decide_cancellation
from harmony.orders.facts import OrderFacts
from harmony.orders.references import mask_email
from harmony.orders.replies import (
    Reply,
    ReplyContext,
    agent_button,
    cancellation_done,
    cancellation_question,
    cancellation_refusal,
    modification_reply,
    order_menu,
    returns_reply,
    tracking_reply,
)
from harmony.orders.repository import cancel_verified_order, find_verified_order, verify_order
from harmony.orders.returns import decide_returns
from harmony.orders.store import OrderStore, OrderStoreUnavailable, store_for
from harmony.orders.throttle import Attempt
from harmony.orders.tracking import estimate
from harmony.orders.verification import MAX_FAILED_ATTEMPTS, NextStep, VerificationState
from harmony.settings import load_settings

ORDER_REQUESTS = ("track_order", "cancel_order", "return_order", "modify_order")
ORDER_ACTIONS = frozenset(
    {"action_answer_order_question", "action_collect_order_details", "action_resolve_confirmation"}
)
# Right after talking about a verified order, these FAQ topics are questions about that order.
FOLLOW_UP_OF_TOPIC = {
    "return_policy": "return_order",
    "return_costs": "return_order",
    "exchange": "return_order",
    "delivery_time": "track_order",
    "parcel_delayed": "track_order",
    "update_details": "modify_order",
}
FOLLOW_UP_TURNS = 2


def _state_of(tracker: Tracker) -> VerificationState:
    return VerificationState(
        number=tracker.get_slot("order_number"),
        email=tracker.get_slot("order_email"),
        verified_order=tracker.get_slot("verified_order"),
        verified_email=tracker.get_slot("verified_email"),
        failures=int(tracker.get_slot("verification_failures") or 0),
    )


def _slots_of(state: VerificationState) -> list[EventType]:
    return [
        SlotSet("order_number", state.number),
        SlotSet("order_email", state.email),
        SlotSet("verified_order", state.verified_order),
        SlotSet("verified_email", state.verified_email),
        SlotSet("verification_failures", float(state.failures)),
    ]


def client_of(tracker: Tracker) -> str | None:
    """The gateway's key for the customer's client (never their address), if the message came through it."""
    metadata = tracker.latest_message.get("metadata") or {}
    client = metadata.get("client") if isinstance(metadata, dict) else None
    return str(client) if client else None


def cancellation_awaits_answer(tracker: Tracker) -> str | None:
    """The order whose cancellation the bot asked about in its very last turn, if any."""
    pending = tracker.get_slot("cancellation_pending")
    if not pending:
        return None
    user_turns_since = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            user_turns_since += 1
        elif event.get("event") == "slot" and event.get("name") == "cancellation_pending":
            return str(pending) if event.get("value") == pending and user_turns_since <= 1 else None
    return None


def order_follow_up(tracker: Tracker, faq_topic: str | None) -> str | None:
    """The order question an FAQ-like message really asks, in the context of a verified order.

    "and can I return it?" right after the bot talked about HM-100106 is about HM-100106,
    not the general return policy.
    """
    request = FOLLOW_UP_OF_TOPIC.get(faq_topic or "")
    if request is None or not tracker.get_slot("verified_order"):
        return None
    user_turns = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            user_turns += 1
            if user_turns > FOLLOW_UP_TURNS:
                return None
        elif event.get("event") == "action" and event.get("name") in ORDER_ACTIONS:
            return request
    return None


class OrderTurn:
    """The bot's answer to one customer message about an order."""

    def __init__(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        store: OrderStore | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.tracker = tracker
        self.language = conversation_language(tracker)
        self.store = store or store_for(load_settings().database_url)
        self.now = (clock or process_clock()).now()  # one instant for the whole turn
        self.events: list[EventType] = []

    # --- entry points -------------------------------------------------------------

    def handle_request(self, request: str | None) -> list[EventType]:
        """A question about an order (or order details): verify first, then answer `request`.

        Asking to cancel while a cancellation question is pending is not a yes: the question is
        asked again; only a yes right after it cancels (`confirm_cancellation`, DESIGN §7).
        """
        before = _state_of(self.tracker)
        asked_for_number = bool(self.tracker.get_slot("order_request")) and before.target() is None
        state = before.with_details_from(self.tracker.latest_message.get("text") or "", asked_for_number)
        self.events.append(SlotSet("order_request", request))
        try:
            self._verify_then_answer(state, request)
        except OrderStoreUnavailable:
            self.events = [SlotSet("order_request", request)]
            self._say(Reply(message("store_unavailable", self.language), (agent_button(self.language),)))
        return self.events

    def confirm_cancellation(self, number: str) -> list[EventType]:
        """The customer said yes: cancel now if the rule still allows it (one transaction)."""
        email = self.tracker.get_slot("verified_email")
        self.events.append(SlotSet("cancellation_pending", None))
        try:
            with self.store.transaction() as session:
                result = cancel_verified_order(
                    session, number, str(email), load_policies(), self.now, self.tracker.sender_id
                )
        except OrderStoreUnavailable:
            self._say(Reply(message("store_unavailable", self.language), (agent_button(self.language),)))
            return self.events
        if result is None:  # the verified order vanished: ask again rather than guess
            self._say(Reply(message("ask_number_and_email", self.language)))
            return self.events
        order, decision = result
        context = self._context(order)
        self._say(cancellation_done(context, decision) if decision.allowed else cancellation_refusal(context, decision))
        return self.events

    def keep_order(self, number: str) -> list[EventType]:
        self.events.append(SlotSet("cancellation_pending", None))
        self.dispatcher.utter_message(text=message("cancel_kept", self.language, number=number))
        return self.events

    # --- verification -------------------------------------------------------------

    def _verify_then_answer(self, state: VerificationState, request: str | None) -> None:
        step = state.next_step()
        if step is NextStep.LOCKED:
            self._say(Reply(message("verification_locked", self.language), (agent_button(self.language),)))
            return
        if step in (NextStep.ASK_NUMBER_AND_EMAIL, NextStep.ASK_NUMBER, NextStep.ASK_EMAIL):
            self.events.extend(_slots_of(state))
            self._say(Reply(message(step.value, self.language, number=state.target() or "")))
            return
        number = str(state.target())
        email = str(state.email if step is NextStep.LOOK_UP else state.verified_email)
        if step is NextStep.LOOK_UP_VERIFIED:
            with self.store.transaction() as session:
                order = find_verified_order(session, number, email)
            if order is None:
                self.events.extend(_slots_of(state.needs_own_email()))
                self._say(Reply(message("other_order_needs_email", self.language, number=number)))
                return
        else:
            attempt = Attempt(number, email, client_of(self.tracker))
            with self.store.transaction() as session:
                verification = verify_order(session, attempt, self.now, self.tracker.sender_id)
            if verification.order is None:
                self._refuse(state.failed(), locked_elsewhere=verification.locked_until is not None)
                return
            order = verification.order
        newly_verified = (order.number, order.customer_email) != (state.verified_order, state.verified_email)
        self.events.extend(_slots_of(state.verified(order.number, order.customer_email)))
        self.events.append(SlotSet("shop", order.market))  # the order's market wins over the page's
        if newly_verified:
            self._say(Reply(message("verified", self.language, number=order.number, email=mask_email(email))))
        self._answer(order, request)

    def _refuse(self, failed: VerificationState, locked_elsewhere: bool) -> None:
        """No order for that pair, or a lock-out on one of its keys: the reply never says which."""
        self.events.extend(_slots_of(failed))
        if failed.locked or locked_elsewhere:
            self._say(Reply(message("verification_locked", self.language), (agent_button(self.language),)))
        else:
            tries, limit = str(failed.failures), str(MAX_FAILED_ATTEMPTS)
            self._say(Reply(message("no_match", self.language, attempt=tries, limit=limit)))

    # --- answers ------------------------------------------------------------------

    def _context(self, order: OrderFacts) -> ReplyContext:
        return ReplyContext(order, load_policies()[order.market], self.now, self.language)

    def _answer(self, order: OrderFacts, request: str | None) -> None:
        context = self._context(order)
        self.events.append(SlotSet("order_request", None))
        decision: str | None = None
        if request == "track_order":
            self._say(tracking_reply(context, estimate(order, context.policy)))
            decision = f"track_order {order.number}: status {order.status}"
        elif request == "cancel_order":
            cancellation = decide_cancellation(order, context.policy, self.now)
            reason = f" ({cancellation.reason.value})" if cancellation.reason else ""
            decision = f"cancel_order {order.number}: {cancellation.outcome.value}{reason}"
            if cancellation.allowed:
                self._say(cancellation_question(context, cancellation))
                self.events.append(SlotSet("cancellation_pending", order.number))
            else:
                self._say(cancellation_refusal(context, cancellation))
        elif request == "return_order":
            verdicts = decide_returns(order, context.policy, self.now)
            self._say(returns_reply(context, verdicts))
            decision = f"return_order {order.number}: " + ", ".join(f"{v.item.sku} {v.verdict.value}" for v in verdicts)
        elif request == "modify_order":
            self._say(modification_reply(context))
            decision = f"modify_order {order.number}: a person must make the change ({context.policy.modification})"
            request_handoff(
                self.dispatcher, self.tracker, "modification", verified_order=order.number, decision=decision
            )
        else:
            self._say(Reply(message("what_about_order", self.language, number=order.number), order_menu(self.language)))
        if decision:
            self.events.append(SlotSet("order_decision", decision))

    def _say(self, reply: Reply) -> None:
        buttons: list[dict[str, Any]] = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        self.dispatcher.utter_message(text=reply.text, buttons=buttons)
