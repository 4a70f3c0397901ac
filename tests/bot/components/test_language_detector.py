"""The Rasa component on real Rasa messages: entities for the slot and for switch_language."""

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.language_detector import LanguageDetector


def _entities(text: str) -> dict[str, str]:
    component = LanguageDetector(LanguageDetector.get_default_config())
    message = Message(data={TEXT: text})
    component.process([message])
    return {e["entity"]: e["value"] for e in message.get(ENTITIES)}


def test_confident_message_gets_a_language_entity() -> None:
    assert _entities("Bună ziua, unde este comanda mea?") == {"language": "ro"}


def test_unsure_message_gets_no_language_entity() -> None:
    assert _entities("ok") == {}


def test_named_language_is_an_entity_next_to_the_detected_one() -> None:
    assert _entities("parlez-vous anglais ?") == {"language": "fr", "requested_language": "en"}


def test_existing_entities_are_kept_and_extractor_is_named() -> None:
    component = LanguageDetector(LanguageDetector.get_default_config())
    message = Message(data={TEXT: "hello", ENTITIES: [{"entity": "email", "value": "x@y.z"}]})
    component.process([message])
    entities = message.get(ENTITIES)
    assert entities[0] == {"entity": "email", "value": "x@y.z"}
    assert entities[1]["entity"] == "language"
    assert entities[1]["extractor"] == "LanguageDetector"
