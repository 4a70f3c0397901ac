"""action_answer_faq and action_clarify_question with real rasa_sdk trackers and the real kb."""

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.faq import ActionAnswerFaq, ActionClarifyQuestion


def _tracker(
    latest: dict[str, Any], events: list[dict[str, Any]] | None = None, language: str = "fr", shop: str | None = "fr"
) -> Tracker:
    return Tracker("t", {"language": language, "shop": shop}, latest, events or [], False, None, {}, "action_listen")


def _run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


SELECTED = {"faq": {"response": {"intent_response_key": "faq/shipping_cost"}, "ranking": []}}


def test_the_selected_topic_is_answered_by_its_response() -> None:
    latest = {"intent": {"name": "faq"}, "entities": [], "response_selector": SELECTED}
    messages, events = _run(ActionAnswerFaq(), _tracker(latest))
    assert [m["response"] for m in messages] == ["utter_faq/shipping_cost"]
    assert events == [{"event": "slot", "timestamp": None, "name": "faq_topic", "value": "shipping_cost"}]


def test_a_two_message_answer_sends_both_messages_in_order() -> None:
    latest = {"intent": {"name": "faq"}, "entities": [{"entity": "faq_topic", "value": "payment_methods"}]}
    messages, events = _run(ActionAnswerFaq(), _tracker(latest, language="ro", shop="ro"))
    assert [m["response"] for m in messages] == ["utter_faq/payment_methods", "utter_faq/payment_methods/more"]
    assert events == [{"event": "slot", "timestamp": None, "name": "faq_topic", "value": "payment_methods"}]


def test_the_second_message_follows_the_variant_rasa_picks() -> None:
    latest = {"intent": {"name": "faq"}, "entities": [{"entity": "faq_topic", "value": "update_details"}]}
    # intl/en has two messages; with no shop, Rasa uses the variation without a condition (intl/en)
    messages, _ = _run(ActionAnswerFaq(), _tracker(latest, language="en", shop=None))
    assert [m["response"] for m in messages] == ["utter_faq/update_details", "utter_faq/update_details/more"]
    latest = {"intent": {"name": "faq"}, "entities": [{"entity": "faq_topic", "value": "return_policy"}]}
    messages, _ = _run(ActionAnswerFaq(), _tracker(latest, language="en", shop="fr"))  # one message for fr
    assert [m["response"] for m in messages] == ["utter_faq/return_policy"]


def test_a_button_topic_wins() -> None:
    latest = {
        "intent": {"name": "faq"},
        "entities": [{"entity": "faq_topic", "value": "invoice"}],
        "response_selector": SELECTED,
    }
    messages, _ = _run(ActionAnswerFaq(), _tracker(latest))
    assert messages[0]["response"] == "utter_faq/invoice"


def test_an_unknown_topic_gets_the_default_answer() -> None:
    latest = {"intent": {"name": "faq"}, "entities": [{"entity": "faq_topic", "value": "../../etc/passwd"}]}
    messages, events = _run(ActionAnswerFaq(), _tracker(latest))
    assert messages[0]["response"] == "utter_default" and events == []


def test_a_damaged_parcel_gets_the_whole_answer_then_a_support_agent() -> None:
    latest = {"intent": {"name": "faq"}, "entities": [{"entity": "faq_topic", "value": "damaged_item"}]}
    messages, _ = _run(ActionAnswerFaq(), _tracker(latest))
    assert [m["response"] for m in messages[:2]] == ["utter_faq/damaged_item", "utter_faq/damaged_item/more"]
    assert messages[2]["custom"]["handoff"]["reason"] == "faq/damaged_item"


FALLBACK = {
    "intent": {"name": "nlu_fallback"},
    "entities": [],
    "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "faq", "confidence": 0.4}],
    "response_selector": {
        "faq": {
            "ranking": [
                {"intent_response_key": "faq/refund_time", "confidence": 0.5},
                {"intent_response_key": "faq/return_costs", "confidence": 0.3},
            ]
        }
    },
}


def test_first_failure_asks_did_you_mean_with_titled_buttons() -> None:
    messages, _ = _run(ActionClarifyQuestion(), _tracker(FALLBACK, language="ro"))
    assert messages[0]["response"] == "utter_did_you_mean"
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles == ["Termenul de rambursare", "Costuri de retur"]
    assert messages[0]["buttons"][0]["payload"] == '/faq{"faq_topic": "refund_time"}'


def test_second_failure_in_a_row_hands_off_to_a_support_agent() -> None:
    failed = {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    messages, _ = _run(ActionClarifyQuestion(), _tracker(FALLBACK, events=[failed, {"event": "bot"}, failed]))
    handoff = messages[0]["custom"]["handoff"]
    assert (handoff["reason"], handoff["language"], handoff["verification"]) == (
        "not_understood_twice",
        "fr",
        "not verified",
    )
    assert handoff["last_intents"] == ["nlu_fallback", "nlu_fallback"]
