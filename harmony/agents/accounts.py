"""Agents' accounts and login sessions: create, authenticate, open, check and close sessions.

Every function receives an open SQLAlchemy `Session` and never commits: the caller owns the
transaction (e.g. `with session_factory(engine).begin() as session: ...`).

Passwords are hashed with argon2id (argon2-cffi's `PasswordHasher`, its default parameters);
only the hash is stored. A session token is a random `secrets.token_urlsafe(32)` string given
once to the caller; the database keeps only its SHA-256, so a copy of the database does not
log anyone in. Times are passed in explicitly (`now`, timezone-aware) so that callers and
tests decide what "now" is.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from harmony.agents.models import Agent, AgentSession
from harmony.agents.permissions import ROLES
from harmony.clock import process_clock

USERNAME_RE = re.compile(r"[a-z0-9._-]{3,32}")
DISPLAY_NAME_MAX = 60
PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # a bound on the work one request can ask of the hasher
TOKEN_MAX = 256  # tokens we issue are 43 characters; anything far longer is not ours
CSRF_CONTEXT = b"harmony console csrf"

_HASHER = PasswordHasher()


class AgentAccountError(ValueError):
    """An agent's account cannot be created or changed as asked; the message says why."""


def normalize_username(username: str) -> str:
    """The stored form of `username` (trimmed, lowercase); raises `AgentAccountError` if invalid."""
    normalized = username.strip().lower()
    if not USERNAME_RE.fullmatch(normalized):
        raise AgentAccountError(
            f"username {username!r} is not valid: use 3 to 32 characters among a-z, 0-9, '.', '_' and '-'"
        )
    return normalized


def check_display_name(display_name: str) -> str:
    """The trimmed display name; raises `AgentAccountError` unless it is 1 to 60 printable characters."""
    trimmed = display_name.strip()
    if not 1 <= len(trimmed) <= DISPLAY_NAME_MAX:
        raise AgentAccountError(f"display name must be 1 to {DISPLAY_NAME_MAX} characters, got {len(trimmed)}")
    if not trimmed.isprintable():
        raise AgentAccountError("display name must not contain control characters")
    return trimmed


def check_password(password: str) -> None:
    """Raise `AgentAccountError` unless `password` is 10 to 1024 characters long (the text is never echoed)."""
    if len(password) < PASSWORD_MIN:
        raise AgentAccountError(f"password must be at least {PASSWORD_MIN} characters long")
    if len(password) > PASSWORD_MAX:
        raise AgentAccountError(f"password must be at most {PASSWORD_MAX} characters long")


def create_agent(
    session: Session,
    username: str,
    display_name: str,
    password: str,
    *,
    now: datetime | None = None,
    role: str = "agent",
) -> Agent:
    """Add an active agent and flush it (so it has its id); returns the new `Agent`.

    `username` is stored trimmed and lowercase. Raises `AgentAccountError` when the username,
    display name or password is not valid, or when the username is taken (compared case-
    insensitively, since usernames are stored lowercase). If the username is taken by a
    concurrent transaction the flush fails; the error is then raised the same way and the
    caller's transaction must be rolled back. `now` (default: the process's clock) is the
    creation time; `role` is "agent" (the queue and what they took) or "admin" (everything).
    """
    normalized = normalize_username(username)
    name = check_display_name(display_name)
    check_role(role)
    check_password(password)
    created_at = _aware(now) if now is not None else process_clock().now()
    if session.scalar(select(func.count()).select_from(Agent).where(Agent.username == normalized)):
        raise AgentAccountError(f"username {normalized!r} is already taken")
    agent = Agent(
        username=normalized,
        display_name=name,
        password_hash=_HASHER.hash(password),
        created_at=created_at,
        active=True,
        role=role,
    )
    session.add(agent)
    try:
        session.flush()
    except IntegrityError as exc:  # created at the same moment by another transaction
        raise AgentAccountError(f"username {normalized!r} is already taken") from exc
    return agent


def check_role(role: str) -> str:
    """`role` if it is one of `ROLES`; raises `AgentAccountError` otherwise."""
    if role not in ROLES:
        raise AgentAccountError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return role


def find_agent(session: Session, username: str) -> Agent:
    """The agent of `username` (any case); raises `AgentAccountError` when there is none."""
    normalized = normalize_username(username)
    agent = session.scalar(select(Agent).where(Agent.username == normalized))
    if agent is None:
        raise AgentAccountError(f"there is no agent {normalized!r}")
    return agent


def end_sessions(session: Session, agent: Agent) -> int:
    """Close every login session of `agent` (logged out everywhere); returns how many there were.

    The gateways notice at the agent's next request, and close the agent's live console
    within `harmony.gateway.console.SESSION_CHECK_SECONDS`.
    """
    result = session.execute(delete(AgentSession).where(AgentSession.agent_id == agent.id))
    session.expire(agent, ["sessions"])
    return int(getattr(result, "rowcount", 0) or 0)


