"""`DialogueStateTracker.copy()`, `from_events()` and `applied_events()` without going over the
whole session each time.

Rasa copies the tracker before every action it runs (`MessageProcessor._run_action`, and a form's
activation) by replaying every event of the session on a blank tracker, rebuilds one the same way
for `action_validate_slot_mappings` after every message (`from_events`), and computes
`applied_events()` (the events minus the undone ones) from the first event, several times a turn
(the session check, the session's expiry, the policies). Both are left folds over the events, so
their result for a longer list of events follows from their result for a prefix of it.

This keeps, per conversation, a few "replays": a tracker built by replaying events exactly as
`copy()` does, and the applied events of the same events. A call takes the longest replay whose
events begin the tracker's events (the same objects, or equal ones read back from the database),
and goes on from there with the new events only; the result is kept as a replay of its own (the
action server's answer may differ from what a temporary tracker had, so one replay is never
changed in place). Nothing matches: Rasa's own code runs, and its result becomes a replay.

`applied_events` depends on every loop name of the session (`ActiveLoop` events): when a new name
appears among the new events, it is computed by Rasa from the first event.

Installed by `bot.rasa_main` for `rasa run` only (training keeps Rasa's own code).
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.prediction_states import same_event
from bot.tracker_store import copy_tracker

MAX_CONVERSATIONS = 1000
REPLAYS_PER_CONVERSATION = 4
_original_copy = DialogueStateTracker.copy
_original_applied_events = DialogueStateTracker.applied_events
_original_from_events = DialogueStateTracker.from_events


@dataclass
class _Replay:
    events: list[Event]
    tracker: DialogueStateTracker | None  # the events replayed as `copy()` does (built when first asked)
    applied: list[Event] | None  # `applied_events()` of the events (computed when first asked)
    loop_names: frozenset[str]


_replays: OrderedDict[tuple[Any, ...], list[_Replay]] = OrderedDict()


def _key(tracker: DialogueStateTracker, events: list[Event]) -> tuple[Any, ...] | None:
    """Replays are shared by trackers of one conversation, one start (not the policies' short
    trackers of it), the same slots; a bounded one forgets events: only Rasa's replay is right."""
    if tracker._max_event_history is not None or tracker.sender_source is not None:
        return None
    slots = tuple((name, type(slot), repr(slot.initial_value)) for name, slot in tracker.slots.items())
    first = (events[0].type_name, events[0].timestamp) if events else None
    return (tracker.sender_id, first, tracker.is_rule_tracker, type(tracker.slots), slots)


def _is_prefix(seen: list[Event], now: list[Event]) -> bool:
    """`seen` begins `now`: the same objects, or events read again from the database."""
    if len(seen) > len(now):
        return False
    same = list(map(operator.is_, seen, now))
    return all(same) or all(same_event(a, b) for a, b, ok in zip(seen, now, same, strict=False) if not ok)


def _loop_names(events: list[Event]) -> frozenset[str]:
    return frozenset(event.name for event in events if isinstance(event, ActiveLoop) and event.name)


def _best(key: tuple[Any, ...], events: list[Event], wanted: str) -> _Replay | None:
    """The longest replay of this conversation, with `wanted` computed, whose events begin `events`."""
    found = [r for r in _replays.get(key, []) if getattr(r, wanted) is not None and _is_prefix(r.events, events)]
    return max(found, key=lambda replay: len(replay.events), default=None)


def _keep(key: tuple[Any, ...], replay: _Replay) -> None:
    """Adds `replay` to the conversation's (or completes the one of the same events); the oldest go first."""
    replays = _replays.pop(key, [])
    same = next(
        (r for r in replays if len(r.events) == len(replay.events) and _is_prefix(r.events, replay.events)), None
    )
    if same is not None:
        same.tracker = same.tracker or replay.tracker
        same.applied = same.applied if same.applied is not None else replay.applied
        replays.remove(same)
        replay = same
    replays.append(replay)
    _replays[key] = replays[-REPLAYS_PER_CONVERSATION:]
    while len(_replays) > MAX_CONVERSATIONS:
        _replays.popitem(last=False)


