"""The customer side of conversations: who answers each customer message, what is stored, who is told.

Transport-free: the socket.io handlers call these methods, and the `Outbox` they pass
decides how to deliver to the customer's widget and to the agents. The other parts: the
hand-off queue (`harmony.gateway.handoff_queue`), the agent side (`harmony.gateway.agent_desk`),
the limits (`harmony.gateway.limits`), messages stored then sent (`harmony.gateway.customer_messages`).
Database work runs in a worker thread so the event loop never waits on it.

Cheap refusals come first: the limits (`harmony.gateway.limits`) and the size are checked
before anything is stored, and a burst of refused messages stores one notice. A dependency
that is down (Rasa, the action server behind it, the database) gets the polite notice in the
conversation's language, from memory when the database is the one down.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import aiohttp
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from harmony.clock import Clock, process_clock
from harmony.gateway.clients import UNKNOWN, client_key
from harmony.gateway.conversation import ConversationView, CustomerRefused, Outbox, view_of
from harmony.gateway.customer_messages import CustomerMessages
from harmony.gateway.handoff import Change, bot_answers, next_owner
from harmony.gateway.handoff_queue import HandoffQueue
from harmony.gateway.limits import DEFAULT_RULES, GatewayLimits, RateLimiter, Verdict, memory_limits
from harmony.gateway.rasa_client import RasaUnavailable, ask_rasa
from harmony.gateway.transactions import RESTART_PAUSES, in_transaction, in_transaction_waiting
from harmony.gateway.transcripts import (
    add_customer_message,
    conversation_with_recent,
    find_conversation,
    open_conversation,
)
from harmony.gateway.widget_messages import read_rasa_turn
from harmony.kb.handoff import handoff_text
from harmony.kb.markets import PageContext, named_page, page_context

logger = logging.getLogger("harmony.gateway")
MAX_MESSAGE_CHARS = 2000
TRUNCATED_MARKER = "\n[… {dropped} more characters not kept: the message was too long]"
RATE_WINDOW_SECONDS = DEFAULT_RULES["messages_per_conversation"].window
RATE_MAX_MESSAGES = DEFAULT_RULES["messages_per_conversation"].limit
INIT_PAYLOAD = "/greet"  # what our pages' widget sends when it opens a new conversation
REMEMBERED_CONVERSATIONS = 10_000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
T = TypeVar("T")
__all__ = [
    "MAX_MESSAGE_CHARS",
    "ChatService",
    "ConversationView",
    "CustomerRefused",
    "Outbox",
    "RateLimiter",
    "in_transaction",
]


def _offered_payloads(recent: list[tuple[str, str | None]]) -> tuple[tuple[str, ...], bool]:
    """Button payloads of the bot's messages since the customer last wrote (`recent`: (author, data),
    newest first); and whether nothing was written yet."""
    payloads: list[str] = []
    for author, data in recent:
        if author == "customer":
            break
        if author == "bot" and data:
            buttons = json.loads(data).get("buttons") or []
            payloads += [str(b.get("payload")) for b in buttons if isinstance(b, dict)]
    return tuple(payloads), not recent


def storable_text(text: str) -> str:
    """`text` with what no database or JSON peer holds (NUL, lone surrogates) shown as U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


