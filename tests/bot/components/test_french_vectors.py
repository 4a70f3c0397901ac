"""French messages get fr_core_news_md vectors; English and Romanian ones get zeros (DESIGN §4)."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.components.french_vectors import FrenchWordVectors


@pytest.fixture(scope="module")
def featurizer() -> FrenchWordVectors:
    return FrenchWordVectors(FrenchWordVectors.get_default_config(), "french_vectors")


def _sentence_vector(featurizer: FrenchWordVectors, text: str) -> np.ndarray:
    message = Message(data={"text": text})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    featurizer.process([message])
    _, sentence = message.get_dense_features("text")
    assert sentence is not None
    return np.asarray(sentence.features).reshape(-1)


def test_a_french_message_gets_word_vectors(featurizer: FrenchWordVectors) -> None:
    vector = _sentence_vector(featurizer, "bonjour, je voudrais savoir où en est ma livraison")
    assert vector.shape == (300,)
    assert np.linalg.norm(vector) > 0


@pytest.mark.parametrize(
    "text", ["hello, I would like to know where my delivery is", "bună ziua, aș vrea să știu unde e coletul meu"]
)
def test_english_and_romanian_messages_get_zeros(featurizer: FrenchWordVectors, text: str) -> None:
    vector = _sentence_vector(featurizer, text)
    assert vector.shape == (300,)
    assert not vector.any()


def test_close_french_words_have_close_vectors(featurizer: FrenchWordVectors) -> None:
    def cosine(a: str, b: str) -> float:
        x, y = _sentence_vector(featurizer, a), _sentence_vector(featurizer, b)
        return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))

    assert cosine("mon colis est en retard", "ma livraison est en retard") > cosine(
        "mon colis est en retard", "je veux changer mon mot de passe"
    )
