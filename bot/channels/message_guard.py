"""What reaches the NLU from a customer's raw message (pure, no Rasa import).

Unusable messages are turned into internal intents that the bot answers clearly in
the conversation's language; a customer's own "/intent{...}" text is never executed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_CHARS = 2000
MIN_READABLE_SHARE = 0.7

EMPTY_INTENT = "message_empty"
TOO_LONG_INTENT = "message_too_long"
UNREADABLE_INTENT = "message_unreadable"

# Button payloads the bot itself sends: the only "/intent{...}" texts passed on as commands,
# with the entities each may carry (values: short plain strings).
BUTTON_COMMANDS: dict[str, frozenset[str]] = {
    "greet": frozenset(),  # the widget's init payload when a conversation opens
    "switch_language": frozenset({"requested_language"}),
    "faq": frozenset({"faq_topic"}),
    "affirm": frozenset(),
    "deny": frozenset(),
    "human_handoff": frozenset(),
    "track_order": frozenset(),
    "cancel_order": frozenset(),
    "modify_order": frozenset(),
    "return_order": frozenset(),
}
_COMMAND = re.compile(r"^/(?P<intent>[a-z_]+)(?P<entities>\{.*\})?$", re.DOTALL)
_COMMAND_SHAPED = re.compile(r"^/+[^\s{}]+(\{.*\})?$", re.DOTALL)  # "/word" or "/word{...}", any word


@dataclass(frozen=True)
class GuardedMessage:
    """`text` goes to Rasa; `problem` names the internal intent when the text is unusable."""

    text: str
    problem: str | None = None


def _is_readable(char: str) -> bool:
    if char in "\n\t ":
        return True
    return char.isprintable() and char != "\ufffd" and unicodedata.category(char) != "Co"


def guard_message(raw: Any, max_chars: int = MAX_MESSAGE_CHARS, typed: bool = False) -> GuardedMessage:
    """Clean `raw` for NLU, or name why it cannot be understood.

    `typed`: the gateway says the customer typed it (it is not a button the bot offered), so
    even our own button payloads are not commands, and a command-shaped text is unreadable.
    """
    if raw is None:
        return GuardedMessage(f"/{EMPTY_INTENT}", EMPTY_INTENT)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return GuardedMessage(f"/{UNREADABLE_INTENT}", UNREADABLE_INTENT)
    text = unicodedata.normalize("NFC", str(raw))
    if len(text) > max_chars:
        return GuardedMessage(f"/{TOO_LONG_INTENT}", TOO_LONG_INTENT)
    readable = [ch for ch in text if _is_readable(ch)]
    cleaned = " ".join("".join(readable).split())
    if not cleaned:
        problem = UNREADABLE_INTENT if text.strip() else EMPTY_INTENT
        return GuardedMessage(f"/{problem}", problem)
    if len(readable) < MIN_READABLE_SHARE * len(text):
        return GuardedMessage(f"/{UNREADABLE_INTENT}", UNREADABLE_INTENT)
    if typed and _COMMAND_SHAPED.match(cleaned):
        return GuardedMessage(f"/{UNREADABLE_INTENT}", UNREADABLE_INTENT)
    if not typed and is_button_command(cleaned):
        return GuardedMessage(cleaned)
    # A leading "/" would make Rasa run the text as an intent command: never allow it.
    cleaned = cleaned.lstrip("/").strip()
    if not cleaned:
        return GuardedMessage(f"/{UNREADABLE_INTENT}", UNREADABLE_INTENT)
    return GuardedMessage(cleaned)


def is_button_command(text: str) -> bool:
    """True for one of our own button payloads, with allowed entities and simple values."""
    match = _COMMAND.match(text)
    if not match or match["intent"] not in BUTTON_COMMANDS:
        return False
    if not match["entities"]:
        return True
    try:
        entities = json.loads(match["entities"])
    except ValueError:
        return False
    return (
        isinstance(entities, dict)
        and set(entities) <= BUTTON_COMMANDS[match["intent"]]
        and all(isinstance(v, str) and len(v) <= 32 for v in entities.values())
    )
