"""What several gateways must share, as one interface: limits, agent presence, console events.

Two implementations: `memory.py` (one process, the default profile) and `redis_state.py`
(every gateway on one Redis, the production profile). The gateway's callers (`AgentsHub`,
`Console`, the limits given to `ChatService`) see only this interface.

A shared state never raises to its callers because the store is down: a limit allows the
event, presence says the last count it knew, a message to the other gateways is dropped
(this gateway's own consoles still get it). The outage is logged once, by exception type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any, Literal, Protocol, TypedDict

from harmony.gateway.limits import Rule, Verdict

PRESENCE_TTL_SECONDS = 5.0  # a gateway that stops saying who is online (kill -9) is forgotten after this
HEARTBEAT_SECONDS = 1.0  # how often a gateway says who has a console open on it


class ConsoleMessage(TypedDict):
    """What a gateway tells the others: an event for the consoles, a login session that ended, or a
    stored message for a customer's widget (delivered by the gateway its socket is on)."""

    kind: Literal["event", "end_session", "widget"]
    event: dict[str, Any]  # kind "event": the console event, e.g. {"type": "queue_changed"}; "widget": see below
    session: str  # kind "end_session": the SHA-256 of the login session's token


Receiver = Callable[[ConsoleMessage], Awaitable[None]]


class SharedLimiter(Protocol):
    """A rate limit counted across every gateway (`harmony.gateway.limits.Limiter`, plus the login form's use)."""

    rule: Rule

    async def hit(self, key: str) -> Verdict:
        """Count one event of `key` unless it has reached the limit; say which it was."""
        ...

    async def events(self, key: str) -> int:
        """Events of `key` within the window (0 when the store cannot tell)."""
        ...

    async def add(self, key: str) -> None:
        """Count one event of `key` without asking (e.g. a wrong password)."""
        ...


class SharedState(Protocol):
    gateway_id: str  # this gateway, among those sharing the state

    def limiter(self, name: str, rule: Rule) -> SharedLimiter:
        """The limit `name`: gateways asking for the same name count together."""
        ...

    async def set_agents(self, agent_ids: Collection[int]) -> None:
        """The agents who have a console open on this gateway now (said again by the heartbeat)."""
        ...

    def agents_online(self) -> int:
        """How many different agents have a console open on any gateway, as last known (no waiting)."""
        ...

    async def count_agents(self) -> int:
        """The same, asked now (the last known count when the store cannot tell)."""
        ...

    async def publish(self, message: ConsoleMessage) -> None:
        """Give `message` to the other gateways' receivers (never back to this one's)."""
        ...

    def receive_with(self, receiver: Receiver) -> None:
        """Call `receiver` with each message another gateway publishes."""
        ...

    async def start(self) -> None:
        """Start the heartbeat and the subscription (the gateway's start-up)."""
        ...

    async def close(self) -> None:
        """Stop them and say this gateway's agents are gone (the gateway's shut-down)."""
        ...


def event_message(event: dict[str, Any]) -> ConsoleMessage:
    return {"kind": "event", "event": event, "session": ""}


def widget_message(conversation_id: str, message_id: int, message: dict[str, Any]) -> ConsoleMessage:
    """A stored message (`message_id`) for the conversation's widget, as `bot_uttered` shows it."""
    event = {"conversation_id": conversation_id, "message_id": message_id, "message": message}
    return {"kind": "widget", "event": event, "session": ""}


def end_session_message(session: str) -> ConsoleMessage:
    return {"kind": "end_session", "event": {}, "session": session}
