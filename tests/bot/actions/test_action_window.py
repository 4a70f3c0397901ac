"""Our actions answer the same with the recent events Rasa now sends as with the whole session.

`bot.action_window` cuts the events sent to the action server at the 10th last user message.
Random conversations (FAQ questions right after order answers, misunderstood messages, forms)
are run through every action that reads `tracker.events`, after every event, once with the whole
history and once with the window: the replies and events must be identical.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.action_window import USER_MESSAGES, is_user_dict, recent
from bot.actions.faq import ActionClarifyQuestion
from bot.actions.handoff import LAST_INTENTS, ActionRequestHandoff
from bot.actions.order_conversation import FOLLOW_UP_OF_TOPIC
from bot.actions.order_lookup import FORM, validation_spoke
from bot.actions.slot_validation import ValidateSlotMappings

TOPICS = [*FOLLOW_UP_OF_TOPIC, "shipping_cost", "payment_methods"]
INTENTS = ["greet", "nlu_fallback", "nlu_fallback", "faq", "faq", "track_order", "inform", "affirm"]
ACTIONS = ["action_answer_order_question", "action_cancel_order", "action_keep_order", FORM, "action_answer_faq"]
READERS: list[Action] = [ActionRequestHandoff(), ActionClarifyQuestion(), ValidateSlotMappings()]


def user(rng: random.Random) -> dict[str, Any]:
    intent = rng.choice(INTENTS)
    parse: dict[str, Any] = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": "..."}
    if intent == "faq":
        key = f"faq/{rng.choice(TOPICS)}"
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": key}, "ranking": []}}
    parse["intent_ranking"] = [{"name": intent, "confidence": 0.9}, {"name": "faq", "confidence": 0.1}]
    return {"event": "user", "text": "...", "parse_data": parse}


def step(rng: random.Random) -> list[dict[str, Any]]:
    """A customer message, then what the bot did: actions and messages."""
    events = [user(rng)]
    for _ in range(rng.randint(0, 3)):
        events.append({"event": "action", "name": rng.choice(ACTIONS)})
        if rng.random() < 0.6:
            events.append({"event": "bot", "text": "..."})
    return events


def tracker(events: list[dict[str, Any]]) -> Tracker:
    latest: dict[str, Any] = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), {})
    slots = {"language": "fr", "shop": "fr", "verified_order": "HM-100106", "faq_is_about_order": None}
    return Tracker("window", slots, latest, events, False, None, {}, "action_listen")


def answers(events: list[dict[str, Any]]) -> list[Any]:
    """What each action that reads the history replies and returns, and `validation_spoke`."""
    found: list[Any] = []
    for action in READERS:
        dispatcher = CollectingDispatcher()
        returned = asyncio.run(action.run(dispatcher, tracker(events), {}))
        found.append((action.name(), dispatcher.messages, returned))
    found.append(validation_spoke(tracker(events)))
    return found


def test_the_window_is_deeper_than_any_action_looks() -> None:
    assert USER_MESSAGES >= 2 * LAST_INTENTS


@pytest.mark.parametrize("seed", range(6))
def test_actions_answer_the_same_with_the_window(seed: int) -> None:
    rng = random.Random(seed)
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_session_start"}]
    compared = 0
    while sum(is_user_dict(e) for e in events) < 3 * USER_MESSAGES:
        for event in step(rng):
            events.append(event)
            window = recent(events, is_user_dict)
            assert answers(window) == answers(events)
            compared += len(window) < len(events)
    assert compared > 50  # the window was shorter than the session most of the time


def test_the_agent_summary_keeps_the_last_five_intents() -> None:
    events = [user(random.Random(n)) for n in range(30)]
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionRequestHandoff().run(dispatcher, tracker(recent(events, is_user_dict)), {}))
    summary = dispatcher.messages[0]["custom"]["handoff"]
    assert len(summary["last_intents"]) == LAST_INTENTS
