"""Rasa REST replies turned into the widget's bot_uttered messages."""

from harmony.gateway.widget_messages import read_rasa_turn


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
    assert turn.handoff == {"reason": "modification"}


def test_other_custom_payloads_reach_the_widget_as_they_are() -> None:
    turn = read_rasa_turn([{"recipient_id": "c", "custom": {"map": {"lat": 45.7, "lng": 4.8}}}])
    assert [r.as_bot_uttered() for r in turn.replies] == [{"map": {"lat": 45.7, "lng": 4.8}}]


def test_nothing_usable_is_nothing() -> None:
    turn = read_rasa_turn([{"custom": "not a dict"}, {"text": "   "}])
    assert turn.replies == [] and turn.handoff is None
