"""Rasa NLU component: adds the message's language and any language asked for by name.

Entities added (never learned by DIET, computed here):
- `language`: fr/en/ro, only when the detection is confident (the slot is sticky);
- `requested_language`: fr/en/ro when the text names a language, read by
  `action_switch_language`.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.language_detection import LanguageGuesser
from bot.components.language_names import requested_language

LANGUAGE_ENTITY = "language"
REQUESTED_LANGUAGE_ENTITY = "requested_language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Detects fr/en/ro with lingua; see `language_detection` for the thresholds."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"min_confidence": 0.5, "min_margin": 0.25, "min_letters": 3}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._guesser = LanguageGuesser(
            min_confidence=float(config["min_confidence"]),
            min_margin=float(config["min_margin"]),
            min_letters=int(config["min_letters"]),
        )

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = self._entities(text)
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages

    def _entities(self, text: str) -> List[Dict[str, Any]]:
        entities: List[Dict[str, Any]] = []
        guess = self._guesser.guess(text)
        if guess.language:
            entities.append(_entity(LANGUAGE_ENTITY, guess.language, text, guess.confidence))
        asked: str | None = requested_language(text)
        if asked:
            entities.append(_entity(REQUESTED_LANGUAGE_ENTITY, asked, text, 1.0))
        return entities


def _entity(name: str, value: str, text: str, confidence: float) -> Dict[str, Any]:
    return {
        "entity": name,
        "value": value,
        "start": 0,
        "end": len(text),
        "confidence_entity": confidence,
    }
