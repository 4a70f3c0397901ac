"""`python -m harmony create-agent`, run as a script would, then the account used through the library."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from harmony import cli
from harmony.agents.accounts import agent_for_token, authenticate, find_agent, open_session
from harmony.agents.models import Agent
from harmony.db.engine import make_engine, session_factory
from tests.harmony_command import run_harmony

PASSWORD = "correct horse battery"  # noqa: S105 - a test password


def _create_agent(args: list[str], stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return _run("create-agent", args, stdin, tmp_path)


def test_create_agent_then_log_in(tmp_path: Path) -> None:
    result = _create_agent(["Marie", "--name", "Marie Dubois", "--password-stdin"], PASSWORD + "\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Agent marie created.\n"
    engine = make_engine(f"sqlite:///{tmp_path / 'agents.db'}")
    try:
        with session_factory(engine)() as session:
            agent = authenticate(session, "marie", PASSWORD)
            assert agent is not None
            assert agent.display_name == "Marie Dubois"
            assert authenticate(session, "marie", PASSWORD + "\n") is None  # the newline is not part of it
            stored = session.scalars(select(Agent.password_hash)).one()
    finally:
        engine.dispose()
    assert PASSWORD not in result.stdout + result.stderr
    assert stored not in result.stdout + result.stderr


def test_duplicate_and_bad_input_exit_2_with_the_reason(tmp_path: Path) -> None:
    first = _create_agent(["marie", "--name", "Marie", "--password-stdin"], PASSWORD + "\n", tmp_path)
    assert first.returncode == 0, first.stderr
    cases = [
        (["MARIE", "--name", "Marie Bis"], PASSWORD, "username 'marie' is already taken"),
        (["m", "--name", "M"], PASSWORD, "username 'm' is not valid"),
        (["ana", "--name", ""], PASSWORD, "display name must be 1 to 60 characters"),
        (["ana", "--name", "Ana Pop"], "short", "password must be at least 10 characters long"),
        (["ana", "--name", "Ana Pop"], "", "password must be at least 10 characters long"),
    ]
    for args, password, message in cases:
        result = _create_agent([*args, "--password-stdin"], password + "\n", tmp_path)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
        if password:
            assert password not in result.stderr


def test_typed_passwords_must_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HARMONY_DATABASE_URL", f"sqlite:///{tmp_path / 'agents.db'}")
    monkeypatch.setenv("HARMONY_VAR_DIR", str(tmp_path))
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert cli.main(["create-agent", "ana", "--name", "Ana Pop"]) == 2
    assert "the two passwords do not match" in capsys.readouterr().err

    typed = iter([PASSWORD, PASSWORD])
    assert cli.main(["create-agent", "ana", "--name", "Ana Pop"]) == 0
    assert capsys.readouterr().out == "Agent ana created.\n"


def _run(command: str, args: list[str], stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"HARMONY_DATABASE_URL": f"sqlite:///{tmp_path / 'agents.db'}", "HARMONY_VAR_DIR": str(tmp_path / "var")}
    return run_harmony(command, *args, env=env, answer=stdin, timeout=60)


def _sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'agents.db'}")
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


@pytest.fixture
def marie(tmp_path: Path) -> Iterator[tuple[sessionmaker[Session], list[str]]]:
    """Marie's account, made by the command, logged in twice (two browsers)."""
    assert _create_agent(["marie", "--name", "Marie", "--password-stdin"], PASSWORD + "\n", tmp_path).returncode == 0
    for sessions in _sessions(tmp_path):
        with sessions.begin() as session:
            agent = find_agent(session, "marie")
            tokens = [open_session(session, agent, datetime.now(timezone.utc), timedelta(hours=8)) for _ in range(2)]
        yield sessions, tokens


def _logged_in(sessions: sessionmaker[Session], tokens: list[str]) -> list[bool]:
    with sessions() as session:
        return [agent_for_token(session, token, datetime.now(timezone.utc)) is not None for token in tokens]


