"""The hand-off queue, customer side: a conversation the bot hands to a person waits in the queue,
and the customer is told their place, or when agents are back, or that none is online."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from harmony.bot_protocol import HandoffSummary
from harmony.clock import Clock
from harmony.gateway.conversation import ConversationView, Outbox, view_of
from harmony.gateway.customer_messages import CustomerMessages
from harmony.gateway.handoff import Change, next_owner
from harmony.gateway.limits import Limiter
from harmony.gateway.transactions import in_transaction
from harmony.gateway.transcripts import find_conversation, waiting_queue
from harmony.kb.handoff import agent_hours, handoff_text
from harmony.kb.markets import load_markets
from harmony.orders.formatting import format_moment

logger = logging.getLogger("harmony.gateway")


class HandoffQueue:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        messages: CustomerMessages,
        handoffs_per_client: Limiter,
        agents_online: Callable[[], int],
    ) -> None:
        self.sessions, self.clock, self.messages = sessions, clock, messages
        self.handoffs_per_client = handoffs_per_client
        self.agents_online = agents_online

    async def request(
        self, view: ConversationView, summary: HandoffSummary, client: str, outbox: Outbox
    ) -> ConversationView | None:
        """Queue the conversation for a person (the bot asked); returns it as queued, None if refused or failed."""
        language = str(summary.language or view.language)
        if not (await self.handoffs_per_client.hit(client)).allowed:
            await self.messages.notice(view.id, handoff_text("too_many_handoffs", language), outbox)
            return None

        def work(session: Session) -> tuple[ConversationView, int]:
            conversation = find_conversation(session, view.id)
            if conversation is None:
                return view, 0
            if conversation.owner != "waiting":
                conversation.waiting_since = self.clock.now()
            conversation.owner = next_owner(conversation.owner, Change.REQUEST_AGENT)
            conversation.language = language
            conversation.shop = summary.shop or conversation.shop  # a verified order's market
            conversation.handoff_reason = summary.reason
            conversation.handoff_summary = json.dumps(summary.as_dict(), ensure_ascii=False)
            session.flush()
            queue = [c.id for c in waiting_queue(session)]
            position = queue.index(conversation.id) + 1 if conversation.id in queue else 1
            return view_of(conversation), position

        try:
            queued, position = await in_transaction(self.sessions, work)
        except SQLAlchemyError as exc:
            logger.warning("database unavailable: %s", type(exc).__name__)
            await outbox.to_customer(view.id, {"text": handoff_text("unavailable_not_saved", view.language)})
            return None
        await self.messages.notice(queued.id, self._queue_message(queued, position), outbox)
        await outbox.to_agents({"type": "queue_changed"})
        return queued

    def _queue_message(self, view: ConversationView, position: int) -> str:
        hours = agent_hours(view.shop)
        now = self.clock.now()
        if not hours.is_open(now):
            opens = format_moment(hours.next_opening(now), now, load_markets()[view.shop].time_zone, view.language)
            return handoff_text("closed_hours", view.language, opens=opens)
        if self.agents_online() == 0:
            return handoff_text("no_agent_online", view.language)
        return handoff_text("queued", view.language, position=str(position))
