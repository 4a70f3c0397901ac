"""The operators' commands for agents' accounts (`python -m harmony create-agent ...`, see `harmony.cli`).

create-agent (an agent or an admin), deactivate-agent, reset-agent-password and end-agent-sessions.
Each prints one line saying what it did, or the reason it did nothing (exit 2; 1 if the database
cannot be reached). Ended sessions log the agent out of every console: at their next request,
and their live console closes within `harmony.gateway.console.SESSION_CHECK_SECONDS`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from harmony.agents.accounts import (
    AgentAccountError,
    check_display_name,
    check_password,
    check_role,
    create_agent,
    deactivate_agent,
    end_sessions,
    find_agent,
    normalize_username,
    set_password,
)
from harmony.agents.models import Agent
from harmony.agents.permissions import ROLES
from harmony.database_setup import display_url
from harmony.settings import load_settings


def read_new_password(from_stdin: bool) -> str:
    """A new password: one line of stdin, or typed twice (not echoed) and compared."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    try:
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password again: ")
    except EOFError as exc:
        raise AgentAccountError("no password given") from exc
    if again != password:
        raise AgentAccountError("the two passwords do not match")
    return password


def _in_database(work: Callable[[Session], str], failure: str) -> int:
    """Run `work` in one transaction of the configured database and print what it says it did."""
    from sqlalchemy.exc import OperationalError

    from harmony.db.engine import create_schema, make_engine, session_factory

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        create_schema(engine)
        with session_factory(engine).begin() as session:
            done = work(session)
    except AgentAccountError as exc:
        print(f"{failure}: {exc}.", file=sys.stderr)
        return 2
    except OperationalError:
        print(f"Cannot reach the database {display_url(settings.database_url)}.", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(done)
    return 0


def _sessions(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'}"


def _checked_new_password(args: argparse.Namespace, failure: str, checks: Callable[[], object]) -> str | None:
    """Run `checks` on the other arguments first (no password is asked for a command that will fail)."""
    try:
        checks()
        password = read_new_password(args.password_stdin)
        check_password(password)
    except AgentAccountError as exc:
        print(f"{failure}: {exc}.", file=sys.stderr)
        return None
    return password


def _create(args: argparse.Namespace) -> int:
    failure = "Cannot create the agent"

    def checks() -> None:
        normalize_username(args.username)
        check_display_name(args.name)
        check_role(args.role)

    password = _checked_new_password(args, failure, checks)
    if password is None:
        return 2

    def work(session: Session) -> str:
        agent = create_agent(session, args.username, args.name, password, role=args.role)
        return f"{'Admin' if agent.role == 'admin' else 'Agent'} {agent.username} created."

    return _in_database(work, failure)


def _on_agent(change: Callable[[Session, Agent], str], failure: str) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        return _in_database(lambda session: change(session, find_agent(session, args.username)), failure)

    return handler


def _deactivate(session: Session, agent: Agent) -> str:
    ended = deactivate_agent(session, agent)
    return f"Agent {agent.username} deactivated (can no longer log in); {_sessions(ended)} ended."


def _end_sessions(session: Session, agent: Agent) -> str:
    return f"Ended {_sessions(end_sessions(session, agent))} of agent {agent.username}."


def _reset_password(args: argparse.Namespace) -> int:
    failure = "Cannot reset the password"
    password = _checked_new_password(args, failure, lambda: normalize_username(args.username))
    if password is None:
        return 2

    def work(session: Session) -> str:
        agent = find_agent(session, args.username)
        ended = set_password(session, agent, password)
        return f"Password of agent {agent.username} reset; {_sessions(ended)} ended."

    return _in_database(work, failure)


def add_agent_commands(commands: argparse._SubParsersAction[Any]) -> None:
    """Register the agents' commands on `python -m harmony`."""
    username_help = "3 to 32 characters among a-z, 0-9, '.', '_' and '-' (stored lowercase)"
    stdin_help = "read the password from the first line of stdin (scripts)"
    create = commands.add_parser("create-agent", help="create a support agent's account (asks for the password)")
    create.add_argument("username", help=username_help)
    create.add_argument("--name", required=True, help='display name, e.g. "Marie Dubois"')
    create.add_argument(
        "--role", default="agent", choices=ROLES, help="agent (the queue and what they took) or admin (everything)"
    )
    create.add_argument("--password-stdin", action="store_true", help=stdin_help)
    create.set_defaults(handler=_create)
    deactivate = commands.add_parser("deactivate-agent", help="stop an agent from logging in; ends their sessions")
    deactivate.add_argument("username")
    deactivate.set_defaults(handler=_on_agent(_deactivate, "Cannot deactivate the agent"))
    reset = commands.add_parser("reset-agent-password", help="set a new password (asked twice); ends their sessions")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help=stdin_help)
    reset.set_defaults(handler=_reset_password)
    end = commands.add_parser("end-agent-sessions", help="log an agent out everywhere")
    end.add_argument("username")
    end.set_defaults(handler=_on_agent(_end_sessions, "Cannot end the sessions"))
