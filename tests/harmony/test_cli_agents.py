"""`python -m harmony create-agent`, run as a script would, then the account used through the library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from harmony import cli
from harmony.agents.accounts import authenticate
from harmony.agents.models import Agent
from harmony.db.engine import make_engine, session_factory
from harmony.settings import PROJECT_ROOT

PASSWORD = "correct horse battery"  # noqa: S105 - a test password


def _create_agent(args: list[str], stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "HARMONY_DATABASE_URL": f"sqlite:///{tmp_path / 'agents.db'}",
        "HARMONY_VAR_DIR": str(tmp_path / "var"),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "harmony", "create-agent", *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


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
