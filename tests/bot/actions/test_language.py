"""action_switch_language sets the language only when one was named."""

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.language import ActionSwitchLanguage
from tests.bot.actions.conftest import make_tracker


@pytest.mark.parametrize("language", ["fr", "en", "ro"])
def test_named_language_is_set(language: str) -> None:
    tracker = make_tracker(
        {"language": "fr"},
        entities=[{"entity": "requested_language", "value": language}],
        intent="switch_language",
    )
    events = asyncio.run(ActionSwitchLanguage().run(CollectingDispatcher(), tracker, {}))
    assert [(e["name"], e["value"]) for e in events] == [("language", language)]


@pytest.mark.parametrize("entities", [[], [{"entity": "requested_language", "value": "de"}]])
def test_nothing_changes_without_a_known_language(entities: list[dict[str, str]]) -> None:
    tracker = make_tracker({"language": "ro"}, entities=entities, intent="switch_language")
    assert asyncio.run(ActionSwitchLanguage().run(CollectingDispatcher(), tracker, {})) == []
