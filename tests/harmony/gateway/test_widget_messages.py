"""Rasa REST replies turned into the widget's bot_uttered messages."""

from harmony.bot_protocol import HandoffSummary, context_report, read_handoff
from harmony.gateway.widget_messages import read_rasa_turn
from harmony.kb.markets import PageContext


def test_text_buttons_and_a_handoff_request() -> None:
    turn = read_rasa_turn(
        [
            {
                "recipient_id": "c",
                "text": "Order HM-1 can be cancelled.",
                "buttons": [{"title": "Yes", "payload": "/affirm"}],
            },
            {"recipient_id": "c", "custom": {"handoff": {"reason": "modification"}}},
            {"recipient_id": "c", "image": "http://example.com/x.png"},
        ]
    )
    assert [r.as_bot_uttered() for r in turn.replies] == [
        {
            "text": "Order HM-1 can be cancelled.",
            "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"}],
        }
    ]
    assert turn.handoff == HandoffSummary("modification")


def test_other_custom_payloads_reach_the_widget_as_they_are() -> None:
    turn = read_rasa_turn([{"recipient_id": "c", "custom": {"map": {"lat": 45.7, "lng": 4.8}}}])
    assert [r.as_bot_uttered() for r in turn.replies] == [{"map": {"lat": 45.7, "lng": 4.8}}]


def test_nothing_usable_is_nothing() -> None:
    turn = read_rasa_turn([{"custom": "not a dict"}, {"text": "   "}])
    assert turn.replies == [] and turn.handoff is None


def test_the_turns_context_report_is_kept_for_the_gateway_and_never_shown() -> None:
    turn = read_rasa_turn(
        [
            {"recipient_id": "c", "text": "Sure."},
            {"recipient_id": "c", "custom": context_report(PageContext("ro", "en"))},
        ]
    )
    assert [r.as_bot_uttered() for r in turn.replies] == [{"text": "Sure."}]
    assert turn.context == PageContext("ro", "en")


def test_a_report_of_an_unknown_shop_or_language_is_ignored() -> None:
    turn = read_rasa_turn([{"custom": {"conversation": {"shop": "mars", "language": "en"}}}])
    assert turn.context is None and turn.replies == []
    assert read_rasa_turn([{"custom": {"conversation": {"shop": "ro", "language": "de"}}}]).context is None


def test_the_hand_off_summary_is_one_typed_model_on_both_sides() -> None:
    """What the bot's action sends is what the gateway reads; anything else in it is dropped or made safe."""
    sent = HandoffSummary(
        "modification", "ro", "ro", "HM-200201", "a***@example.ro", "verified", "a person", ("inform",)
    )
    turn = read_rasa_turn([{"custom": sent.payload()}])
    assert turn.handoff == sent and turn.replies == []
    hostile = {"handoff": {"reason": {"x": 1}, "language": "xx", "shop": "mars", "last_intents": "nope", "decision": 7}}
    assert read_rasa_turn([{"custom": hostile}]).handoff == HandoffSummary("customer_request", decision="7")
    assert read_handoff({"handoff": "not a mapping"}) is None and read_handoff(None) is None
