"""Rasa NLU component: one linear classifier for intents and FAQ topics together.

Every label of `intents.yml` (plain intents and `faq/<topic>`) is one class of a linear
SVM over word (1-2) and character (2-5) n-gram TF-IDF of the message, accents folded.
On our data it beat DIET + ResponseSelector on the held-out split and on every public
evaluation file, and it trains in minutes where DIET takes about an hour (docs/nlu-quality.md).
Probabilities are the SVM's scores through a softmax whose temperature is fitted on
cross-validation folds (`temperature_svm.py`). With
`dense_features: true` the sentence vectors of the pipeline's dense featurizers (e.g. the
French word vectors of bot/config_variants/fr_vectors.yml) are appended to the n-grams, at
unit length like each n-gram block; with `dense_unit_length: false` they are appended as
the featurizers made them (the sentence embeddings of `sentence_embeddings.py` carry
their own weight).

Output is what DIET and the ResponseSelector write, so the dialogue, the fallback and the
actions read it unchanged: `intent` (an FAQ topic is the intent `faq`), `intent_ranking`,
and `response_selector.faq` with the topic and its ranking.
"""

from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Tuple

import joblib
import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, make_union

from bot.components.ngram_rows import NgramRows
from bot.components.temperature_svm import TemperatureScaledSVM
from bot.components.trained_files import read_trained

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intent_classifier.joblib"
RANKING_LENGTH = 10
OUT_OF_SCOPE = "out_of_scope"


def _ngram_range(value: Sequence[int]) -> Tuple[int, int]:
    low, high = (int(v) for v in value)
    return low, high


@dataclass
class LinearModel:
    """What training produces: the n-gram vectorizers and the classifier with probabilities."""

    features: FeatureUnion
    classifier: TemperatureScaledSVM
    dense_features: bool
    dense_unit_length: bool = True

    def matrix(self, messages: Sequence[Message], ngram_rows: NgramRows | None = None) -> Any:
        """The classifier's input; `ngram_rows`, when given, computes the n-grams (same values, faster)."""
        texts = [str(m.get(TEXT) or "") for m in messages]
        ngrams = ngram_rows(texts) if ngram_rows is not None else self.features.transform(texts)
        if not self.dense_features:
            return ngrams
        dense = _sentence_vectors(messages, self.dense_unit_length)
        return scipy.sparse.hstack([ngrams, scipy.sparse.csr_matrix(dense)]).tocsr()

    @property
    def labels(self) -> List[str]:
        return [str(label) for label in self.classifier.classes_]


def _only_punctuation(text: str) -> bool:
    """True for text made only of punctuation and spaces (emoji such as 👍 are not)."""
    return all(unicodedata.category(c).startswith(("P", "Z")) or c.isspace() for c in text)


