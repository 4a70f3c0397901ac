"""The gateway's conversations: who answers each customer message, what is stored, who is told.

Transport-free: the socket.io handlers and the console API call these methods, and the
`Outbox` they pass decides how to deliver to the customer's widget and to the agents.
Database work runs in a worker thread so the event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import aiohttp
from sqlalchemy.orm import Session, sessionmaker

from harmony.clock import Clock, process_clock
from harmony.gateway.handoff import Change, bot_answers, next_owner
from harmony.gateway.models import Conversation
from harmony.gateway.rasa_client import RasaUnavailable, ask_rasa
from harmony.gateway.transcripts import (
    add_message,
    find_conversation,
    open_conversation,
    waiting_queue,
)
from harmony.gateway.widget_messages import BotReply, read_rasa_turn
from harmony.kb.handoff import agent_hours, handoff_text
from harmony.kb.markets import PageContext, known_language, known_shop, load_markets, named_page, page_context
from harmony.orders.formatting import format_moment

MAX_MESSAGE_CHARS = 2000
RATE_WINDOW_SECONDS = 10.0
RATE_MAX_MESSAGES = 8
T = TypeVar("T")


class Outbox(Protocol):
    async def to_customer(self, conversation_id: str, message: dict[str, Any]) -> None: ...

    async def to_agents(self, event: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class ConversationView:
    id: str
    shop: str
    language: str
    owner: str
    site: str | None = None


def _view(conversation: Conversation) -> ConversationView:
    return ConversationView(
        conversation.id, conversation.shop, conversation.language, conversation.owner, conversation.site
    )


async def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """Run `work` in one transaction in a worker thread, so the event loop never waits on the database."""

    def run() -> T:
        with sessions.begin() as session:
            return work(session)

    return await asyncio.to_thread(run)


class RateLimiter:
    """At most `limit` events per `window` seconds per key (in memory, per gateway)."""

    def __init__(self, limit: int = RATE_MAX_MESSAGES, window: float = RATE_WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def count(self, key: str, now: float | None = None) -> int:
        """Events of `key` within the window."""
        moment = time.monotonic() if now is None else now
        seen = self._seen[key]
        while seen and moment - seen[0] > self.window:
            seen.popleft()
        return len(seen)

    def record(self, key: str, now: float | None = None) -> None:
        self._seen[key].append(time.monotonic() if now is None else now)

    def allow(self, key: str, now: float | None = None) -> bool:
        """Counts one more event unless `key` has reached the limit."""
        if self.count(key, now) >= self.limit:
            return False
        self.record(key, now)
        return True


class ChatService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        rasa_url: str,
        rasa_timeout: float,
        default_shop: str,
        agents_online: Callable[[], int],
        clock: Clock | None = None,
    ) -> None:
        """`clock` gives "now" to hand-off notices, agent hours and stored times (default: the process's)."""
        self.sessions = sessions
        self.http: aiohttp.ClientSession | None = None  # opened when the server starts
        self.rasa_url = rasa_url
        self.rasa_timeout = rasa_timeout
        self.default_shop = default_shop
        self.agents_online = agents_online
        self.clock = clock or process_clock()
        self.rate = RateLimiter()

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await in_transaction(self.sessions, work)

    # --- customer side -------------------------------------------------------------

    async def start_session(self, requested_id: Any, page: PageContext | None) -> ConversationView:
        """The widget's conversation if it has one of this page's shop, else a new one.

        `page` is what the page said when its socket connected (None if it said nothing):
        a conversation belongs to one shop's site, so a page of another shop gets its own.
        """

        def work(session: Session) -> ConversationView:
            existing = find_conversation(session, requested_id) if isinstance(requested_id, str) else None
            if existing is not None and (page is None or existing.site in (None, page.shop)):
                if page is not None and existing.site is None:
                    existing.site = page.shop
                return _view(existing)
            start = page or page_context(None, None, self.default_shop)
            return _view(open_conversation(session, start, self.clock.now(), known_site=page is not None))

        return await self._db(work)

    async def customer_message(self, conversation_id: str, text: Any, custom_data: Any, outbox: Outbox) -> None:
        """Store the message, then let the bot answer, or pass it to the agents."""
        if text is None:
            return  # the widget's opening call when it has no init payload: nothing was written
        message = text if isinstance(text, str) else str(text)
        page = self._page_of_custom_data(custom_data)
        view = await self._db(lambda s: self._store_customer(s, conversation_id, message, page))
        if view is None:
            return
        if len(message) > MAX_MESSAGE_CHARS:
            await self._system(view, handoff_text("too_long", view.language), outbox)
            return
        if not self.rate.allow(conversation_id):
            await self._system(view, handoff_text("too_fast", view.language), outbox)
            return
        if not bot_answers(view.owner):
            await outbox.to_agents({"type": "customer_message", "conversation_id": conversation_id})
            return
        if self.http is None:
            raise RuntimeError("the gateway's HTTP client is not started")
        metadata = {"shop": view.shop, "language": view.language}
        try:
            answer = await ask_rasa(self.http, self.rasa_url, conversation_id, message, metadata, self.rasa_timeout)
        except RasaUnavailable:
            await self._system(view, handoff_text("unavailable", view.language), outbox)
            return
        turn = read_rasa_turn(answer)
        if turn.context is not None and (turn.context.shop, turn.context.language) != (view.shop, view.language):
            view = await self._db(lambda s: self._follow_bot(s, conversation_id, turn.context)) or view
        if not turn.replies and turn.handoff is None:
            # Our bot answers every message; silence means a failed action (e.g. the action
            # server is down), which Rasa only logs. The customer hears about it.
            await self._system(view, handoff_text("unavailable", view.language), outbox)
            return
        for reply in turn.replies:
            await self._bot(view, reply, outbox)
        if turn.handoff is not None:
            await self._hand_off(view, turn.handoff, outbox)

    @staticmethod
    def _page_of_custom_data(custom_data: Any) -> PageContext | None:
        """What a page's `customData` says, if it names a shop (the stock widget sends it with each message)."""
        data = custom_data if isinstance(custom_data, dict) else {}
        return named_page(data.get("shop"), data.get("language"))

    @staticmethod
    def _follow_bot(session: Session, conversation_id: str, context: PageContext | None) -> ConversationView | None:
        """Take the shop and language the bot reported (the bot decides both)."""
        conversation = find_conversation(session, conversation_id)
        if conversation is None or context is None:
            return None
        conversation.shop, conversation.language = context.shop, context.language
        return _view(conversation)

    def _store_customer(
        self, session: Session, conversation_id: str, text: str, page: PageContext | None
    ) -> ConversationView | None:
        conversation = find_conversation(session, conversation_id)
        if conversation is None:
            return None
        if conversation.site is None and page is not None:
            # A page that only says its shop in `customData`: its first message decides.
            conversation.site, conversation.shop, conversation.language = page.shop, page.shop, page.language
        conversation.owner = next_owner(conversation.owner, Change.CUSTOMER_WRITES)
        add_message(session, conversation, "customer", text[: MAX_MESSAGE_CHARS * 50], self.clock.now())
        return _view(conversation)

    async def _bot(self, view: ConversationView, reply: BotReply, outbox: Outbox) -> None:
        text = reply.text if reply.custom is None else json.dumps(reply.custom, ensure_ascii=False)
        await self._db(lambda s: self._store(s, view.id, "bot", text, None, reply.buttons))
        await outbox.to_customer(view.id, reply.as_bot_uttered())

    async def _system(self, view: ConversationView, text: str, outbox: Outbox) -> None:
        await self._db(lambda s: self._store(s, view.id, "system", text, None, None))
        await outbox.to_customer(view.id, {"text": text})

    def _store(
        self,
        session: Session,
        conversation_id: str,
        author: str,
        text: str,
        author_name: str | None,
        buttons: list[dict[str, str]] | None,
    ) -> None:
        conversation = find_conversation(session, conversation_id)
        if conversation is not None:
            add_message(session, conversation, author, text, self.clock.now(), author_name, buttons)

    # --- hand-off ------------------------------------------------------------------

    async def _hand_off(self, view: ConversationView, summary: dict[str, Any], outbox: Outbox) -> None:
        language = known_language(summary.get("language")) or view.language

        def work(session: Session) -> tuple[ConversationView, int]:
            conversation = find_conversation(session, view.id)
            if conversation is None:
                return view, 0
            if conversation.owner != "waiting":
                conversation.waiting_since = self.clock.now()
            conversation.owner = next_owner(conversation.owner, Change.REQUEST_AGENT)
            conversation.language = str(language)
            conversation.shop = known_shop(summary.get("shop")) or conversation.shop  # a verified order's market
            conversation.handoff_reason = str(summary.get("reason") or "customer_request")[:64]
            conversation.handoff_summary = json.dumps(summary, ensure_ascii=False)
            session.flush()
            queue = [c.id for c in waiting_queue(session)]
            position = queue.index(conversation.id) + 1 if conversation.id in queue else 1
            return _view(conversation), position

        updated, position = await self._db(work)
        await self._system(updated, self._queue_message(updated, position), outbox)
        await outbox.to_agents({"type": "queue_changed"})

    def _queue_message(self, view: ConversationView, position: int) -> str:
        hours = agent_hours(view.shop)
        now = self.clock.now()
        if not hours.is_open(now):
            opens = format_moment(hours.next_opening(now), now, load_markets()[view.shop].time_zone, view.language)
            return handoff_text("closed_hours", view.language, opens=opens)
        if self.agents_online() == 0:
            return handoff_text("no_agent_online", view.language)
        return handoff_text("queued", view.language, position=str(position))
