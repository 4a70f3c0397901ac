"""Rasa NLU component: falls back when the FAQ topic itself is uncertain.

The FallbackClassifier only looks at the intent: a question from outside the shops
("book me a flight") is confidently "faq" there, and only the response selector's
confidence says that no FAQ topic fits. Below `threshold`, the intent becomes
`nlu_fallback` exactly as the FallbackClassifier sets it, so the dialogue asks
"did you mean ...?" (the ranking is kept for the suggestions).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import RESPONSE_SELECTOR_PREDICTION_KEY, RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.components.intent_override import override_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RetrievalConfidenceFallback(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"retrieval_intent": "faq", "threshold": 0.3}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._intent = str(config["retrieval_intent"])
        self._threshold = float(config["threshold"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RetrievalConfidenceFallback:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self._topic_is_uncertain(message):
                override_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME, self._threshold)
        return messages

    def _topic_is_uncertain(self, message: Message) -> bool:
        intent = message.data.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) != self._intent:
            return False
        selected = (message.data.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(self._intent) or {}
        prediction = selected.get(RESPONSE_SELECTOR_PREDICTION_KEY) or {}
        return float(prediction.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < self._threshold