def _sentence_vectors(messages: Sequence[Message], unit_length: bool = True) -> np.ndarray:
    rows = []
    for message in messages:
        _, sentence = message.get_dense_features(TEXT)
        rows.append(sentence.features.reshape(-1) if sentence is not None else None)
    width = max((len(r) for r in rows if r is not None), default=0)
    vectors = np.array([r if r is not None else np.zeros(width) for r in rows], dtype=float)
    if not unit_length:
        return vectors
    # unit length, like each n-gram block; zero vectors (other languages) stay zero
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "retrieval_intent": "faq",
            "C": 0.5,
            "char_ngrams": [2, 5],
            "word_ngrams": [1, 2],
            "calibration_folds": 3,
            "dense_features": False,
            "dense_unit_length": True,
            # out_of_scope stands for everything else in the world and is frequent in real
            # traffic; its examples weigh this much more than those of the narrow labels.
            "out_of_scope_weight": 1.0,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LinearModel | None = None,
    ) -> None:
        self._config = config
        self._retrieval_intent = str(config["retrieval_intent"])
        self._model_storage = model_storage
        self._resource = resource
        self._model: LinearModel | None = None
        self._ngram_rows: NgramRows | None = None
        if model is not None:
            self._use(model)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        model = read_trained(
            model_storage,
            resource,
            lambda directory: joblib.load(directory / MODEL_FILE),
            logger,
            cls.__name__,
            "messages will get no intent",
        )
        return cls(config, model_storage, resource, model)

    def _new_features(self) -> FeatureUnion:
        return make_union(
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=_ngram_range(self._config["char_ngrams"]),
                sublinear_tf=True,
                strip_accents="unicode",
            ),
            TfidfVectorizer(
                analyzer="word",
                ngram_range=_ngram_range(self._config["word_ngrams"]),
                sublinear_tf=True,
                strip_accents="unicode",
            ),
        )

    def train(self, training_data: TrainingData) -> Resource:
        examples, labels = self._examples(training_data)
        if len(set(labels)) < 2:
            logger.warning("%s needs at least two labels; not trained.", type(self).__name__)
            return self._resource
        features = self._new_features()
        features.fit([str(m.get(TEXT)) for m in examples])
        classifier = TemperatureScaledSVM(C=float(self._config["C"]), folds=int(self._config["calibration_folds"]))
        model = LinearModel(
            features, classifier, bool(self._config["dense_features"]), bool(self._config["dense_unit_length"])
        )
        weights = np.array([self._weight(label) for label in labels])
        classifier.fit(model.matrix(examples), np.array(labels), sample_weight=weights)
        self._use(model)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / MODEL_FILE)
        return self._resource

    def _use(self, model: LinearModel) -> None:
        """Serve with `model`; serving featurizes a message or two per call, through n-gram rows
        prepared once from its vectorizers (bot/components/ngram_rows.py)."""
        self._model = model
        self._ngram_rows = NgramRows.for_features(model.features)

    def _weight(self, label: str) -> float:
        return float(self._config["out_of_scope_weight"]) if label == OUT_OF_SCOPE else 1.0

    def _examples(self, training_data: TrainingData) -> Tuple[List[Message], List[str]]:
        """Examples and labels; labels with fewer examples than calibration folds are left out."""
        pairs = [(m, str(m.get_full_intent())) for m in training_data.intent_examples if m.get(TEXT)]
        counts = Counter(label for _, label in pairs)
        too_few = sorted(label for label, n in counts.items() if n < int(self._config["calibration_folds"]))
        if too_few:
            logger.warning("Too few examples to learn these labels, left out: %s", ", ".join(too_few))
        kept = [(message, label) for message, label in pairs if label not in too_few]
        return [message for message, _ in kept], [label for _, label in kept]

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        probabilities = self._model.classifier.predict_proba(self._model.matrix(messages, self._ngram_rows))
        labels = self._model.labels
        for message, row in zip(messages, probabilities, strict=True):
            self._annotate(message, labels, row)
        return messages

    def _annotate(self, message: Message, labels: List[str], row: np.ndarray) -> None:
        if _only_punctuation(str(message.get(TEXT) or "")):
            # "???" or "..." says nothing: no intent, so the fallback asks again
            message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
            return
        ranked = sorted(zip(labels, (float(p) for p in row), strict=True), key=lambda pair: -pair[1])
        prefix = self._retrieval_intent + "/"
        topics = [(label, p) for label, p in ranked if label.startswith(prefix)]
        intents: List[Dict[str, Any]] = []
        for label, confidence in ranked:
            name = self._retrieval_intent if label.startswith(prefix) else label
            if all(known[INTENT_NAME_KEY] != name for known in intents):
                intents.append({INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence})
        message.set(INTENT, dict(intents[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, intents[:RANKING_LENGTH], add_to_output=True)
        if topics:
            self._set_topic(message, topics)

    def _set_topic(self, message: Message, topics: List[Tuple[str, float]]) -> None:
        best, confidence = topics[0]
        selected = {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: best,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: "utter_" + best,
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {INTENT_RESPONSE_KEY: label, PREDICTED_CONFIDENCE_KEY: p} for label, p in topics[:RANKING_LENGTH]
            ],
        }
        properties = {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: [self._retrieval_intent], self._retrieval_intent: selected}
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
