"""The action server gets the conversation's recent events only, not the whole session's.

Rasa sends every custom action call the tracker with all the session's events
(`RemoteAction._action_call_format`, `EventVerbosity.ALL`): two to four calls a turn, each one
encoding the whole session as JSON; at turn 350 that was a third of the Rasa server's time. The
slots, the latest message (intent, entities, metadata), the active loop and the latest action are
sent apart from the events and stay whole; only the event list is cut.

How far back our actions look in `tracker.events` (bot/actions/):

- `handoff.last_intents`: the last 5 user messages (`LAST_INTENTS`), for the agent's summary;
- `order_conversation.follow_up_request`: back to the 3rd last user message (`FOLLOW_UP_TURNS` + 1);
- `clarification.is_second_failure_in_a_row`: the last 2 user messages;
- `order_lookup.validation_spoke`: back to the last user message (or the form's start);
- every other action reads slots and `latest_message` only (none uses `applied_events`,
  `get_last_event_for` or rasa-sdk's `slots_to_validate`).

So the window is the events from the 10th last user message on (`USER_MESSAGES`: twice the
deepest look-back), and every action gives the answer it gives with the whole session
(tests/bot/actions/test_action_window.py). An action that needs to look further back must raise
`USER_MESSAGES`.

The window function has no Rasa import (the action server's tests use it); `install` (by
`bot.rasa_main`, for `rasa run` only) replaces Rasa's request builder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

USER_MESSAGES = 10

T = TypeVar("T")


def recent(events: Iterable[T], is_user: Callable[[T], bool], user_messages: int = USER_MESSAGES) -> list[T]:
    """The events from the `user_messages`-th last user message on (all of them if there are fewer)."""
    listed = list(events)
    seen = 0
    for index in range(len(listed) - 1, -1, -1):
        if is_user(listed[index]):
            seen += 1
            if seen == user_messages:
                return listed[index:]
    return listed


def is_user_dict(event: dict[str, Any]) -> bool:
    """A user message in the action server's form of an event."""
    return event.get("event") == "user"


def action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
    """Rasa's `RemoteAction._action_call_format`, with the recent events only."""
    import rasa
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import EventVerbosity

    tracker_state = tracker.current_state(EventVerbosity.NONE)
    window = recent(tracker.events, lambda event: isinstance(event, UserUttered))
    tracker_state["events"] = [event.as_dict() for event in window]
    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": tracker_state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


def install() -> None:
    """Every custom action call of this process (the Rasa server) sends the recent events only."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._action_call_format = action_call_format
