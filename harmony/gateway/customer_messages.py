"""Messages for the customer: stored in the transcript first, then sent to the widget.

A message is stored before it is sent so that a widget that was not connected gets it when
it connects again (`harmony.gateway.delivery`). A database that is restarting is waited out
(`in_transaction_waiting`, about 15 s); when it stays down the message is still sent (it cannot
be replayed then), and the failure is logged by its type only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from harmony.clock import Clock
from harmony.gateway.conversation import Outbox
from harmony.gateway.transactions import in_transaction_waiting
from harmony.gateway.transcripts import NewBotMessage, add_bot_messages, add_message, find_conversation
from harmony.gateway.widget_messages import BotReply

logger = logging.getLogger("harmony.gateway")
T = TypeVar("T")


class CustomerMessages:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions, self.clock = sessions, clock

    async def quietly(self, work: Callable[[Session], T], single_statement: bool = False) -> T | None:
        """Database work whose failure the customer need not hear about (the reply still goes out)."""
        try:
            return await in_transaction_waiting(self.sessions, work, single_statement=single_statement)
        except SQLAlchemyError as exc:
            logger.warning("database unavailable: %s", type(exc).__name__)
            return None

    def store(
        self,
        session: Session,
        conversation_id: str,
        author: str,
        text: str,
        buttons: list[dict[str, str]] | None = None,
        custom: dict[str, Any] | None = None,
    ) -> int | None:
        conversation = find_conversation(session, conversation_id)
        if conversation is None:
            return None
        return add_message(session, conversation, author, text, self.clock.now(), None, buttons, custom)

    async def notice(self, conversation_id: str, text: str, outbox: Outbox) -> None:
        """A gateway notice (system message): stored, then sent."""
        message_id = await self.quietly(lambda s: self.store(s, conversation_id, "system", text))
        await outbox.to_customer(conversation_id, {"text": text}, message_id)

    async def bot_replies(self, conversation_id: str, replies: list[BotReply], outbox: Outbox) -> None:
        """One turn of the bot: all its messages stored in one transaction, then sent in order."""

        stored = [
            NewBotMessage(
                reply.text if reply.custom is None else json.dumps(reply.custom, ensure_ascii=False),
                reply.buttons,
                reply.custom,
            )
            for reply in replies
        ]
        now = self.clock.now()

        def work(session: Session) -> list[int] | None:
            return add_bot_messages(session, conversation_id, stored, now)

        # None: not stored (no such conversation, or no database)
        stored_ids = await self.quietly(work, single_statement=True)
        ids: Sequence[int | None] = stored_ids if stored_ids is not None else [None] * len(replies)
        await outbox.to_customer_all(
            conversation_id, [(reply.as_bot_uttered(), i) for reply, i in zip(replies, ids, strict=True)]
        )
