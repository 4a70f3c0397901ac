"""Rasa's global slot validation: the page's context when the session start never ran."""

from rasa_sdk import Tracker

from bot.actions.slot_validation import missing_context


def _tracker(slots: dict[str, str | None], metadata: object) -> Tracker:
    latest = {"text": "cât costă livrarea?", "intent": {"name": "faq", "confidence": 1.0}, "metadata": metadata}
    return Tracker("c1", slots, latest, [], False, None, {}, "action_listen")


def test_a_conversation_without_a_shop_takes_the_pages_shop_and_language() -> None:
    events = missing_context(_tracker({"shop": None, "language": None}, {"shop": "ro", "language": "ro"}))
    assert [(e["name"], e["value"]) for e in events] == [("shop", "ro"), ("language", "ro")]


def test_the_language_the_customer_wrote_in_wins_over_the_pages() -> None:
    events = missing_context(_tracker({"shop": None, "language": "en"}, {"shop": "ro", "language": "ro"}))
    assert [(e["name"], e["value"]) for e in events] == [("shop", "ro"), ("language", "en")]


def test_a_conversation_with_a_shop_is_left_alone_and_bad_metadata_gives_the_default() -> None:
    assert missing_context(_tracker({"shop": "fr", "language": "fr"}, {"shop": "ro"})) == []
    events = missing_context(_tracker({"shop": None, "language": None}, "not a mapping"))
    assert [(e["name"], e["value"]) for e in events] == [("shop", "fr"), ("language", "fr")]