def fold_applied(
    tracker: DialogueStateTracker, applied: list[Event], new: list[Event], loop_names: frozenset[str]
) -> None:
    """Rasa's loop in `applied_events`, for the events `new` after those that gave `applied` (changed in place)."""
    for event in new:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            DialogueStateTracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            DialogueStateTracker._undo_till_previous(UserUttered, applied)
            DialogueStateTracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            DialogueStateTracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)


def applied_events(self: DialogueStateTracker) -> list[Event]:
    """Rasa's `DialogueStateTracker.applied_events`, going on from a replay of the events before."""
    events = list(self.events)
    key = _key(self, events)
    if key is None:
        return _original_applied_events(self)
    replay = _best(key, events, "applied")
    new = events[len(replay.events) :] if replay is not None else events
    loop_names = (replay.loop_names if replay is not None else frozenset()) | _loop_names(new)
    if replay is None or replay.applied is None or replay.loop_names != loop_names:
        applied = _original_applied_events(self)
    else:
        applied = list(replay.applied)
        fold_applied(self, applied, new, loop_names)
    _keep(key, _Replay(events, None, list(applied), loop_names))
    return applied


def _adopt(replayed: DialogueStateTracker, events: list[Event]) -> None:
    """The replay's state on the tracker's own event objects (the replay's may be equal ones read
    back from the database): its events, its latest message and latest bot message."""
    before = list(replayed.events)
    replayed.events = replayed._create_events(events)
    for name in ("latest_message", "latest_bot_utterance"):
        current = getattr(replayed, name)
        for index in range(len(before) - 1, -1, -1):
            if before[index] is current:
                setattr(replayed, name, events[index])
                break


def _replayed(
    blank: DialogueStateTracker, events: list[Event], rasas: Callable[[], DialogueStateTracker]
) -> DialogueStateTracker:
    """`events` replayed on a tracker like `blank`, going on from a replay; `rasas` replays them all."""
    key = _key(blank, events)
    if key is None:
        return rasas()
    replay = _best(key, events, "tracker")
    if replay is None or replay.tracker is None:
        replayed, loop_names = rasas(), _loop_names(events)
    else:
        new = events[len(replay.events) :]
        replayed, loop_names = copy_tracker(replay.tracker), replay.loop_names | _loop_names(new)
        for event in new:
            replayed.update(event)
        _adopt(replayed, events)
    _keep(key, _Replay(events, replayed, None, loop_names))
    return copy_tracker(replayed)


def copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """Rasa's `DialogueStateTracker.copy` (every event replayed on a blank tracker), going on from a replay."""
    return _replayed(self, list(self.events), lambda: _original_copy(self))


def from_events(
    cls: type[DialogueStateTracker],
    sender_id: str,
    evts: list[Event],
    slots: Iterable[Slot] | None = None,
    max_event_history: int | None = None,
    sender_source: str | None = None,
    domain: Domain | None = None,
) -> DialogueStateTracker:
    """Rasa's `DialogueStateTracker.from_events`, going on from a replay (Rasa rebuilds the
    tracker it hands `action_validate_slot_mappings` from every event, after every message)."""
    events = list(evts)

    def rasas() -> DialogueStateTracker:
        return _original_from_events.__func__(cls, sender_id, events, slots, max_event_history, sender_source, domain)

    if cls is not DialogueStateTracker or slots is None:
        return rasas()
    return _replayed(cls(sender_id, slots, max_event_history, sender_source), events, rasas)


def install() -> None:
    """Use the replays in this process (the Rasa server)."""
    DialogueStateTracker.copy = copy
    DialogueStateTracker.from_events = classmethod(from_events)
    DialogueStateTracker.applied_events = applied_events


def clear() -> None:
    _replays.clear()
