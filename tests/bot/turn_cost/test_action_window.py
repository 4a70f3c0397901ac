"""What Rasa sends the action server: its own request, with the events of the last user messages only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.action_window import USER_MESSAGES, action_call_format

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[3] / "bot" / "domain"))
ORIGINAL = RemoteAction._action_call_format


def conversation(user_messages: int) -> DialogueStateTracker:
    """A session of `user_messages` turns, with slots, a form and a message's metadata."""
    events: list[Event] = [
        ActionExecuted("action_session_start"),
        SlotSet("language", "fr"),
        ActionExecuted("action_listen"),
    ]
    for number in range(user_messages):
        intent = "track_order" if number % 3 else "greet"
        events += [
            UserUttered(f"message {number}", {"name": intent, "confidence": 0.9}, [], metadata={"shop": "fr"}),
            SlotSet("order_request", intent if intent != "greet" else None),
            ActionExecuted("action_validate_slot_mappings"),
            ActionExecuted("order_lookup_form"),
            ActiveLoop("order_lookup_form" if number % 2 else None),
            BotUttered(f"answer {number}"),
            ActionExecuted("action_listen"),
        ]
    return DialogueStateTracker.from_events("window-test", events, DOMAIN.slots)


def requests(tracker: DialogueStateTracker, selective: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """Rasa's request and ours, for the same action call."""
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=selective)
    action = RemoteAction("action_request_handoff", endpoint)
    return ORIGINAL(action, tracker, DOMAIN), action_call_format(action, tracker, DOMAIN)


@pytest.mark.parametrize("user_messages", [0, 1, USER_MESSAGES - 1])
def test_a_short_conversation_is_sent_whole(user_messages: int) -> None:
    rasa, ours = requests(conversation(user_messages))
    assert ours == rasa


@pytest.mark.parametrize("user_messages", [USER_MESSAGES, USER_MESSAGES + 1, 40, 300])
def test_a_long_conversation_sends_the_events_from_the_tenth_last_user_message(user_messages: int) -> None:
    rasa, ours = requests(conversation(user_messages))
    events = rasa["tracker"].pop("events")
    sent = ours["tracker"].pop("events")
    assert ours == rasa  # slots, latest message, active loop, latest action: whole
    user_indexes = [i for i, event in enumerate(events) if event["event"] == "user"]
    assert sent == events[user_indexes[-USER_MESSAGES] :]
    assert sum(event["event"] == "user" for event in sent) == USER_MESSAGES


def test_the_request_no_longer_grows_with_the_conversation() -> None:
    _, at_20 = requests(conversation(20))
    rasa_300, at_300 = requests(conversation(300))
    assert len(json.dumps(at_300)) == pytest.approx(len(json.dumps(at_20)), rel=0.02)
    assert len(json.dumps(rasa_300)) > 10 * len(json.dumps(at_300))


def test_the_domain_is_sent_when_selective_domain_is_off() -> None:
    rasa, ours = requests(conversation(3), selective=False)
    assert "domain" in ours
    assert ours == rasa
