"""action_session_start: the starting shop and language, and what a new session keeps."""

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.session import ActionSessionStart
from tests.bot.actions.conftest import make_tracker


def _slots_after_start(slots: dict[str, Any]) -> dict[str, Any]:
    events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), make_tracker(slots), {}))
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"shop": "ro"}, {"shop": "ro", "language": "ro"}),
        ({"shop": "intl"}, {"shop": "intl", "language": "en"}),
        ({"shop": "ro", "language": "en"}, {"shop": "ro", "language": "en"}),
        ({"language": "fr-FR"}, {"shop": "fr", "language": "fr"}),
        ({}, {"shop": "fr", "language": "fr"}),
        ({"shop": "mars", "language": "klingon"}, {"shop": "fr", "language": "fr"}),
        ({"shop": ["ro"], "language": 7}, {"shop": "fr", "language": "fr"}),
    ],
)
def test_first_session_starts_from_the_page(metadata: dict[str, Any], expected: dict[str, str]) -> None:
    assert _slots_after_start({"session_started_metadata": metadata}) == expected


def test_a_new_session_keeps_the_conversation_language() -> None:
    slots = {"session_started_metadata": {"shop": "fr", "language": "fr"}, "language": "ro", "shop": "ro"}
    assert _slots_after_start(slots) == {"shop": "fr", "language": "ro"}


def test_metadata_that_is_not_a_mapping_is_ignored() -> None:
    assert _slots_after_start({"session_started_metadata": "ro"}) == {"shop": "fr", "language": "fr"}
