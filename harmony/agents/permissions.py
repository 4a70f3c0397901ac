"""Who may see and act on a conversation: an agent the queue and what they took, an admin everything.

Pure rules, no I/O: `harmony.gateway.agent_desk` applies them to the stored conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("agent", "admin")


@dataclass(frozen=True)
class Actor:
    """A logged-in agent as the console knows them: identified by id, the name is only shown."""

    id: int
    name: str
    role: str = "agent"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def audit_name(self) -> str:
        """How the audit log names this agent (`agent:<id>`): names change, ids do not."""
        return f"agent:{self.id}"


def may_see(actor: Actor, owner: str, agent_id: int | None) -> bool:
    """An admin sees every conversation; an agent sees the ones waiting in the queue and the ones
    they took last (until another agent takes them). A conversation the bot has always had,
    never handed off, is for admins only."""
    return actor.is_admin or owner == "waiting" or (agent_id is not None and agent_id == actor.id)


def belongs_to_another(actor: Actor, owner: str, agent_id: int | None) -> bool:
    """Another agent has this conversation now: an agent may neither take it nor write in it."""
    return not actor.is_admin and owner == "agent" and agent_id is not None and agent_id != actor.id