def test_create_an_admin(tmp_path: Path) -> None:
    result = _create_agent(["ada", "--name", "Ada", "--role", "admin", "--password-stdin"], PASSWORD + "\n", tmp_path)
    assert (result.returncode, result.stdout) == (0, "Admin ada created.\n"), result.stderr
    agent = _create_agent(["marie", "--name", "Marie", "--password-stdin"], PASSWORD + "\n", tmp_path)
    assert agent.stdout == "Agent marie created.\n"
    for sessions in _sessions(tmp_path):
        with sessions() as session:
            assert [(a.username, a.role) for a in session.scalars(select(Agent).order_by(Agent.id))] == [
                ("ada", "admin"),
                ("marie", "agent"),
            ]
    wrong = _create_agent(["root", "--name", "Root", "--role", "owner", "--password-stdin"], PASSWORD + "\n", tmp_path)
    assert wrong.returncode == 2 and "invalid choice: 'owner'" in wrong.stderr


def test_deactivate_an_agent_ends_their_sessions_and_logins(
    tmp_path: Path, marie: tuple[sessionmaker[Session], list[str]]
) -> None:
    sessions, tokens = marie
    assert _logged_in(sessions, tokens) == [True, True]
    result = _run("deactivate-agent", ["Marie"], "", tmp_path)
    assert (result.returncode, result.stdout) == (
        0,
        "Agent marie deactivated (can no longer log in); 2 sessions ended.\n",
    )
    assert _logged_in(sessions, tokens) == [False, False]
    with sessions() as session:
        assert authenticate(session, "marie", PASSWORD) is None


def test_end_an_agents_sessions_everywhere(tmp_path: Path, marie: tuple[sessionmaker[Session], list[str]]) -> None:
    sessions, tokens = marie
    result = _run("end-agent-sessions", ["marie"], "", tmp_path)
    assert (result.returncode, result.stdout) == (0, "Ended 2 sessions of agent marie.\n")
    assert _logged_in(sessions, tokens) == [False, False]
    with sessions() as session:
        assert authenticate(session, "marie", PASSWORD) is not None  # she may log in again
    assert _run("end-agent-sessions", ["marie"], "", tmp_path).stdout == "Ended 0 sessions of agent marie.\n"


def test_reset_an_agents_password(tmp_path: Path, marie: tuple[sessionmaker[Session], list[str]]) -> None:
    sessions, tokens = marie
    new_password = "a brand new passphrase"  # noqa: S105 - a test password
    result = _run("reset-agent-password", ["marie", "--password-stdin"], new_password + "\n", tmp_path)
    assert (result.returncode, result.stdout) == (0, "Password of agent marie reset; 2 sessions ended.\n")
    assert new_password not in result.stdout + result.stderr
    assert _logged_in(sessions, tokens) == [False, False]
    with sessions() as session:
        assert authenticate(session, "marie", PASSWORD) is None
        assert authenticate(session, "marie", new_password) is not None
    short = _run("reset-agent-password", ["marie", "--password-stdin"], "short\n", tmp_path)
    assert short.returncode == 2 and "password must be at least 10 characters long" in short.stderr


def test_reset_password_asks_twice(
    tmp_path: Path,
    marie: tuple[sessionmaker[Session], list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sessions, tokens = marie
    monkeypatch.setenv("HARMONY_DATABASE_URL", f"sqlite:///{tmp_path / 'agents.db'}")
    monkeypatch.setenv("HARMONY_VAR_DIR", str(tmp_path))
    typed = iter(["another long password", "another long passwort"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert cli.main(["reset-agent-password", "marie"]) == 2
    assert "the two passwords do not match" in capsys.readouterr().err
    assert _logged_in(sessions, tokens) == [True, True]  # nothing changed
    typed = iter(["another long password"] * 2)
    assert cli.main(["reset-agent-password", "marie"]) == 0
    with sessions() as session:
        assert authenticate(session, "marie", "another long password") is not None


def test_an_unknown_agent_is_named_without_a_traceback(tmp_path: Path) -> None:
    for command, stdin in [
        ("deactivate-agent", ""),
        ("end-agent-sessions", ""),
        ("reset-agent-password", PASSWORD + "\n"),
    ]:
        args = ["nobody", "--password-stdin"] if command == "reset-agent-password" else ["nobody"]
        result = _run(command, args, stdin, tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        assert "there is no agent 'nobody'" in result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
