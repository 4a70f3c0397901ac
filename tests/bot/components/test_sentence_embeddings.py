"""The sentence-embedding featurizer trains (learns a centre), persists, loads and featurizes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.components.embedding_cache import CACHE_FILE
from bot.components.linear_intent_classifier import LinearIntentClassifier
from bot.components.sentence_embeddings import SentenceEmbeddingFeaturizer, centred
from tests.bot.components.test_linear_intent_classifier import _training_data


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "sentence_embeddings")


def _config(tmp_path: Path, **overrides: Any) -> Dict[str, Any]:
    return {**SentenceEmbeddingFeaturizer.get_default_config(), "cache_dir": str(tmp_path / "cache"), **overrides}


def _sentence(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features("text")
    assert sentence is not None
    return np.asarray(sentence.features).reshape(-1)


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    (tmp_path / "model").mkdir()
    return LocalModelStorage(tmp_path / "model")


def test_trains_persists_loads_and_featurizes(tmp_path: Path, storage: LocalModelStorage) -> None:
    config, resource = _config(tmp_path, weight=2.0), Resource("embeddings")
    trained = SentenceEmbeddingFeaturizer.create(config, storage, resource, _context())
    trained.train(_training_data())
    assert (tmp_path / "cache" / CACHE_FILE).exists()

    loaded = SentenceEmbeddingFeaturizer.load(config, storage, resource, _context())
    data = loaded.process_training_data(_training_data())
    vectors = np.array([_sentence(m) for m in data.training_examples])
    assert vectors.shape == (len(data.training_examples), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 2.0, atol=1e-4)  # scaled to the weight
    assert abs(vectors.mean(axis=0)).max() < abs(vectors).mean()  # centred on the training examples

    live = loaded.process([Message(data={"text": "où en est ma commande ?"})])[0]
    cached = next(m for m in data.training_examples if m.get("text") == "où est ma commande ?")
    other = next(m for m in data.training_examples if m.get("text") == "what is your return policy")
    assert _sentence(live) @ _sentence(cached) > _sentence(live) @ _sentence(other)


def test_messages_without_text_get_no_features(tmp_path: Path, storage: LocalModelStorage) -> None:
    featurizer = SentenceEmbeddingFeaturizer.create(_config(tmp_path), storage, Resource("e"), _context())
    message = featurizer.process([Message(data={"intent": "greet"})])[0]
    assert message.get_dense_features("text") == (None, None)


def test_centring_scales_rows_to_the_weight_and_keeps_zero_rows() -> None:
    vectors = np.array([[1.0, 1.0], [1.0, 3.0], [1.0, 2.0]])
    result = centred(vectors, np.array([1.0, 2.0]), 3.0)
    assert np.allclose(result, [[0.0, -3.0], [0.0, 3.0], [0.0, 0.0]])


def test_the_classifier_learns_from_ngrams_and_embeddings(tmp_path: Path, storage: LocalModelStorage) -> None:
    featurizer = SentenceEmbeddingFeaturizer.create(_config(tmp_path, weight=2.0), storage, Resource("e"), _context())
    featurizer.train(_training_data())
    data = featurizer.process_training_data(_training_data())
    config = {**LinearIntentClassifier.get_default_config(), "dense_features": True, "dense_unit_length": False}
    classifier = LinearIntentClassifier.create(config, storage, Resource("linear"), _context())
    classifier.train(data)
    assert classifier._model is not None
    matrix = classifier._model.matrix(data.training_examples[:1])
    ngram_width = len(classifier._model.features.get_feature_names_out())
    assert matrix.shape == (1, ngram_width + 384)
    assert np.isclose(np.linalg.norm(matrix[:, ngram_width:].toarray()), 2.0, atol=1e-4)  # weight kept
    message = featurizer.process([Message(data={"text": "care e politica de returnare?"})])
    assert classifier.process(message)[0].get("response_selector")["faq"]["response"]["intent_response_key"] == (
        "faq/return_policy"
    )
