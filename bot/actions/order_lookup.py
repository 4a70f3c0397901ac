"""`order_lookup_form`: the order number and the e-mail on it, checked together (DESIGN §7).

`validate_order_lookup_form` takes the details from each message, checks them in one query
(`verify_order`, throttled across conversations) once both are there, and tells the form
what is still missing; `action_ask_order_number` / `action_ask_order_email` ask for it.
After the check, the e-mail given is forgotten: the conversation keeps the order and its
customer's id. The form ends when the order is identified, or when the checks are locked.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.order_conversation import OrderTurn, client_of, latest_intent, slots_of, state_of
from bot.actions.order_intents import order_intents, order_requests
from harmony.orders.references import mask_email
from harmony.orders.repository import find_customer_order, verify_order
from harmony.orders.store import OrderStoreUnavailable
from harmony.orders.throttle import Attempt
from harmony.orders.verification import MAX_FAILED_ATTEMPTS, NextStep, VerificationState
from harmony.settings import load_settings

FORM = "order_lookup_form"
REQUESTED_SLOT = "requested_slot"


class ValidateOrderLookupForm(Action):
    """The form's validation: details in; then what to ask next (`requested_slot`), or the end of the
    look-up (`requested_slot: null`) once the order is identified or the checks are locked.

    What is required follows `VerificationState.missing()`: nothing once the order is identified;
    a verified customer's new number needs no e-mail if the order is theirs.
    """

    def name(self) -> str:
        return "validate_order_lookup_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        before = state_of(tracker)
        text = str(tracker.latest_message.get("text") or "")  # six digits alone count once it asked for the number
        state = before.with_details_from(text, number_was_asked=tracker.get_slot(REQUESTED_SLOT) == "order_number")
        events: list[EventType] = []
        intent = latest_intent(tracker)
        if intent in order_intents():  # an order question or details while it asks: not a detour
            request = intent if intent in order_requests() else tracker.get_slot("order_request")
            events.append(SlotSet("order_request", request))
        turn = OrderTurn(dispatcher, tracker)
        try:
            return events + self._check(turn, before, state)
        except OrderStoreUnavailable:
            turn.say_store_unavailable()  # nothing was checked: the question waits, the e-mail is not kept
            waiting = [SlotSet("order_number", state.target()), SlotSet("order_email", None)]
            return [*events, *waiting, SlotSet(REQUESTED_SLOT, None)]

    def _check(self, turn: OrderTurn, before: VerificationState, state: VerificationState) -> list[EventType]:
        step = state.next_step()
        if step is NextStep.LOCKED:
            turn.say_message("verification_locked", with_agent=True)
            return [SlotSet("order_number", None), SlotSet("order_email", None), SlotSet(REQUESTED_SLOT, None)]
        if step is NextStep.LOOK_UP:
            return self._look_up(turn, state)
        if step is NextStep.LOOK_UP_VERIFIED:
            return self._look_up_verified(turn, state)
        given: list[EventType] = []  # details kept until both are there for the check
        if (state.number, state.email) != (before.number, before.email):
            given = [SlotSet("order_number", state.number), SlotSet("order_email", state.email)]
        missing = state.missing()
        return [*given, SlotSet(REQUESTED_SLOT, missing[0] if missing else None)]

    def _look_up(self, turn: OrderTurn, state: VerificationState) -> list[EventType]:
        """Number and e-mail in one query; a wrong one of either gets the same reply."""
        number, email = str(state.target()), str(state.email)
        with turn.store.transaction() as session:
            attempt = Attempt(number, email, client_of(turn.tracker))
            limits = dict(load_settings().failed_checks)
            verification = verify_order(session, attempt, turn.now, turn.tracker.sender_id, limits)
        order = verification.order
        if order is None or verification.customer_id is None:
            failed = state.failed()
            if failed.locked or verification.locked_until is not None:
                turn.say_message("verification_locked", with_agent=True)
                return [*slots_of(failed), SlotSet(REQUESTED_SLOT, None)]
            turn.say_message("no_match", attempt=str(failed.failures), limit=str(MAX_FAILED_ATTEMPTS))
            return [*slots_of(failed), SlotSet(REQUESTED_SLOT, "order_number")]
        masked = mask_email(order.customer_email)
        if (order.number, str(verification.customer_id)) != (state.verified_order, state.verified_customer):
            turn.say_message("verified", number=order.number, email=masked)
        verified = state.verified(order.number, str(verification.customer_id))
        return [*slots_of(verified), SlotSet("verified_email_masked", masked), SlotSet(REQUESTED_SLOT, None)]

    def _look_up_verified(self, turn: OrderTurn, state: VerificationState) -> list[EventType]:
        """Another number from the verified customer: theirs needs no e-mail, anyone else's does."""
        number, customer = str(state.number), str(state.verified_customer)
        with turn.store.transaction() as session:
            order = find_customer_order(session, number, int(customer))
        if order is None:
            turn.say_message("other_order_needs_email", number=number)
            forget = [SlotSet("verified_email_masked", None), SlotSet(REQUESTED_SLOT, "order_email")]
            return slots_of(state.needs_own_email()) + forget
        if order.number != state.verified_order:
            turn.say_message("verified", number=order.number, email=mask_email(order.customer_email))
        return [*slots_of(state.verified(order.number, customer)), SlotSet(REQUESTED_SLOT, None)]


def validation_spoke(tracker: Tracker) -> bool:
    """Did the form's validation already reply in this run (e.g. "no order with this number and e-mail")?"""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "bot":
            return True
        if kind == "user" or (kind == "action" and event.get("name") == FORM):
            return False
    return False


class ActionAskOrderNumber(Action):
    """The form asks for the order number (and the e-mail, if it does not have it either)."""

    def name(self) -> str:
        return "action_ask_order_number"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if not validation_spoke(tracker):
            key = "ask_number" if tracker.get_slot("order_email") else "ask_number_and_email"
            OrderTurn(dispatcher, tracker).say_message(key)
        return []


class ActionAskOrderEmail(Action):
    """The form asks for the e-mail address used for the order it has the number of."""

    def name(self) -> str:
        return "action_ask_order_email"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if not validation_spoke(tracker):
            number = state_of(tracker).target() or ""
            OrderTurn(dispatcher, tracker).say_message("ask_email", number=number)
        return []
