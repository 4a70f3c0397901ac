"""Agents' accounts and login sessions, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from harmony.agents import accounts
from harmony.agents.accounts import (
    AgentAccountError,
    agent_for_token,
    authenticate,
    close_session,
    create_agent,
    open_session,
    purge_expired,
    set_password,
)
from harmony.agents.models import Agent, AgentSession
from harmony.db.engine import create_schema, make_engine, session_factory

PASSWORD = "correct horse battery"  # noqa: S105 - a test password
T0 = datetime(2025, 3, 30, 0, 30, tzinfo=timezone.utc)  # the night Europe's clocks go forward
BUCHAREST_SUMMER = timezone(timedelta(hours=3), "EEST")
EIGHT_HOURS = timedelta(hours=8)


@pytest.fixture
def marie(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        create_agent(session, "Marie", "Marie Dubois", PASSWORD, now=T0)
    return "marie"


def _session_token(sessions: sessionmaker[Session], username: str, now: datetime = T0) -> str:
    with sessions.begin() as session:
        agent = session.scalars(select(Agent).where(Agent.username == username)).one()
        return open_session(session, agent, now, EIGHT_HOURS)


def _agent_for(sessions: sessionmaker[Session], token: str, now: datetime) -> str | None:
    with sessions() as session:
        agent = agent_for_token(session, token, now)
        return agent.username if agent else None


def test_create_and_authenticate(sessions: sessionmaker[Session], marie: str) -> None:
    with sessions.begin() as session:
        agent = authenticate(session, "marie", PASSWORD)
        assert agent is not None
        assert (agent.username, agent.display_name, agent.active) == ("marie", "Marie Dubois", True)
        assert agent.created_at == T0
        assert authenticate(session, "  MARIE ", PASSWORD) is agent  # usernames are case-insensitive


def test_wrong_password_and_unknown_user_are_refused(sessions: sessionmaker[Session], marie: str) -> None:
    with sessions.begin() as session:
        assert authenticate(session, "marie", PASSWORD + "!") is None
        assert authenticate(session, "marie", "") is None
        assert authenticate(session, "nobody", PASSWORD) is None
        assert authenticate(session, "not a valid name!", PASSWORD) is None


def test_unknown_user_still_costs_a_hash_verification(
    sessions: sessionmaker[Session], marie: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # type: ignore[override]
            checked.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_HASHER", CountingHasher())
    with sessions() as session:
        assert authenticate(session, "nobody", PASSWORD) is None
        assert authenticate(session, "x", PASSWORD) is None  # not even a valid username
        assert authenticate(session, "marie", "wrong password") is None
    assert len(checked) == 3
    assert all(h.startswith("$argon2id$") for h in checked)


def test_password_is_stored_only_as_an_argon2_hash(sessions: sessionmaker[Session], marie: str) -> None:
    with sessions() as session:
        agent = session.scalars(select(Agent)).one()
        assert agent.password_hash.startswith("$argon2id$")
        assert PASSWORD not in agent.password_hash
        assert PASSWORD not in repr(agent)


def test_an_old_hash_is_upgraded_on_login(sessions: sessionmaker[Session], marie: str) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with sessions.begin() as session:
        session.scalars(select(Agent)).one().password_hash = weak
    with sessions.begin() as session:
        assert authenticate(session, "marie", PASSWORD) is not None
    with sessions() as session:
        upgraded = session.scalars(select(Agent)).one().password_hash
    assert upgraded != weak
    assert not PasswordHasher().check_needs_rehash(upgraded)


def test_set_password_replaces_it_and_logs_out_everywhere(sessions: sessionmaker[Session], marie: str) -> None:
    token = _session_token(sessions, marie)
    with sessions.begin() as session:
        agent = session.scalars(select(Agent)).one()
        with pytest.raises(AgentAccountError, match="at least 10 characters"):
            set_password(session, agent, "short")
        set_password(session, agent, "a brand new passphrase")
    with sessions() as session:
        assert authenticate(session, "marie", PASSWORD) is None
        assert authenticate(session, "marie", "a brand new passphrase") is not None
    assert _agent_for(sessions, token, T0) is None


def test_session_token_works_until_it_expires(sessions: sessionmaker[Session], marie: str) -> None:
    token = _session_token(sessions, marie)
    assert len(token) >= 43
    assert _agent_for(sessions, token, T0) == "marie"
    assert _agent_for(sessions, token, T0 + EIGHT_HOURS - timedelta(seconds=1)) == "marie"
    assert _agent_for(sessions, token, (T0 + timedelta(hours=7)).astimezone(BUCHAREST_SUMMER)) == "marie"
    assert _agent_for(sessions, token, T0 + EIGHT_HOURS) is None
    assert _agent_for(sessions, token, T0 + timedelta(days=3)) is None
    assert _agent_for(sessions, token + "x", T0) is None
    assert _agent_for(sessions, "", T0) is None


def test_only_the_sha256_of_the_token_is_stored(sessions: sessionmaker[Session], marie: str) -> None:
    token = _session_token(sessions, marie)
    with sessions() as session:
        row = session.scalars(select(AgentSession)).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert (row.created_at, row.expires_at) == (T0, T0 + EIGHT_HOURS)
        assert token not in repr([getattr(row, c.key) for c in AgentSession.__table__.columns])


def test_a_closed_session_no_longer_logs_in(sessions: sessionmaker[Session], marie: str) -> None:
    token = _session_token(sessions, marie)
    other = _session_token(sessions, marie)
    with sessions.begin() as session:
        assert close_session(session, token) is True
    with sessions.begin() as session:
        assert close_session(session, token) is False  # twice is harmless
    assert _agent_for(sessions, token, T0) is None
    assert _agent_for(sessions, other, T0) == "marie"  # her other login stays open


def test_an_inactive_agent_is_refused(sessions: sessionmaker[Session], marie: str) -> None:
    token = _session_token(sessions, marie)
    with sessions.begin() as session:
        session.scalars(select(Agent)).one().active = False
    assert _agent_for(sessions, token, T0) is None
    with sessions.begin() as session:
        assert authenticate(session, "marie", PASSWORD) is None
        with pytest.raises(AgentAccountError, match="inactive"):
            open_session(session, session.scalars(select(Agent)).one(), T0, EIGHT_HOURS)


def test_purge_expired_removes_only_expired_sessions(sessions: sessionmaker[Session], marie: str) -> None:
    early = _session_token(sessions, marie, T0)
    _session_token(sessions, marie, T0 + timedelta(hours=1))
    late = _session_token(sessions, marie, T0 + timedelta(hours=5))
    with sessions.begin() as session:
        assert purge_expired(session, T0 + timedelta(hours=9)) == 2
    with sessions.begin() as session:
        assert purge_expired(session, T0 + timedelta(hours=9)) == 0
        assert session.scalars(select(AgentSession)).one().token_hash == accounts.token_digest(late)
    assert _agent_for(sessions, early, T0) is None
    assert _agent_for(sessions, late, T0 + timedelta(hours=9)) == "marie"


def test_duplicate_username_is_refused(sessions: sessionmaker[Session], marie: str) -> None:
    with sessions.begin() as session, pytest.raises(AgentAccountError, match="'marie' is already taken"):
        create_agent(session, "MARIE", "Another Marie", "another password")
    with sessions() as session:
        assert session.scalars(select(Agent.display_name)).all() == ["Marie Dubois"]


def test_naive_times_are_refused(sessions: sessionmaker[Session], marie: str) -> None:
    token = _session_token(sessions, marie)
    naive = datetime(2025, 3, 30, 1, 0)  # deliberately without a time zone
    with sessions() as session:
        with pytest.raises(ValueError, match="naive datetime"):
            agent_for_token(session, token, naive)
        with pytest.raises(ValueError, match="lifetime must be positive"):
            open_session(session, session.scalars(select(Agent)).one(), T0, timedelta(0))


@pytest.fixture(scope="module")
def scratch() -> Iterator[Session]:
    """Input validation happens before any database access: one in-memory SQLite is enough."""
    engine = make_engine("sqlite://")
    create_schema(engine)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.mark.parametrize(
    ("username", "display_name", "password", "message"),
    [
        ("ma", "Marie", PASSWORD, "username 'ma' is not valid: use 3 to 32 characters"),
        ("m" * 33, "Marie", PASSWORD, "is not valid"),
        ("marie dubois", "Marie", PASSWORD, "is not valid"),
        ("marie@shop", "Marie", PASSWORD, "is not valid"),
        ("mărie", "Marie", PASSWORD, "is not valid"),
        ("marie\n", "Marie", PASSWORD, None),  # trimmed: valid
        ("marie", "", PASSWORD, "display name must be 1 to 60 characters, got 0"),
        ("marie", "   ", PASSWORD, "display name must be 1 to 60 characters"),
        ("marie", "M" * 61, PASSWORD, "display name must be 1 to 60 characters, got 61"),
        ("marie", "Marie\x00Dubois", PASSWORD, "control characters"),
        ("marie", "Marie", "123456789", "password must be at least 10 characters long"),
        ("marie", "Marie", "x" * 1025, "password must be at most 1024 characters long"),
    ],
    ids=[
        "username-too-short",
        "username-too-long",
        "username-space",
        "username-at-sign",
        "username-non-ascii",
        "username-trimmed-ok",
        "name-empty",
        "name-blank",
        "name-too-long",
        "name-control-char",
        "password-too-short",
        "password-too-long",
    ],
)
def test_validation_errors_are_explained(
    scratch: Session, username: str, display_name: str, password: str, message: str | None
) -> None:
    if message is None:
        agent = create_agent(scratch, username, display_name, password)
        assert agent.username == "marie"
        scratch.rollback()
        return
    with pytest.raises(AgentAccountError, match=message) as raised:
        create_agent(scratch, username, display_name, password)
    assert password not in str(raised.value)
    scratch.rollback()


def test_roles_and_a_bad_role(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        assert create_agent(session, "ada", "Ada", PASSWORD, role="admin").role == "admin"
        assert create_agent(session, "marie", "Marie", PASSWORD).role == "agent"
        with pytest.raises(AgentAccountError, match="role must be one of agent, admin, got 'root'"):
            create_agent(session, "root", "Root", PASSWORD, role="root")


def test_deactivating_and_ending_sessions(sessions: sessionmaker[Session], marie: str) -> None:
    tokens = [_session_token(sessions, marie) for _ in range(2)]
    with sessions.begin() as session:
        assert accounts.end_sessions(session, accounts.find_agent(session, "MARIE")) == 2
    assert [_agent_for(sessions, t, T0 + timedelta(minutes=1)) for t in tokens] == [None, None]
    token = _session_token(sessions, marie)
    with sessions.begin() as session:
        assert accounts.deactivate_agent(session, accounts.find_agent(session, marie)) == 1
    assert _agent_for(sessions, token, T0 + timedelta(minutes=1)) is None
    with sessions() as session:
        assert authenticate(session, marie, PASSWORD) is None
        with pytest.raises(AgentAccountError, match="there is no agent 'nobody'"):
            accounts.find_agent(session, "nobody")


def test_the_csrf_token_belongs_to_one_session() -> None:
    token, other = "session-token-one", "session-token-two"
    assert accounts.csrf_matches(token, accounts.csrf_token(token))
    assert not accounts.csrf_matches(token, accounts.csrf_token(other))
    assert not accounts.csrf_matches(token, None)
    assert not accounts.csrf_matches(token, "")
    assert accounts.csrf_token(token) not in (token, accounts.token_digest(token))  # not the stored digest either


def test_forged_non_ascii_tokens_are_refused_not_crashed_on(sessions: sessionmaker[Session], marie: str) -> None:
    token = _session_token(sessions, marie)
    assert not accounts.csrf_matches(token, "é" * 64)
    assert not accounts.csrf_matches(token, "\udce9" * 64)  # an undecodable header byte
    assert _agent_for(sessions, "é" * 43, T0) is None
    assert _agent_for(sessions, "\udce9" * 43, T0) is None
    with sessions.begin() as session:
        assert close_session(session, "\udce9") is False
