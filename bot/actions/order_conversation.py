"""What the order actions share: one turn's context, the verification state kept in slots, and
which order question a message asks.

The dialogue itself (which message leads to which action) is in `bot/data/rules.yml`; the
actions are thin: tracker in, a pure function of `harmony.orders` or the repository, events
and messages out. Texts come from `kb/orders/messages.yml`.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.language import conversation_language
from bot.actions.order_intents import order_requests
from harmony.clock import Clock, process_clock
from harmony.kb.order_policies import load_policies
from harmony.kb.order_texts import message
from harmony.orders.facts import OrderFacts
from harmony.orders.references import words_besides_details
from harmony.orders.replies import Reply, ReplyContext, agent_button
from harmony.orders.store import OrderStore, store_for
from harmony.orders.verification import VerificationState
from harmony.settings import load_settings

# The actions that answer about an order; an FAQ-like question right after one is a follow-up.
ORDER_ANSWER_ACTIONS = frozenset({"action_answer_order_question", "action_cancel_order", "action_keep_order"})
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
QUESTION_WORDS = 3  # "where's my order?" besides the details: a question, not just details
QUESTION_CONFIDENCE = 0.02


def state_of(tracker: Tracker) -> VerificationState:
    return VerificationState(
        number=tracker.get_slot("order_number"),
        email=tracker.get_slot("order_email"),
        verified_order=tracker.get_slot("verified_order"),
        verified_customer=tracker.get_slot("verified_customer"),
        failures=int(tracker.get_slot("verification_failures") or 0),
    )


def slots_of(state: VerificationState) -> list[EventType]:
    return [
        SlotSet("order_number", state.number),
        SlotSet("order_email", state.email),
        SlotSet("verified_order", state.verified_order),
        SlotSet("verified_customer", state.verified_customer),
        SlotSet("verification_failures", float(state.failures)),
    ]


def client_of(tracker: Tracker) -> str | None:
    """The gateway's key for the customer's client (never their address), if the message came through it."""
    metadata = tracker.latest_message.get("metadata") or {}
    client = metadata.get("client") if isinstance(metadata, dict) else None
    return str(client) if client else None


def latest_intent(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def faq_topic_of(parse: dict[str, Any]) -> str | None:
    """The FAQ topic the response selector chose for a message, if any."""
    selected = (parse.get("response_selector") or {}).get("faq") or {}
    key = str((selected.get("response") or {}).get("intent_response_key") or "")
    return key.split("/", 1)[1] if key.startswith("faq/") else None


def implied_request(parse: dict[str, Any]) -> str | None:
    """The order question asked along with the details ("has my order shipped? HM-100106 ...").

    The NLU calls such a message `inform`; its ranking still shows the question: an order
    question, else an FAQ topic that is a question about an order ("still not received! ...").
    """
    if words_besides_details(str(parse.get("text") or "")) < QUESTION_WORDS:
        return None
    ranking = parse.get("intent_ranking") or []
    for ranked in ranking:
        if ranked.get("name") in order_requests() and float(ranked.get("confidence") or 0) >= QUESTION_CONFIDENCE:
            return str(ranked["name"])
    faq_ranked = any(r.get("name") == "faq" and float(r.get("confidence") or 0) >= QUESTION_CONFIDENCE for r in ranking)
    return FOLLOW_UP_OF_TOPIC.get(faq_topic_of(parse) or "") if faq_ranked else None


def follow_up_request(tracker: Tracker) -> str | None:
    """The order question an FAQ-like message really asks, right after the bot answered about a verified order.

    "and can I return it?" right after the bot talked about HM-100106 is about HM-100106,
    not the general return policy; a topic chosen with a "did you mean" button is the FAQ.
    """
    if latest_intent(tracker) != "faq" or next(tracker.get_latest_entity_values("faq_topic"), None):
        return None
    request = FOLLOW_UP_OF_TOPIC.get(faq_topic_of(tracker.latest_message) or "")
    if request is None or not tracker.get_slot("verified_order"):
        return None
    user_turns = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            user_turns += 1
            if user_turns > FOLLOW_UP_TURNS:
                return None
        elif event.get("event") == "action" and event.get("name") in ORDER_ANSWER_ACTIONS:
            return request
    return None


class OrderTurn:
    """One order action's turn: its language, the order store and one instant for the whole turn."""

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
        self.now = (clock or process_clock()).now()

    def context(self, order: OrderFacts) -> ReplyContext:
        return ReplyContext(order, load_policies()[order.market], self.now, self.language)

    def say(self, reply: Reply) -> None:
        buttons: list[dict[str, Any]] = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        self.dispatcher.utter_message(text=reply.text, buttons=buttons)

    def say_message(self, key: str, with_agent: bool = False, **fields: str) -> None:
        """A text of kb/orders/messages.yml in the conversation's language, maybe with the agent button."""
        self.say(Reply(message(key, self.language, **fields), (agent_button(self.language),) if with_agent else ()))

    def say_store_unavailable(self) -> None:
        self.say_message("store_unavailable", with_agent=True)