class ChatService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        rasa_url: str,
        rasa_timeout: float,
        default_shop: str,
        agents_online: Callable[[], int],
        clock: Clock | None = None,
        limits: GatewayLimits | None = None,
        client_secret: str | None = None,
    ) -> None:
        """`clock` gives "now" to hand-off notices, agent hours and stored times (default: the process's);
        `client_secret` keys the client identity the bot sees (default: a new one per process)."""
        self.sessions = sessions
        self.http: aiohttp.ClientSession | None = None  # opened when the server starts
        self.rasa_url = rasa_url
        self.rasa_timeout = rasa_timeout
        self.default_shop = default_shop
        self.clock = clock or process_clock()
        self.limits = limits or memory_limits()
        self.client_secret = client_secret or secrets.token_hex(32)
        self.restart_pauses: Sequence[float] = RESTART_PAUSES  # how long a session request waits for the database
        # A cache of what the database says, to answer in the right language while it is down.
        self._remembered: OrderedDict[str, ConversationView] = OrderedDict()
        self.messages = CustomerMessages(sessions, self.clock)
        self.handoffs = HandoffQueue(
            sessions, self.clock, self.messages, self.limits.handoffs_per_client, agents_online
        )

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await in_transaction(self.sessions, work)

    # --- customer side -------------------------------------------------------------

    def _remember(self, view: ConversationView) -> ConversationView:
        self._remembered.pop(view.id, None)
        self._remembered[view.id] = view
        while len(self._remembered) > REMEMBERED_CONVERSATIONS:
            self._remembered.popitem(last=False)
        return view

    def _language_of(self, conversation_id: str, page: PageContext | None) -> str:
        known = self._remembered.get(conversation_id)
        if known is not None:
            return known.language
        return (page or page_context(None, None, self.default_shop)).language

    async def start_session(
        self, requested_id: Any, page: PageContext | None, client: str = UNKNOWN
    ) -> ConversationView:
        """The widget's conversation if it has one of this page's shop, else a new one.

        `page` is what the page said when its socket connected (None if it said nothing):
        a conversation belongs to one shop's site, so a page of another shop gets its own.
        Raises `CustomerRefused` when `client` opened too many conversations or the database stays down
        through `restart_pauses`.
        """

        def existing(session: Session) -> ConversationView | None:
            found = find_conversation(session, requested_id) if isinstance(requested_id, str) else None
            if found is not None and (page is None or found.site in (None, page.shop)):
                if page is not None and found.site is None:
                    found.site = page.shop
                return view_of(found)
            return None

        def new(session: Session) -> ConversationView:
            start = page or page_context(None, None, self.default_shop)
            return view_of(open_conversation(session, start, self.clock.now(), known_site=page is not None))

        try:  # a database restart is waited out (about 15 s): the widget gets its session late, not a refusal
            view = await in_transaction_waiting(self.sessions, existing, self.restart_pauses)
            if view is None:
                if not (await self.limits.conversations_per_client.hit(client)).allowed:
                    raise CustomerRefused("too_many_conversations")
                view = await in_transaction_waiting(self.sessions, new, self.restart_pauses)
        except SQLAlchemyError as exc:
            logger.warning("database unavailable: %s", type(exc).__name__)
            raise CustomerRefused("unavailable_not_saved") from None
        return self._remember(view)

    async def customer_message(
        self, conversation_id: str, text: Any, custom_data: Any, outbox: Outbox, client: str = UNKNOWN
    ) -> None:
        """Store the message, then let the bot answer, or pass it to the agents.

        Refused before anything is stored: more messages than the limits allow. Stored cut to
        `MAX_MESSAGE_CHARS` (with a marker) and not answered by the bot: a longer message.
        """
        if text is None:
            return  # the widget's opening call when it has no init payload: nothing was written
        message = storable_text(text if isinstance(text, str) else str(text))
        page = self._page_of_custom_data(custom_data)
        verdict = await self.limits.messages_per_conversation.hit(conversation_id)
        if verdict.allowed:
            verdict = await self.limits.messages_per_client.hit(client)
        if not verdict.allowed:
            await self._refuse(conversation_id, page, verdict, outbox)
            return
        too_long = len(message) > MAX_MESSAGE_CHARS
        if too_long:
            dropped = len(message) - MAX_MESSAGE_CHARS
            message = message[:MAX_MESSAGE_CHARS] + TRUNCATED_MARKER.format(dropped=dropped)
        try:
            view = await self._db(lambda s: self._store_customer(s, conversation_id, message, page))
        except SQLAlchemyError as exc:
            logger.warning("database unavailable: %s", type(exc).__name__)
            notice = handoff_text("unavailable_not_saved", self._language_of(conversation_id, page))
            await outbox.to_customer(conversation_id, {"text": notice})
            return
        if view is None:
            return
        self._remember(view)
        if too_long:
            await self._system(view, handoff_text("too_long", view.language), outbox)
            return
        if not bot_answers(view.owner):
            await outbox.to_agents({"type": "customer_message", "conversation_id": conversation_id})
            return
        await self._ask_bot(view, message, client, outbox)

    async def _ask_bot(self, view: ConversationView, message: str, client: str, outbox: Outbox) -> None:
        if self.http is None:
            raise RuntimeError("the gateway's HTTP client is not started")
        metadata: dict[str, Any] = {
            "shop": view.shop,
            "language": view.language,
            "client": client_key(client, self.client_secret),
        }
        if not self._is_button(view, message):
            metadata["typed"] = True  # the REST channel never reads typed text as an intent command
        try:
            answer = await ask_rasa(self.http, self.rasa_url, view.id, message, metadata, self.rasa_timeout)
        except RasaUnavailable:
            await self._system(view, handoff_text("unavailable", view.language), outbox)
            return
        turn = read_rasa_turn(answer)
        if turn.context is not None and (turn.context.shop, turn.context.language) != (view.shop, view.language):
            view = self._remember(replace(view, shop=turn.context.shop, language=turn.context.language))
            await self.messages.quietly(lambda s: self._follow_bot(s, view.id, turn.context))
        if not turn.replies and turn.handoff is None:
            # Our bot answers every message; silence means a failed action (e.g. the action
            # server is down), which Rasa only logs. The customer hears about it.
            await self._system(view, handoff_text("unavailable", view.language), outbox)
            return
        await self.messages.bot_replies(view.id, turn.replies, outbox)
        if turn.handoff is not None:
            queued = await self.handoffs.request(view, turn.handoff, client, outbox)
            if queued is not None:
                self._remember(queued)

    @staticmethod
    def _is_button(view: ConversationView, message: str) -> bool:
        """A click on a button the bot just offered (the stock widget sends its payload as text)."""
        return message in view.offered or (view.new and message == INIT_PAYLOAD)

    async def _refuse(self, conversation_id: str, page: PageContext | None, verdict: Verdict, outbox: Outbox) -> None:
        """Too many messages: told every time, stored once per burst, never passed on."""
        notice = handoff_text("too_fast", self._language_of(conversation_id, page))
        if verdict is Verdict.REFUSED_FIRST:
            await self.messages.notice(conversation_id, notice, outbox)
        else:
            await outbox.to_customer(conversation_id, {"text": notice})

    @staticmethod
    def _page_of_custom_data(custom_data: Any) -> PageContext | None:
        """What a page's `customData` says, if it names a shop (the stock widget sends it with each message)."""
        data = custom_data if isinstance(custom_data, dict) else {}
        return named_page(data.get("shop"), data.get("language"))

    @staticmethod
    def _follow_bot(session: Session, conversation_id: str, context: PageContext | None) -> None:
        """Take the shop and language the bot reported (the bot decides both)."""
        conversation = find_conversation(session, conversation_id)
        if conversation is not None and context is not None:
            conversation.shop, conversation.language = context.shop, context.language

    def _store_customer(
        self, session: Session, conversation_id: str, text: str, page: PageContext | None
    ) -> ConversationView | None:
        found = conversation_with_recent(session, conversation_id)
        if found is None:
            return None
        view, recent = found
        offered, new = _offered_payloads(recent)
        changes: dict[str, str] = {}
        if view.site is None and page is not None:
            # A page that only says its shop in `customData`: its first message decides.
            changes.update(site=page.shop, shop=page.shop, language=page.language)
        owner = next_owner(view.owner, Change.CUSTOMER_WRITES)
        if owner != view.owner:
            changes["owner"] = owner
        add_customer_message(session, conversation_id, text, self.clock.now(), changes)
        return replace(view, offered=offered, new=new, **changes)

    async def _system(self, view: ConversationView, text: str, outbox: Outbox) -> None:
        await self.messages.notice(view.id, text, outbox)
