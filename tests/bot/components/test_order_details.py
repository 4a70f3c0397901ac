"""Messages that identify an order become `inform`; order questions and other text are kept."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.order_details import OrderDetailsIntent


def _processed(text: str, intent: str) -> Message:
    message = Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": 0.6},
            "intent_ranking": [{"name": intent, "confidence": 0.6}],
        }
    )
    return OrderDetailsIntent({"intent": "inform"}).process([message])[0]


@pytest.mark.parametrize(
    ("text", "guessed"),
    [
        ("claire.martin@example.fr", "affirm"),
        ("HM-100104 / sophie.bernard@example.fr", "faq"),
        ("hm100106", "nlu_fallback"),
        ("c'est HM-100106", "greet"),
    ],
)
def test_order_details_become_inform(text: str, guessed: str) -> None:
    message = _processed(text, guessed)
    assert message.get("intent") == {"name": "inform", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == ["inform", guessed]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("has my order shipped yet? HM100106, email lucas.moreau@example.fr", "track_order"),
        ("je veux annuler ma commande HM-100101", "cancel_order"),
        ("comment obtenir la facture de HM-100101 ?", "faq"),
        ("oui", "affirm"),
    ],
)
def test_order_questions_and_other_messages_are_kept(text: str, intent: str) -> None:
    assert _processed(text, intent).get("intent")["name"] == intent
