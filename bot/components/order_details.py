"""Rasa NLU component: a message that identifies an order is `inform`, whatever the model guessed.

Order numbers and e-mail addresses are patterns, not language: "claire.martin@example.fr"
alone once came out as `affirm`, "HM-100104 / sophie.bernard@example.fr" as a password
question. When the message is essentially an order number and/or an e-mail and the model
did not pick an order question (which keeps its own details, e.g. "cancel HM-100101"),
the intent becomes `inform` so the dialogue continues the order verification.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.actions.order_intents import details_intent
from bot.components.intent_override import override_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OrderDetailsIntent(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"intent": "inform"}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._intent = str(config["intent"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OrderDetailsIntent:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            predicted = (message.data.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if details_intent(predicted, str(message.get(TEXT) or "")):
                override_intent(message, self._intent, 1.0)
        return messages
