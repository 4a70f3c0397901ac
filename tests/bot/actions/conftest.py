from typing import Any

from rasa_sdk import Tracker


def make_tracker(
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    intent: str = "greet",
    text: str = "",
) -> Tracker:
    """A real rasa_sdk tracker, as the action server builds it from Rasa's request."""
    return Tracker(
        sender_id="test-conversation",
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities or [],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