def deactivate_agent(session: Session, agent: Agent) -> int:
    """Stop `agent` from logging in and end their sessions; returns how many sessions were ended."""
    agent.active = False
    return end_sessions(session, agent)


def set_password(session: Session, agent: Agent, password: str) -> int:
    """Replace `agent`'s password and close all of its sessions (logged out everywhere); returns how
    many sessions were ended. Raises `AgentAccountError` when the password is not valid; nothing changes then.
    """
    check_password(password)
    agent.password_hash = _HASHER.hash(password)
    return end_sessions(session, agent)


def authenticate(session: Session, username: str, password: str) -> Agent | None:
    """The active agent whose username and password these are, else None.

    An unknown, malformed or inactive username costs one hash verification like a known one,
    so the response time does not tell which usernames exist. When the stored hash was made
    with older parameters than the hasher's current ones, it is replaced (the caller commits).
    """
    try:
        normalized: str | None = normalize_username(username)
    except AgentAccountError:
        normalized = None
    agent = session.scalar(select(Agent).where(Agent.username == normalized)) if normalized else None
    if agent is None:
        _verify(_dummy_hash(), password)
        return None
    if not _verify(agent.password_hash, password) or not agent.active:
        return None
    if _HASHER.check_needs_rehash(agent.password_hash):
        agent.password_hash = _HASHER.hash(password)
    return agent


def open_session(session: Session, agent: Agent, now: datetime, lifetime: timedelta) -> str:
    """Start a login session for `agent`, valid from `now` for `lifetime`; returns its token.

    The token (`secrets.token_urlsafe(32)`) is returned once and never stored: the row keeps
    its SHA-256 hex digest. Raises `AgentAccountError` for an inactive agent and `ValueError`
    for a naive `now` or a lifetime that is not positive. The console typically passes
    `timedelta(hours=load_settings().agent_session_hours)`.
    """
    now = _aware(now)
    if lifetime <= timedelta(0):
        raise ValueError(f"session lifetime must be positive, got {lifetime}")
    if not agent.active:
        raise AgentAccountError(f"agent {agent.username!r} is inactive")
    token = secrets.token_urlsafe(32)
    session.add(AgentSession(token_hash=token_digest(token), agent=agent, created_at=now, expires_at=now + lifetime))
    session.flush()
    return token


def agent_for_token(session: Session, token: str, now: datetime) -> Agent | None:
    """The agent logged in with `token` at `now`, else None (unknown, closed or expired session,
    inactive agent). A session is valid while `now` is before its `expires_at`."""
    row = session_for_token(session, token, now)
    return row.agent if row else None


def session_for_token(session: Session, token: str, now: datetime) -> AgentSession | None:
    """The valid login session of `token` at `now` (its agent and expiry), else None."""
    now = _aware(now)
    if not _could_be_ours(token):
        return None
    row = session.get(AgentSession, token_digest(token))
    if row is None or now >= row.expires_at or not row.agent.active:
        return None
    return row


def csrf_token(token: str) -> str:
    """The CSRF token of a login session: an HMAC of its (secret, HttpOnly) session token, so it
    needs no storage, dies with the session, and a page of another site can neither read nor guess it."""
    return hmac.new(token.encode("utf-8"), CSRF_CONTEXT, hashlib.sha256).hexdigest()


def csrf_matches(token: str, presented: str | None) -> bool:
    """Whether `presented` is the CSRF token of session `token` (compared in constant time)."""
    if not presented:
        return False
    # bytes: compare_digest refuses str with non-ASCII characters, which a forged header may hold
    return hmac.compare_digest(csrf_token(token).encode(), str(presented).encode("utf-8", "surrogateescape"))


def close_session(session: Session, token: str) -> bool:
    """End the session of `token` (log out); True if there was one. Closing twice is harmless."""
    if not _could_be_ours(token):
        return False
    row = session.get(AgentSession, token_digest(token))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def purge_expired(session: Session, now: datetime) -> int:
    """Delete the sessions expired at `now`; returns how many were deleted."""
    now = _aware(now)
    expired = list(session.scalars(select(AgentSession).where(AgentSession.expires_at <= now)))
    for row in expired:
        session.delete(row)
    session.flush()
    return len(expired)


def _could_be_ours(token: str) -> bool:
    """Tokens we issue are short URL-safe ASCII; anything else (too long, non-ASCII from a forged cookie)
    is refused before it is hashed."""
    return bool(token) and len(token) <= TOKEN_MAX and token.isascii()


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a session token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random password, made with the current parameters, verified for unknown users."""
    return _HASHER.hash(secrets.token_urlsafe(32))


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given; pass a timezone-aware time such as datetime.now(timezone.utc)")
    return moment
