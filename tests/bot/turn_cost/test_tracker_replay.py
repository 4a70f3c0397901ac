"""The tracker copies and applied events going on from a replay are exactly Rasa's.

Random conversations over the project's domain (undos, loops, rejections, follow-ups, new
sessions), checked after every step against Rasa's own `copy()` and `applied_events()`: the live
tracker, temporary copies with events that are then dropped (as before an action), and trackers
read back from the database (equal events, new objects).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import prediction_states, tracker_replay
from bot.prediction_states import states_for_tracker_history
from tests.bot.turn_cost.test_prediction_states import DOMAIN, random_events, read_back

ORIGINAL_COPY = tracker_replay._original_copy
ORIGINAL_APPLIED = tracker_replay._original_applied_events
ORIGINAL_STATES = prediction_states._original
ORIGINAL_FROM_EVENTS = tracker_replay._original_from_events


def state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Everything a tracker holds, comparable by value."""
    found = {name: value for name, value in vars(tracker).items() if name not in ("events", "slots")}
    for name in ("latest_message", "latest_bot_utterance"):  # `empty()` ones are stamped when made
        event = getattr(tracker, name)
        found[name] = {**event.as_dict(), "timestamp": None} if event is not None else None
    found["events"] = [event.as_dict() for event in tracker.events]
    found["slots"] = {name: (slot.value, slot.has_been_set, type(slot)) for name, slot in tracker.slots.items()}
    return found


def check(tracker: DialogueStateTracker) -> None:
    assert [e.as_dict() for e in tracker_replay.applied_events(tracker)] == [
        e.as_dict() for e in ORIGINAL_APPLIED(tracker)
    ]
    ours, rasas = tracker_replay.copy(tracker), ORIGINAL_COPY(tracker)
    assert state(ours) == state(rasas)
    ours.update(SlotSet("language", "ro"))  # a copy changed does not change what comes next
    assert state(tracker_replay.copy(tracker)) == state(rasas)
    extra = [SlotSet("order_request", "track_order")]  # as for the slot validation: all events and the new slots
    rebuilt = tracker_replay.from_events(
        DialogueStateTracker, tracker.sender_id, [*tracker.events, *extra], DOMAIN.slots
    )
    assert state(rebuilt) == state(ORIGINAL_FROM_EVENTS(tracker.sender_id, [*tracker.events, *extra], DOMAIN.slots))


@pytest.mark.parametrize("seed", range(12))
def test_copies_and_applied_events_equal_rasas_after_every_step(seed: int) -> None:
    tracker_replay.clear()
    rng = random.Random(seed)
    tracker = DialogueStateTracker.from_events(f"conversation-{seed}", [ActionExecuted("action_listen")], DOMAIN.slots)
    for step in range(80):
        for event in random_events(rng):
            tracker.update(event)
        check(tracker)
        temporary = ORIGINAL_COPY(tracker)  # as before an action: events that may be dropped
        for event in random_events(rng):
            temporary.update(event)
        check(temporary)
        if step % 5 == 2:
            tracker = read_back(tracker)
            check(tracker)


def test_a_long_conversation_replays_only_its_new_events(monkeypatch: pytest.MonkeyPatch) -> None:
    tracker_replay.clear()
    tracker = DialogueStateTracker.from_events("long", [ActionExecuted("action_listen")], DOMAIN.slots)
    for number in range(300):
        tracker.update(UserUttered(f"hi {number}", {"name": DOMAIN.intents[0], "confidence": 1.0}))
        tracker.update(ActionExecuted("action_listen"))
    tracker_replay.copy(tracker)
    tracker_replay.applied_events(tracker)
    applied: list[Event] = []
    original_update = DialogueStateTracker.update

    def counting(self: DialogueStateTracker, event: Event, *args: Any) -> None:
        applied.append(event)
        original_update(self, event, *args)

    monkeypatch.setattr(DialogueStateTracker, "update", counting)
    monkeypatch.setattr(tracker_replay, "_original_applied_events", lambda _: pytest.fail("replayed from the start"))
    tracker.update(UserUttered("again", {"name": DOMAIN.intents[0], "confidence": 1.0}))
    copied = tracker_replay.copy(tracker)
    assert len(applied) == 2  # the new event on the tracker, and on the replay (Rasa: 602)
    assert copied.latest_message is not None and copied.latest_message.text == "again"
    assert len(tracker_replay.applied_events(tracker)) == 602
    rebuilt = tracker_replay.from_events(
        DialogueStateTracker, "long", [*tracker.events, SlotSet("language", "fr")], DOMAIN.slots
    )
    assert len(applied) == 3  # the new slot replayed once: not the 603 events again
    assert rebuilt.get_slot("language") == "fr" and len(rebuilt.events) == 603


def test_a_bounded_tracker_is_copied_by_rasa() -> None:
    tracker = DialogueStateTracker.from_events("bounded", [ActionExecuted("action_listen")], DOMAIN.slots, 5)
    for number in range(10):
        tracker.update(UserUttered(f"hi {number}", {"name": DOMAIN.intents[0], "confidence": 1.0}))
    assert state(tracker_replay.copy(tracker)) == state(ORIGINAL_COPY(tracker))
    assert tracker_replay.applied_events(tracker) == ORIGINAL_APPLIED(tracker)


def through_the_database(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker as the SQL store reads it back: every event stored as JSON and parsed again."""
    rows = [json.loads(json.dumps(event.as_dict())) for event in tracker.events]
    return DialogueStateTracker.from_dict(tracker.sender_id, rows, DOMAIN.slots)


def test_events_read_back_from_the_database_continue_the_replay(
    monkeypatch: pytest.MonkeyPatch, states_computed: Callable[[], int]
) -> None:
    tracker_replay.clear()
    prediction_states.clear()
    tracker = DialogueStateTracker.from_events("stored", [ActionExecuted("action_listen")], DOMAIN.slots)
    for number in range(50):  # the NLU's token offsets are tuples; stored as JSON they come back as lists
        parse = {"intent": {"name": DOMAIN.intents[0], "confidence": 1.0}, "text_tokens": [(0, 2), (3, 5)]}
        tracker.update(UserUttered(f"hi {number}", parse))
        tracker.update(ActionExecuted("action_listen"))
    tracker_replay.copy(tracker)
    tracker_replay.applied_events(tracker)
    states_for_tracker_history(DOMAIN, tracker)
    read = through_the_database(tracker)
    read.update(UserUttered("again", {"name": DOMAIN.intents[0], "confidence": 1.0}))
    expected_copy, expected_states = state(ORIGINAL_COPY(read)), ORIGINAL_STATES(DOMAIN, read)
    monkeypatch.setattr(tracker_replay, "_original_copy", lambda _: pytest.fail("replayed from the start"))
    monkeypatch.setattr(tracker_replay, "_original_applied_events", lambda _: pytest.fail("applied from the start"))
    states_computed()  # counting from here
    copied = tracker_replay.copy(read)
    assert state(copied) == expected_copy
    assert copied.latest_message is read.events[-1]  # the tracker's own events, not the replay's
    assert states_for_tracker_history(DOMAIN, read) == expected_states
    assert states_computed() <= 2  # Rasa's own: one per action, 51 here
