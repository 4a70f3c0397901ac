"""A throwaway PostgreSQL server for tests: Debian's initdb and pg_ctl, a temp dir, a free port.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
(created by Debian's package) through `runuser`; otherwise as the current user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.ports import free_port

POSTGRES_LIB = Path("/usr/lib/postgresql")
INSTALL_HINT = "run scripts/install_postgres.sh (as root) to install it"
SERVER_USER = "postgres"  # Debian's system user, used when we run as root
COMMAND_TIMEOUT_SECONDS = 60
START_ATTEMPTS = 3  # a new free port each time: another process may take the one we picked

# Throwaway data: durability switched off, which makes startup and every commit faster.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "shared_buffers": "32MB",
}


class PostgresUnavailableError(RuntimeError):
    """The PostgreSQL server cannot be installed, initialised or started here."""


def server_bin_dir() -> Path:
    """Newest `/usr/lib/postgresql/<version>/bin` that holds both initdb and pg_ctl."""
    candidates = [
        path.parent
        for path in POSTGRES_LIB.glob("*/bin/initdb")
        if os.access(path, os.X_OK) and os.access(path.parent / "pg_ctl", os.X_OK)
    ]
    if not candidates:
        raise PostgresUnavailableError(
            f"The PostgreSQL server (initdb and pg_ctl under {POSTGRES_LIB}/*/bin) is not installed; {INSTALL_HINT}."
        )
    return max(candidates, key=lambda path: _version_key(path.parent.name))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def _locale() -> str:
    """C.UTF-8 (case rules for fr and ro letters) when this machine has it, else C."""
    try:
        available = subprocess.run(
            ["locale", "-a"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS, check=False
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return "C"
    return "C.UTF-8" if {"c.utf8", "c.utf-8"} & {name.lower() for name in available} else "C"


class _Runner:
    """Runs the server's commands as the user PostgreSQL accepts, with a timeout, in `cwd`."""

    def __init__(self, bin_dir: Path, cwd: Path) -> None:
        self.bin_dir = bin_dir
        self.cwd = cwd
        self.prefix = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []

    def run(self, program: str, *args: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> str:
        command = [*self.prefix, str(self.bin_dir / program), *args]
        try:
            result = subprocess.run(command, cwd=self.cwd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PostgresUnavailableError(f"{program} did not finish within {timeout:.0f} s: {command}") from exc
        if result.returncode != 0:
            raise PostgresUnavailableError(
                f"{program} failed (exit {result.returncode}): {command}\n{result.stdout}{result.stderr}"
            )
        return result.stdout


def _server_user_ids() -> tuple[int, int] | None:
    """(uid, gid) to hand our files to when we run as root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam(SERVER_USER)
    except KeyError as exc:
        raise PostgresUnavailableError(
            f"There is no '{SERVER_USER}' system user to run PostgreSQL as (it refuses to run as root); {INSTALL_HINT}."
        ) from exc
    return user.pw_uid, user.pw_gid


def _make_dir(path: Path, owner: tuple[int, int] | None) -> None:
    path.mkdir(mode=0o700)
    if owner is not None:
        os.chown(path, *owner)


def _start(runner: _Runner, data: Path, log: Path) -> None:
    runner.run("pg_ctl", "start", "--wait", "--timeout", "30", "--pgdata", str(data), "--log", str(log))


def _wait_until_accepting(runner: _Runner, port: int, timeout: float = 30.0) -> None:
    """pg_ctl --wait already waits for "ready"; this also proves a TCP connection is accepted."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            runner.run("pg_isready", "--host", "127.0.0.1", "--port", str(port), "--timeout", "5", timeout=10)
            return
        except PostgresUnavailableError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def running_postgres(base_dir: Path) -> Iterator[str]:
    """Start a throwaway PostgreSQL server under `base_dir`; yields its admin SQLAlchemy URL.

    As root, `base_dir` must be reachable by the `postgres` user (e.g. the system temp dir).
    The server is stopped (immediate mode) and its directory removed on exit.
    """
    bin_dir = server_bin_dir()
    owner = _server_user_ids()
    base_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="pg-", dir=base_dir))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    runner = _Runner(bin_dir, cwd=root)
    try:
        if owner is not None:
            os.chown(root, *owner)
        _make_dir(sockets, owner)
        runner.run(
            "initdb",
            "--pgdata",
            str(data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            _locale(),
            "--no-sync",
        )
        port = 0
        for attempt in range(1, START_ATTEMPTS + 1):
            port = free_port()
            _write_settings(data, port, sockets)
            try:
                _start(runner, data, log)
                break
            except PostgresUnavailableError as exc:
                if attempt == START_ATTEMPTS:
                    raise PostgresUnavailableError(f"{exc}\nserver log:\n{_tail(log)}") from exc
        _wait_until_accepting(runner, port)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        try:
            if (data / "postmaster.pid").exists():  # also after a start that failed half-way
                runner.run("pg_ctl", "stop", "--mode", "immediate", "--wait", "--timeout", "30", "--pgdata", str(data))
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _write_settings(data: Path, port: int, sockets: Path) -> None:
    """Our settings go last in postgresql.conf, so they win (and a retry's port overrides the last)."""
    settings = {**SERVER_SETTINGS, "port": str(port), "unix_socket_directories": f"'{sockets}'"}
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n# tests/postgres_server.py\n")
        conf.writelines(f"{name} = {value}\n" for name, value in settings.items())


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"
