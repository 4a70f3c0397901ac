"""The agent side of conversations: the queue, taking, replying, handing back and closing.

Transport-free like `ChatService`: the console API calls these methods and passes the
`Outbox` that delivers to the customer's widget and to the agents' consoles.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from harmony.clock import Clock, process_clock
from harmony.gateway.handoff import Change, next_owner
from harmony.gateway.models import Conversation
from harmony.gateway.service import ConversationView, Outbox, in_transaction
from harmony.gateway.transcripts import add_message, agent_conversations, find_conversation, waiting_queue
from harmony.kb.handoff import handoff_text

T = TypeVar("T")


class AgentDesk:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock | None = None) -> None:
        self.sessions = sessions
        self.clock = clock or process_clock()

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await in_transaction(self.sessions, work)

    async def queue(self, agent_name: str | None = None) -> list[dict[str, Any]]:
        """Waiting conversations, longest wait first, then the ones `agent_name` has taken."""

        def work(session: Session) -> list[dict[str, Any]]:
            now = self.clock.now()
            taken = agent_conversations(session, agent_name) if agent_name else []
            return [_summary_row(c, now) for c in [*waiting_queue(session), *taken]]

        return await self._db(work)

    async def change_owner(self, conversation_id: str, change: Change, agent_name: str, outbox: Outbox) -> str:
        """Take, hand back or close; tells the customer in their language. Returns the new owner."""

        def work(session: Session) -> ConversationView | None:
            conversation = find_conversation(session, conversation_id)
            if conversation is None:
                return None
            conversation.owner = next_owner(conversation.owner, change)
            conversation.agent_name = agent_name if change is Change.AGENT_TAKES else conversation.agent_name
            if change is not Change.AGENT_TAKES:
                conversation.waiting_since = None
            return _view(conversation)

        view = await self._db(work)
        if view is None:
            raise LookupError(conversation_id)
        notice = {
            Change.AGENT_TAKES: ("agent_joined", {"agent": agent_name}),
            Change.HAND_BACK: ("handed_back", {}),
            Change.CLOSE: ("closed", {}),
        }.get(change)
        if notice:
            key, values = notice
            await self._system(view, handoff_text(key, view.language, **values), outbox)
        await outbox.to_agents({"type": "queue_changed"})
        return view.owner

    async def agent_message(self, conversation_id: str, agent_name: str, text: str, outbox: Outbox) -> None:
        """An agent's reply, shown in the widget with the agent's name."""
        view = await self._db(lambda s: self._agent_store(s, conversation_id, agent_name, text))
        if view is None:
            raise LookupError(conversation_id)
        await outbox.to_customer(conversation_id, {"text": f"{agent_name}: {text}"})
        await outbox.to_agents({"type": "agent_message", "conversation_id": conversation_id})

    def _agent_store(
        self, session: Session, conversation_id: str, agent_name: str, text: str
    ) -> ConversationView | None:
        conversation = find_conversation(session, conversation_id)
        if conversation is None:
            return None
        conversation.owner = next_owner(conversation.owner, Change.AGENT_TAKES)
        conversation.agent_name = agent_name
        conversation.waiting_since = None
        add_message(session, conversation, "agent", text, self.clock.now(), agent_name)
        return _view(conversation)

    async def _system(self, view: ConversationView, text: str, outbox: Outbox) -> None:
        """A gateway notice to the customer, stored in the transcript."""

        def work(session: Session) -> None:
            conversation = find_conversation(session, view.id)
            if conversation is not None:
                add_message(session, conversation, "system", text, self.clock.now())

        await self._db(work)
        await outbox.to_customer(view.id, {"text": text})


def _view(conversation: Conversation) -> ConversationView:
    return ConversationView(
        conversation.id, conversation.shop, conversation.language, conversation.owner, conversation.site
    )


def _summary_row(conversation: Conversation, now: datetime) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads(conversation.handoff_summary) if conversation.handoff_summary else {}
    waiting = (now - conversation.waiting_since).total_seconds() if conversation.waiting_since else 0.0
    return {
        "id": conversation.id,
        "owner": conversation.owner,
        "shop": conversation.shop,
        "language": conversation.language,
        "reason": conversation.handoff_reason,
        "waiting_seconds": round(waiting),
        "verified_order": summary.get("verified_order"),
        "summary": summary,
        "agent": conversation.agent_name,
    }
