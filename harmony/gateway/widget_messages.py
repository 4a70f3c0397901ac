"""Bot replies in the shapes the stock rasa-webchat widget renders (Rasa's socket.io protocol)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harmony.bot_protocol import HandoffSummary, read_handoff, split_context_report
from harmony.kb.markets import PageContext


def with_message_id(message: Mapping[str, Any], message_id: int) -> dict[str, Any]:
    """A stored message as sent to the widget: its id in the `metadata` the widget ignores (a text
    message must have no other key than `text` to be shown as one)."""
    metadata = message.get("metadata")
    return {**message, "metadata": {**(metadata if isinstance(metadata, dict) else {}), "message_id": message_id}}


def message_id_of(message: Mapping[str, Any]) -> int | None:
    """The stored message id a widget message carries, if any."""
    metadata = message.get("metadata")
    found = metadata.get("message_id") if isinstance(metadata, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def bot_uttered(text: str, buttons: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """A text and its buttons as the widget's `bot_uttered` message (buttons as quick replies)."""
    message: dict[str, Any] = {"text": text}
    if buttons:
        message["quick_replies"] = [
            {"content_type": "text", "title": b.get("title", ""), "payload": b.get("payload", "")} for b in buttons
        ]
    return message


@dataclass(frozen=True)
class BotReply:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] | None = None  # a custom payload, passed to the widget as it is

    def as_bot_uttered(self) -> dict[str, Any]:
        if self.custom is not None:
            return dict(self.custom)
        return bot_uttered(self.text, self.buttons)


@dataclass(frozen=True)
class RasaTurn:
    """What Rasa answered: messages for the customer, maybe a request for a person, and the
    shop and language the bot now answers with."""

    replies: list[BotReply]
    handoff: HandoffSummary | None
    context: PageContext | None = None


def read_rasa_turn(messages: list[dict[str, Any]]) -> RasaTurn:
    replies: list[BotReply] = []
    handoff: HandoffSummary | None = None
    shown, context = split_context_report(messages)
    for message in shown:
        custom = message.get("custom")
        requested = read_handoff(custom)
        if requested is not None:
            handoff = requested
            continue
        if isinstance(custom, dict):
            replies.append(BotReply("", custom=custom))
            continue
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            buttons = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in message.get("buttons") or []
                if isinstance(b, dict)
            ]
            replies.append(BotReply(text, buttons))
    return RasaTurn(replies, handoff, context)
