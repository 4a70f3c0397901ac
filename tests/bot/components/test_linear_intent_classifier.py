"""The linear classifier learns intents and FAQ topics, writes them as Rasa expects, and reloads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.linear_intent_classifier import LinearIntentClassifier

EXAMPLES = {
    ("greet", None): ["bonjour", "hello there", "salut !", "buna ziua", "hi", "bonsoir à vous"],
    ("faq", "faq/shipping_cost"): [
        "combien coûte la livraison ?",
        "how much is shipping",
        "cât costă transportul?",
        "frais de port pour la france",
        "shipping fees to the US?",
        "taxa de livrare cat e",
    ],
    ("faq", "faq/return_policy"): [
        "combien de jours pour retourner un article ?",
        "what is your return policy",
        "în câte zile pot returna produsul?",
        "conditions de retour svp",
        "can I return items after 20 days",
        "politica de retur care e",
    ],
    ("track_order", None): [
        "où est ma commande ?",
        "where is my order",
        "unde e comanda mea?",
        "ma commande est partie ?",
        "has my order shipped",
        "a plecat coletul meu?",
    ],
}


def _training_data() -> TrainingData:
    messages = []
    for (intent, response_key), texts in EXAMPLES.items():
        for text in texts:
            data = {"text": text, "intent": intent}
            if response_key:
                data["intent_response_key"] = response_key
            messages.append(Message(data=data))
    return TrainingData(training_examples=messages)


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def _trained(storage: LocalModelStorage) -> tuple[LinearIntentClassifier, Resource]:
    resource = Resource("linear")
    config = LinearIntentClassifier.get_default_config()
    classifier = LinearIntentClassifier.create(config, storage, resource, _context())
    classifier.train(_training_data())
    return classifier, resource


def _parse(classifier: LinearIntentClassifier, text: str) -> Message:
    return classifier.process([Message(data={"text": text})])[0]


def test_faq_topic_is_the_faq_intent_with_the_topic_in_the_response_selector(storage: LocalModelStorage) -> None:
    classifier, _ = _trained(storage)
    message = _parse(classifier, "combien coûtent les frais de livraison ?")
    assert message.get("intent")["name"] == "faq"
    selected = message.get("response_selector")["faq"]
    assert selected["response"]["intent_response_key"] == "faq/shipping_cost"
    assert selected["response"]["confidence"] == message.get("intent")["confidence"]
    assert selected["ranking"][0]["intent_response_key"] == "faq/shipping_cost"


def test_plain_intent_and_a_ranking_with_faq_once(storage: LocalModelStorage) -> None:
    classifier, _ = _trained(storage)
    message = _parse(classifier, "unde este comanda mea?")
    assert message.get("intent")["name"] == "track_order"
    names = [r["name"] for r in message.get("intent_ranking")]
    assert names[0] == "track_order"
    assert sorted(names) == ["faq", "greet", "track_order"]
    confidences = [r["confidence"] for r in message.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True)
    assert 0.0 < confidences[0] <= 1.0


def test_reloaded_model_predicts_the_same(storage: LocalModelStorage) -> None:
    classifier, resource = _trained(storage)
    reloaded = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage, resource, _context())
    for text in ("salut", "politique de retour ?", "where's my parcel"):
        assert _parse(reloaded, text).get("intent") == _parse(classifier, text).get("intent")


def test_labels_with_too_few_examples_are_left_out(storage: LocalModelStorage) -> None:
    data = _training_data()
    data = data.merge(TrainingData(training_examples=[Message(data={"text": "au revoir", "intent": "goodbye"})]))
    classifier = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(), storage, Resource("linear"), _context()
    )
    classifier.train(data)
    names = {r["name"] for r in _parse(classifier, "au revoir").get("intent_ranking")}
    assert "goodbye" not in names


def test_untrained_model_leaves_messages_without_intent(storage: LocalModelStorage) -> None:
    classifier = LinearIntentClassifier.load(
        LinearIntentClassifier.get_default_config(), storage, Resource("never-trained"), _context()
    )
    assert _parse(classifier, "bonjour").get("intent") is None


def test_out_of_scope_weight_makes_doubtful_messages_out_of_scope(storage: LocalModelStorage) -> None:
    data = _training_data().merge(
        TrainingData(
            training_examples=[
                Message(data={"text": text, "intent": "out_of_scope"})
                for text in ("quel temps fait-il", "raconte une blague", "cine a castigat meciul", "book a flight")
            ]
        )
    )

    def out_of_scope_confidence(weight: float) -> float:
        config = {**LinearIntentClassifier.get_default_config(), "out_of_scope_weight": weight}
        classifier = LinearIntentClassifier.create(config, storage, Resource(f"w{weight}"), _context())
        classifier.train(data)
        ranking = _parse(classifier, "quelle heure est-il à Tokyo").get("intent_ranking")
        return next(r["confidence"] for r in ranking if r["name"] == "out_of_scope")

    assert out_of_scope_confidence(5.0) > out_of_scope_confidence(1.0)


def test_dense_sentence_features_are_appended(storage: LocalModelStorage) -> None:
    data = _training_data()
    for message in data.training_examples:
        french = any(word in message.get("text") for word in ("bonjour", "livraison", "commande", "retour"))
        vector = np.full((1, 4), 1.0 if french else 0.0)
        message.add_features(Features(vector, "sentence", "text", "vectors"))
    config = {**LinearIntentClassifier.get_default_config(), "dense_features": True}
    classifier = LinearIntentClassifier.create(config, storage, Resource("dense"), _context())
    classifier.train(data)
    assert classifier._model is not None
    matrix = classifier._model.matrix(data.training_examples[:2])
    ngram_width = len(classifier._model.features.get_feature_names_out())
    assert matrix.shape == (2, ngram_width + 4)
    assert matrix[:, ngram_width:].toarray().tolist() == [[0.5] * 4, [0.0] * 4]  # "bonjour", "hello there"


@pytest.mark.parametrize("text", ["???", "...", " ?! ", "", "« … »"])
def test_punctuation_alone_gets_no_intent(storage: LocalModelStorage, text: str) -> None:
    classifier, _ = _trained(storage)
    message = _parse(classifier, text)
    assert message.get("intent") == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []


def test_an_emoji_still_gets_an_intent(storage: LocalModelStorage) -> None:
    classifier, _ = _trained(storage)
    assert _parse(classifier, "👋").get("intent")["name"] is not None
