"""What the gateway's parts share about a conversation: its view, where messages go, a refusal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from harmony.gateway.models import Conversation


class Outbox(Protocol):
    async def to_customer(self, conversation_id: str, message: dict[str, Any], message_id: int | None = None) -> None:
        """Send `message` to the conversation's widget; `message_id` when it is stored (then it is replayed
        to a widget that was not connected: `harmony.gateway.delivery`)."""
        ...

    async def to_customer_all(
        self, conversation_id: str, messages: Sequence[tuple[dict[str, Any], int | None]]
    ) -> None:
        """`to_customer` for several messages, in order (a turn of the bot)."""
        ...

    async def to_agents(self, event: dict[str, Any]) -> None: ...


class CustomerRefused(Exception):
    """The customer is told the notice `key` (kb/handoff.yml) instead of being served."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class ConversationView:
    id: str
    shop: str
    language: str
    owner: str
    site: str | None = None
    offered: tuple[str, ...] = ()  # payloads of the buttons in the bot's last turn
    new: bool = False  # no message yet


def view_of(conversation: Conversation) -> ConversationView:
    return ConversationView(
        conversation.id, conversation.shop, conversation.language, conversation.owner, conversation.site
    )
