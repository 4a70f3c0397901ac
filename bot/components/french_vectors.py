"""Rasa NLU featurizer: fr_core_news_md word vectors for French messages only (DESIGN §4).

English and Romanian messages get zero vectors of the same size, so no French feature
ever reaches them. Only the model's vocabulary vectors are used (no spaCy pipeline
runs), which keeps it fast; tokens are the ones of the pipeline's tokenizer.
"""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import MEAN_POOLING, POOLING

from bot.components.language_detection import LanguageGuesser


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class FrenchWordVectors(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), POOLING: MEAN_POOLING, "model": "fr_core_news_md"}

    @staticmethod
    def required_packages() -> List[str]:
        return ["spacy"]

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        import spacy

        self._vocab = spacy.load(self._config["model"], exclude=["*"]).vocab
        if self._vocab.vectors_length == 0:
            self._vocab = spacy.load(self._config["model"]).vocab
        self._dimension = self._vocab.vectors_length
        self._guesser = LanguageGuesser()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FrenchWordVectors:
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            text = message.get(TEXT)
            if not tokens or not text:
                continue
            french = self._guesser.guess(text).language == "fr"
            sequence = np.array([self._vector(t.text) if french else np.zeros(self._dimension) for t in tokens])
            sentence = self.aggregate_sequence_features(sequence, self._config[POOLING])
            alias = self._config[FEATURIZER_CLASS_ALIAS]
            message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, alias))
            message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, alias))
        return messages

    def _vector(self, token: str) -> np.ndarray:
        for form in (token, token.lower()):
            if self._vocab.has_vector(form):
                return np.asarray(self._vocab.get_vector(form), dtype=np.float32)
        return np.zeros(self._dimension, dtype=np.float32)

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        pass
