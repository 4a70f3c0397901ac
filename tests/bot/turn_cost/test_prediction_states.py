"""The incrementally computed dialogue states are the ones Rasa computes from scratch, as the policies see them.

Random conversations over the project's own domain (intents, slots, forms), with undos, loops,
rejections and new sessions, checked after every event for each way the policies ask: the
states themselves (before the last, a user's text is left out where there is an intent, as the
featurizer leaves it), and what the policies' featurizers make of them, call after call.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer, TrackerFeaturizer
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    Event,
    FollowupAction,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot import prediction_states
from bot.prediction_states import as_featurized, remove_user_text_if_intent, states_for_tracker_history

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[3] / "bot" / "domain"))
ORIGINAL = prediction_states._original
ORIGINAL_REMOVE_TEXT = TrackerFeaturizer._remove_user_text_if_intent
FLAGS: list[dict[str, Any]] = [
    {},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True, "rule_only_data": {"slots": ["faq_is_about_order"], "active_loops": []}},
    {"ignore_rule_only_turns": True, "rule_only_data": {"slots": [], "active_loops": ["order_lookup_form"]}},
]


def random_events(rng: random.Random) -> list[Event]:
    """One step of a conversation: mostly turns, sometimes the rarer events."""
    action = rng.choice(
        [name for name in DOMAIN.action_names_or_texts if not name.startswith("utter_") or rng.random() < 0.3]
    )
    slot = rng.choice(list(DOMAIN.slots))
    form = rng.choice(list(DOMAIN.form_names) or [None])
    choice = rng.random()
    if choice < 0.45:
        intent = rng.choice(DOMAIN.intents)
        return [
            UserUttered(f"text {rng.random()}", {"name": intent, "confidence": 0.9}, []),
            SlotSet(slot.name, rng.choice([None, "fr", "en", True, 1.0])),
            ActionExecuted(action, hide_rule_turn=rng.random() < 0.3),
            ActionExecuted("action_listen"),
        ]
    rare: list[list[Event]] = [
        [ActiveLoop(form), ActionExecuted(form or action)],
        [ActiveLoop(None)],
        [ActionExecuted(action), ActionReverted()],
        [UserUtteranceReverted()],
        [FollowupAction(action)],
        [LoopInterrupted(True)],
        [ActionExecutionRejected(action)],
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            SlotSet("language", "ro"),
            ActionExecuted("action_listen"),
        ],
    ]
    return rng.choice(rare)


def as_returned(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa's states as ours returns them: the ones before the last as the featurizer leaves them."""
    return [*(as_featurized(state) for state in states[:-1]), *states[-1:]]


def read_back(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker as a tracker store rebuilds it: the same events, new objects."""
    return DialogueStateTracker.from_dict(tracker.sender_id, [e.as_dict() for e in tracker.events], DOMAIN.slots)


@pytest.mark.parametrize("seed", range(10))
def test_states_equal_rasas_after_every_step(seed: int) -> None:
    prediction_states.clear()
    rng = random.Random(seed)
    tracker = DialogueStateTracker.from_events(f"conversation-{seed}", [ActionExecuted("action_listen")], DOMAIN.slots)
    for step in range(60):
        for event in random_events(rng):
            tracker.update(event)
        if step % 7 == 3:
            tracker = read_back(tracker)
        for flags in FLAGS:
            expected: Any = as_returned(ORIGINAL(DOMAIN, tracker, **flags))
            assert states_for_tracker_history(DOMAIN, tracker, **flags) == expected, (step, flags)


@pytest.mark.parametrize("seed", range(6))
def test_the_policies_featurizers_see_rasas_states_call_after_call(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the Memoization (max history 5) and Rule (all of it) policies get, with text or intent
    for the last message: Rasa's, also when the same states are asked for again after a featurizer
    changed the ones it got."""
    prediction_states.clear()
    featurizers = [MaxHistoryTrackerFeaturizer(max_history=5), MaxHistoryTrackerFeaturizer(max_history=None)]
    rng = random.Random(seed)
    tracker = DialogueStateTracker.from_events(f"featurized-{seed}", [ActionExecuted("action_listen")], DOMAIN.slots)

    def featurized(states_function: Any) -> list[Any]:
        """What the featurizers give, with Rasa's functions or with ours (as `install` sets them)."""
        ours = states_function is not ORIGINAL
        monkeypatch.setattr(Domain, "states_for_tracker_history", states_function)
        monkeypatch.setattr(
            TrackerFeaturizer,
            "_remove_user_text_if_intent",
            staticmethod(remove_user_text_if_intent if ours else ORIGINAL_REMOVE_TEXT),
        )
        return [
            featurizer.prediction_states([tracker], DOMAIN, use_text, **flags)
            for featurizer in featurizers
            for use_text in (False, True)
            for flags in FLAGS
            if "omit_unset_slots" not in flags  # the featurizers never ask for that
        ]

    for step in range(40):
        for event in random_events(rng):
            tracker.update(event)
        if step % 9 == 4:
            tracker = read_back(tracker)
        expected = featurized(ORIGINAL)
        assert featurized(states_for_tracker_history) == expected, step
        assert featurized(states_for_tracker_history) == expected, step  # again, after the changes


def test_callers_may_change_the_states_they_get() -> None:
    prediction_states.clear()
    tracker = DialogueStateTracker.from_events("changed", [ActionExecuted("action_listen")], DOMAIN.slots)
    tracker.update(UserUttered("bonjour", {"name": DOMAIN.intents[0], "confidence": 1.0}))
    first = states_for_tracker_history(DOMAIN, tracker)
    for state in first:
        for sub_state in state.values():
            sub_state.clear()
    assert states_for_tracker_history(DOMAIN, tracker) == as_returned(ORIGINAL(DOMAIN, tracker))


def test_a_long_conversation_replays_only_its_new_events(states_computed: Callable[[], int]) -> None:
    prediction_states.clear()
    rng = random.Random(42)
    tracker = DialogueStateTracker.from_events("long", [ActionExecuted("action_listen")], DOMAIN.slots)
    for _ in range(100):
        tracker.update(UserUttered("hi", {"name": rng.choice(DOMAIN.intents), "confidence": 1.0}))
        tracker.update(ActionExecuted("action_listen"))
    states_for_tracker_history(DOMAIN, tracker)
    states_computed()  # counting from here
    tracker.update(UserUttered("again", {"name": DOMAIN.intents[0], "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    states = states_for_tracker_history(DOMAIN, tracker)
    # Rasa's own computes one state per action: 102 here (and again for every later prediction)
    assert states_computed() <= 3
    assert states == as_returned(ORIGINAL(DOMAIN, tracker))
