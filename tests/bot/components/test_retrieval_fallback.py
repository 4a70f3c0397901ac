"""An uncertain FAQ topic becomes nlu_fallback; confident topics and other intents pass."""

from typing import Any

from rasa.shared.nlu.training_data.message import Message

from bot.components.retrieval_fallback import RetrievalConfidenceFallback


def _message(intent: str, topic_confidence: float | None) -> Message:
    data: dict[str, Any] = {
        "text": "x",
        "intent": {"name": intent, "confidence": 0.99},
        "intent_ranking": [{"name": intent, "confidence": 0.99}],
    }
    if topic_confidence is not None:
        data["response_selector"] = {
            "faq": {"response": {"intent_response_key": "faq/jobs", "confidence": topic_confidence}, "ranking": []}
        }
    return Message(data=data)


def _gate() -> RetrievalConfidenceFallback:
    return RetrievalConfidenceFallback({"retrieval_intent": "faq", "threshold": 0.3})


def test_uncertain_topic_falls_back_and_keeps_the_ranking() -> None:
    message = _gate().process([_message("faq", 0.29)])[0]
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.3}
    assert [r["name"] for r in message.get("intent_ranking")] == ["nlu_fallback", "faq"]


def test_confident_topic_is_kept() -> None:
    assert _gate().process([_message("faq", 0.31)])[0].get("intent")["name"] == "faq"


def test_other_intents_are_not_touched() -> None:
    assert _gate().process([_message("greet", None)])[0].get("intent")["name"] == "greet"


def test_faq_without_a_selection_falls_back() -> None:
    assert _gate().process([_message("faq", None)])[0].get("intent")["name"] == "nlu_fallback"
