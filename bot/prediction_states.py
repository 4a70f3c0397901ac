"""The policies' dialogue states, computed once per event instead of once per event per prediction.

Before each action Rasa's policies (MemoizationPolicy, RulePolicy: three to nine times a turn)
ask `Domain.states_for_tracker_history` for the conversation's states, which replays every event
of the session on a blank tracker: a turn's prediction cost grows with the conversation. The
states of a prefix of the session do not change when events are appended, so this keeps, per
conversation, the states computed so far and the replayed tracker, and replays only the events
that follow. Whenever the events seen before are not a prefix of the tracker's (an undo, a new
session, a tracker from elsewhere) everything is replayed, as Rasa does.

What the function returns differs from Rasa's in one way, so that a call's cost does not grow
with the conversation either: copying every state for each call (callers change what they get)
was most of a prediction at turn 300. The states before the last are shared between calls, in
the form the policies' featurizer gives them anyway: a user sub-state with an intent has no text
(`TrackerFeaturizer._remove_user_text_if_intent` deletes it from every state, in place). Since
nothing is left for that function to delete, it changes nothing shared (and, replaced here, it
passes over them instead of looking into each); the last state, which `_choose_last_user_input`
changes, is a fresh copy at every call. So what every policy sees
through its featurizer is Rasa's (tests/bot/turn_cost/test_prediction_states.py).

Installed by `bot.rasa_main` for `rasa run` only (training keeps Rasa's own code).
"""

from __future__ import annotations

import copy
import json
import operator
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION, USER
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, TEXT

MAX_CONVERSATIONS = 1000
MAX_STORED_FORMS = 2_000  # objects whose JSON is kept: the last turns of the conversations being served
_original = Domain.states_for_tracker_history


class FeaturizedState(dict):  # a state: dict[str, dict[str, Any]]
    """A state shared between calls, as the featurizer leaves it: it has no text to remove."""


@dataclass
class _Replay:
    """The states of `applied` (before each action), and the tracker after all of them."""

    domain: Domain
    tracker: DialogueStateTracker
    events: list[Event] = field(default_factory=list)  # the tracker's events, `applied` their applied ones
    loop_names: set[str] = field(default_factory=set)
    applied: list[Event] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)
    shared: list[FeaturizedState] = field(default_factory=list)  # `states` as featurized, handed out
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False


_replays: OrderedDict[tuple[Any, ...], _Replay] = OrderedDict()


def _step(
    domain: Domain,
    replay: _Replay,
    hide_rule_turn: bool,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
) -> None:
    """One iteration of Rasa's loop in `Domain.states_for_tracker_history`, on `replay.tracker`."""
    tr = replay.tracker
    if ignore_rule_only_turns:
        if not replay.turn_was_hidden:
            replay.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
        if not tr.followup_action and tr.latest_action_name != tr.active_loop_name:
            replay.turn_was_hidden = hide_rule_turn
        if replay.turn_was_hidden:
            return
    state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if replay.states:
            domain._substitute_rule_only_user_input(state, replay.states[-1])
        if replay.last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = replay.last_ml_action_sub_state
    replay.states.append(domain._clean_state(state))


def _remove_text_where_intent(state: dict[str, Any]) -> None:
    user = state.get(USER, {})
    if user.get(INTENT) and user.get(TEXT):
        del state[USER][TEXT]


def _copied(state: dict[str, Any]) -> dict[str, Any]:
    """A copy of `state` that can be changed apart (its sub-states hold strings and tuples only)."""
    return {name: dict(sub_state) for name, sub_state in state.items()}


def as_featurized(state: dict[str, Any]) -> FeaturizedState:
    """A copy of `state` with the user's text left out where there is an intent, as the featurizer
    leaves it (`_remove_user_text_if_intent`, same test)."""
    copied = FeaturizedState(_copied(state))
    _remove_text_where_intent(copied)
    return copied


def remove_user_text_if_intent(trackers_as_states: list[list[dict[str, Any]]]) -> None:
    """Rasa's `TrackerFeaturizer._remove_user_text_if_intent`, passing over the shared states, which
    have no text to remove (a loop over the whole conversation, several times a turn)."""
    for states in trackers_as_states:
        for state in states:
            if type(state) is not FeaturizedState:
                _remove_text_where_intent(state)


