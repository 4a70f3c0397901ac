"""The agent side of conversations: the queue, opening, taking, replying, handing back and closing.

Transport-free like the customer side (`harmony.gateway.service`): the console API calls these
methods with the logged-in `Actor` and passes the `Outbox` that delivers to the customer's widget and to the consoles.
Who may do what is `harmony.agents.permissions`; a refusal raises a `DeskRefusal` whose
message is meant for the agent. Every take, reply, hand-back and close, done or refused, is
written to the audit log (never the text of a reply). A change of owner is a compare-and-set
on the row, so two agents taking one conversation at once cannot both get it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from harmony.agents.permissions import Actor, belongs_to_another, may_see
from harmony.clock import Clock, process_clock
from harmony.db.models import AuditRecord
from harmony.gateway.conversation import ConversationView, Outbox, view_of
from harmony.gateway.handoff import Change, HandoffError, next_owner
from harmony.gateway.models import Conversation
from harmony.gateway.transactions import in_transaction
from harmony.gateway.transcripts import add_message, agent_conversations, find_conversation, transcript, waiting_queue
from harmony.kb.handoff import handoff_text

T = TypeVar("T")
AUDIT_ACTIONS = {
    Change.AGENT_TAKES: "conversation.take",
    Change.HAND_BACK: "conversation.hand_back",
    Change.CLOSE: "conversation.close",
}
NOT_FOUND = "No such conversation."
ANOTHER_AGENT = "Another agent has this conversation: only they or an admin can open it or act on it."
CHANGED = "This conversation changed meanwhile (another agent may have taken it); refresh the queue."
CLOSED_REPLY = "This conversation is closed: your reply was not sent."
_CANNOT = {
    ("bot", Change.HAND_BACK): "The bot already has this conversation.",
    ("closed", Change.AGENT_TAKES): "This conversation is closed: it cannot be taken.",
    ("closed", Change.HAND_BACK): "This conversation is closed: it cannot be handed back.",
    ("closed", Change.CLOSE): "This conversation is already closed.",
}


class DeskRefusal(Exception):
    """What an agent asked is refused; `str()` is the message for the agent, `status` the HTTP status."""

    status = 409
    outcome = "conflict"  # as the audit log records it


class NotFound(DeskRefusal):
    status, outcome = 404, "not_found"


class NotYours(DeskRefusal):
    status, outcome = 403, "refused"


class AgentDesk:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock | None = None) -> None:
        self.sessions = sessions
        self.clock = clock or process_clock()

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await in_transaction(self.sessions, work)

    async def queue(self, actor: Actor) -> list[dict[str, Any]]:
        """Waiting conversations, longest wait first, then the ones `actor` has (an admin: every agent's)."""

        def work(session: Session) -> list[dict[str, Any]]:
            now = self.clock.now()
            taken = agent_conversations(session, None if actor.is_admin else actor.id)
            return [_summary_row(c, now) for c in [*waiting_queue(session), *taken]]

        return await self._db(work)

    async def conversation(self, actor: Actor, conversation_id: str) -> dict[str, Any]:
        """The conversation with its whole transcript, if `actor` may see it."""

        def work(session: Session) -> dict[str, Any]:
            conversation = _visible(session, actor, conversation_id)
            return {
                **_summary_row(conversation, self.clock.now()),
                "summary": conversation.handoff_summary,
                "messages": [
                    {"at": m.at.isoformat(), "author": m.author, "name": m.author_name, "text": m.text}
                    for m in transcript(session, conversation.id)
                ],
            }

        return await self._audited(actor, "conversation.open", conversation_id, work, audit_done=False)

    async def context(self, actor: Actor, conversation_id: str) -> tuple[str, str]:
        """The shop and language of a conversation `actor` may see (for canned answers)."""

        def work(session: Session) -> tuple[str, str]:
            conversation = _visible(session, actor, conversation_id)
            return conversation.shop, conversation.language

        return await self._audited(actor, "conversation.open", conversation_id, work, audit_done=False)

    async def ownership(self, conversation_id: str) -> tuple[str, int | None] | None:
        """Who has the conversation (owner, agent id), for sending live events only to those who may see it."""

        def work(session: Session) -> tuple[str, int | None] | None:
            conversation = find_conversation(session, conversation_id)
            return (conversation.owner, conversation.agent_id) if conversation else None

        return await self._db(work)

    async def change_owner(self, actor: Actor, conversation_id: str, change: Change, outbox: Outbox) -> str:
        """Take, hand back or close; tells the customer in their language. Returns the new owner."""
        action = AUDIT_ACTIONS[change]

        def work(session: Session) -> tuple[ConversationView, str]:
            conversation = _visible(session, actor, conversation_id)
            before = conversation.owner
            try:
                owner = next_owner(before, change)
            except HandoffError:
                raise DeskRefusal(
                    _CANNOT.get((before, change), "This conversation cannot be changed that way now.")
                ) from None
            values: dict[str, Any] = {"owner": owner}
            if change is Change.AGENT_TAKES:
                values.update(agent_id=actor.id, agent_name=actor.name)
            else:
                values["waiting_since"] = None
            _compare_and_set(session, conversation, values)
            _audit(session, actor, action, conversation.id, "done", self.clock.now(), before=before, after=owner)
            return view_of(conversation), owner

        view, owner = await self._audited(actor, action, conversation_id, work)
        notice = {
            Change.AGENT_TAKES: ("agent_joined", {"agent": actor.name}),
            Change.HAND_BACK: ("handed_back", {}),
            Change.CLOSE: ("closed", {}),
        }[change]
        key, values = notice
        await self._system(view, handoff_text(key, view.language, **values), outbox)
        await outbox.to_agents({"type": "queue_changed"})
        return owner

    async def agent_message(self, actor: Actor, conversation_id: str, text: str, outbox: Outbox) -> None:
        """An agent's reply, shown in the widget with the agent's display name.

        Replying to a conversation waiting in the queue (or one the agent had before) takes it;
        an admin may write in another agent's conversation without taking it over.
        """

        def work(session: Session) -> int:
            conversation = _visible(session, actor, conversation_id)
            before = conversation.owner
            if not (before == "agent" and (conversation.agent_id == actor.id or actor.is_admin)):
                try:
                    owner = next_owner(before, Change.AGENT_TAKES)
                except HandoffError:
                    raise DeskRefusal(CLOSED_REPLY) from None
                values = {"owner": owner, "agent_id": actor.id, "agent_name": actor.name, "waiting_since": None}
                _compare_and_set(session, conversation, values)
            message_id = add_message(session, conversation, "agent", text, self.clock.now(), actor.name)
            _audit(session, actor, "conversation.reply", conversation.id, "done", self.clock.now(), chars=len(text))
            return message_id

        message_id = await self._audited(actor, "conversation.reply", conversation_id, work)
        await outbox.to_customer(conversation_id, {"text": f"{actor.name}: {text}"}, message_id)
        await outbox.to_agents({"type": "agent_message", "conversation_id": conversation_id})

    async def _audited(
        self, actor: Actor, action: str, conversation_id: str, work: Callable[[Session], T], audit_done: bool = True
    ) -> T:
        """Run `work`; a refusal is written to the audit log in a transaction of its own, then raised again.

        (`work` writes the record of a change it made itself, in the change's own transaction.)
        """
        try:
            return await self._db(work)
        except DeskRefusal as refusal:
            now, outcome, reason = self.clock.now(), refusal.outcome, str(refusal)
            await self._db(lambda s: _audit(s, actor, action, conversation_id, outcome, now, reason=reason))
            raise

    async def _system(self, view: ConversationView, text: str, outbox: Outbox) -> None:
        """A gateway notice to the customer, stored in the transcript."""

        def work(session: Session) -> int | None:
            conversation = find_conversation(session, view.id)
            if conversation is None:
                return None
            return add_message(session, conversation, "system", text, self.clock.now())

        await outbox.to_customer(view.id, {"text": text}, await self._db(work))


def _visible(session: Session, actor: Actor, conversation_id: str) -> Conversation:
    """The conversation if `actor` may see it; `NotYours` when another agent has it, else `NotFound`
    (a conversation the bot has, never handed off, does not exist for an agent)."""
    conversation = find_conversation(session, conversation_id)
    if conversation is None:
        raise NotFound(NOT_FOUND)
    if not may_see(actor, conversation.owner, conversation.agent_id):
        if belongs_to_another(actor, conversation.owner, conversation.agent_id):
            raise NotYours(ANOTHER_AGENT)
        raise NotFound(NOT_FOUND)
    return conversation


def _compare_and_set(session: Session, conversation: Conversation, values: dict[str, Any]) -> None:
    """Write `values` only if the owner and agent are still the ones read; else `DeskRefusal(CHANGED)`."""
    agent = Conversation.agent_id
    same_agent = agent.is_(None) if conversation.agent_id is None else agent == conversation.agent_id
    result = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.owner == conversation.owner, same_agent)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise DeskRefusal(CHANGED)
    for name, value in values.items():
        setattr(conversation, name, value)


def _audit(
    session: Session, actor: Actor, action: str, conversation_id: str, outcome: str, now: datetime, **detail: Any
) -> None:
    """One audit record; `detail` holds the actor's role and facts such as owners or a reply's length."""
    session.add(
        AuditRecord(
            at=now,
            actor=actor.audit_name,
            action=action,
            conversation_id=conversation_id[:128],
            outcome=outcome,
            detail=json.dumps({"role": actor.role, **detail}, ensure_ascii=False),
        )
    )
    session.flush()


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
        "agent_id": conversation.agent_id,
    }
