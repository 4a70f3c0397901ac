"""Candidates for "did you mean ...?" and the second failure in a row."""

from bot.actions.clarification import candidates, is_second_failure_in_a_row, suggestions
from bot.actions.order_intents import order_requests

PARSE = {
    "intent": {"name": "nlu_fallback", "confidence": 0.45},
    "intent_ranking": [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "faq", "confidence": 0.40},
        {"name": "track_order", "confidence": 0.30},
        {"name": "greet", "confidence": 0.2},
        {"name": "cancel_order", "confidence": 0.01},
    ],
    "response_selector": {
        "faq": {
            "ranking": [
                {"intent_response_key": "faq/shipping_cost", "confidence": 0.6},
                {"intent_response_key": "faq/delivery_time", "confidence": 0.3},
                {"intent_response_key": "faq/return_costs", "confidence": 0.1},
            ]
        }
    },
}
TITLES = {
    "shipping_cost": {"fr": "Frais de livraison", "en": "Shipping costs", "ro": "Costuri de livrare"},
    "delivery_time": {"fr": "Délais de livraison", "en": "Delivery times", "ro": "Termene de livrare"},
}
INTENT_TITLES = {"track_order": {"fr": "Suivre ma commande", "en": "Track my order", "ro": "Urmărirea comenzii"}}


def test_at_most_three_candidates_best_first() -> None:
    assert candidates(PARSE, order_requests()) == ["faq/shipping_cost", "faq/delivery_time", "faq/return_costs"]


def test_order_intents_are_candidates_and_small_talk_is_not() -> None:
    parse = {
        **PARSE,
        "intent_ranking": [{"name": "greet", "confidence": 0.5}, {"name": "track_order", "confidence": 0.3}],
    }
    assert candidates(parse, order_requests()) == ["track_order"]


def test_buttons_are_titled_in_the_conversation_language() -> None:
    buttons = suggestions(["faq/delivery_time", "track_order", "faq/unknown"], "ro", TITLES, INTENT_TITLES)
    assert [(b.title, b.payload) for b in buttons] == [
        ("Termene de livrare", '/faq{"faq_topic": "delivery_time"}'),
        ("Urmărirea comenzii", "/track_order"),
    ]


def _user(intent: str) -> dict:
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_second_failure_in_a_row() -> None:
    assert not is_second_failure_in_a_row([_user("nlu_fallback")])
    assert is_second_failure_in_a_row([_user("greet"), _user("nlu_fallback"), {"event": "bot"}, _user("nlu_fallback")])
    assert not is_second_failure_in_a_row([_user("nlu_fallback"), _user("faq"), _user("nlu_fallback")])