def same_event(a: Event, b: Event) -> bool:
    """The same event, or one read back from the database: equal once stored as JSON, as the
    tracker store does (a live message's token offsets are tuples, read back they are lists)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    return _stored_form(a) == _stored_form(b)


_stored_forms: OrderedDict[int, tuple[Any, str]] = OrderedDict()  # id -> (the object, its JSON)


def _stored_form(value: Any) -> str:
    """`value` (an event, or a policy's rule-only data) as JSON, computed once per object.

    The last turn's events are compared with their copies read back from the database many times a
    turn (each policy, each prediction): serialising them each time was 9 % of the Rasa server's time
    at 8 concurrent conversations. Events are not changed once in a tracker, so their JSON is kept,
    with the object itself (an id is only unique while its object lives)."""
    known = _stored_forms.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    as_json = json.dumps(value.as_dict() if isinstance(value, Event) else value, sort_keys=True, default=str)
    _stored_forms[id(value)] = (value, as_json)
    while len(_stored_forms) > MAX_STORED_FORMS:
        _stored_forms.popitem(last=False)
    return as_json


def _same_events(seen: list[Event], now: list[Event]) -> bool:
    """`seen` is a prefix of `now`: the same objects, or events read again from the database."""
    if len(seen) > len(now):
        return False
    same = list(map(operator.is_, seen, now))
    return all(same) or all(same_event(a, b) for a, b, identical in zip(seen, now, same, strict=False) if not identical)


def first_event(tracker: DialogueStateTracker) -> tuple[str, float] | None:
    """What tells the conversation's tracker from the short ones the MemoizationPolicy makes of it
    (same sender, the last few events only), so that these do not push its replay out."""
    if not tracker.events:
        return None
    event = tracker.events[0]
    return (event.type_name, event.timestamp)


def _key(tracker: DialogueStateTracker, *flags: Any) -> tuple[Any, ...]:
    return (tracker.sender_id, first_event(tracker), tracker.is_rule_tracker, tuple(tracker.slots), *flags)


def _applied_events(
    tracker: DialogueStateTracker, events: list[Event], replay: _Replay
) -> tuple[list[Event], set[str] | None]:
    """`tracker.applied_events()`; appended events that undo nothing are simply appended.

    Rasa's `applied_events` drops events on a restart, a new session, an undo, and when a loop's
    action runs again; an `ActiveLoop` of a new name changes how earlier events are read. With
    none of these among the new events, the applied events are the old ones plus the new ones.
    """
    seen = replay.events
    if seen and _same_events(seen, events):
        new = events[len(seen) :]
        if not any(_may_undo(event, replay.loop_names) for event in new):
            return replay.applied + new, replay.loop_names
    return tracker.applied_events(), None


def _may_undo(event: Event, loop_names: set[str]) -> bool:
    if isinstance(event, (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted)):
        return True
    if isinstance(event, ActiveLoop):
        return bool(event.name) and event.name not in loop_names
    return isinstance(event, ActionExecuted) and event.action_name in loop_names


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Rasa's `Domain.states_for_tracker_history`, replaying only the events not seen before."""
    if tracker._max_event_history is not None:
        return _original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    flags = (omit_unset_slots, ignore_rule_only_turns, _stored_form(rule_only_data))
    key = _key(tracker, *flags)
    replay = _replays.pop(key, None)
    if replay is None or replay.domain is not self:
        replay = _Replay(self, tracker.init_copy())
    events = list(tracker.events)
    applied, loop_names = _applied_events(tracker, events, replay)
    if loop_names is None:
        loop_names = {event.name for event in events if isinstance(event, ActiveLoop) and event.name}
        if not _same_events(replay.applied, applied):
            replay = _Replay(self, tracker.init_copy())
    options = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    for event in applied[len(replay.applied) :]:
        if isinstance(event, ActionExecuted):
            _step(self, replay, event.hide_rule_turn, *options)
        replay.tracker.update(event)
    replay.applied = applied
    replay.events = events
    replay.loop_names = loop_names
    _replays[key] = replay
    while len(_replays) > MAX_CONVERSATIONS:
        _replays.popitem(last=False)
    replay.shared.extend(as_featurized(state) for state in replay.states[len(replay.shared) :])
    # the state after the last event, on a scratch copy: the next call goes on from `replay`
    final = copy.copy(replay)
    final.states = list(replay.states)
    _step(self, final, False, *options)
    if not final.states:
        return []
    # shared: the states before the last, which featurizers do not change; the last is the caller's
    before_last = replay.shared[: len(final.states) - 1]
    return [*before_last, _copied(final.states[-1])]


def install() -> None:
    """Use the incremental states in this process (the Rasa server)."""
    from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer

    Domain.states_for_tracker_history = states_for_tracker_history
    TrackerFeaturizer._remove_user_text_if_intent = staticmethod(remove_user_text_if_intent)


def clear() -> None:
    _replays.clear()
