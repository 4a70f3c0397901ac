"""A throwaway PostgreSQL server for tests: Debian's initdb and pg_ctl, a temp dir, a free port.

How the server's commands run (as `postgres` when we are root) is `harmony.launcher.postgres`,
shared with the production profile.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harmony.launcher.postgres import (
    PostgresUnavailableError,
    ServerCommands,
    append_settings,
    make_server_dir,
    server_bin_dir,
    server_user_ids,
    tail,
)
from tests.ports import free_port

__all__ = ["PostgresUnavailableError", "running_postgres"]
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


def _start(commands: ServerCommands, data: Path, log: Path) -> None:
    commands.run("pg_ctl", "start", "--wait", "--timeout", "30", "--pgdata", str(data), "--log", str(log))


@contextmanager
def running_postgres(base_dir: Path) -> Iterator[str]:
    """Start a throwaway PostgreSQL server under `base_dir`; yields its admin SQLAlchemy URL.

    As root, `base_dir` must be reachable by the `postgres` user (e.g. the system temp dir).
    The server is stopped (immediate mode) and its directory removed on exit.
    """
    bin_dir = server_bin_dir()
    owner = server_user_ids()
    base_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="pg-", dir=base_dir))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    commands = ServerCommands(bin_dir, cwd=root)
    try:
        make_server_dir(root, owner)
        make_server_dir(sockets, owner)
        commands.initdb(data)
        port = 0
        for attempt in range(1, START_ATTEMPTS + 1):
            port = free_port()
            settings = {**SERVER_SETTINGS, "port": str(port), "unix_socket_directories": f"'{sockets}'"}
            append_settings(data, settings, "tests/postgres_server.py")  # a retry's port overrides the last
            try:
                _start(commands, data, log)
                break
            except PostgresUnavailableError as exc:
                if attempt == START_ATTEMPTS:
                    raise PostgresUnavailableError(f"{exc}\nserver log:\n{tail(log)}") from exc
        # pg_ctl --wait already waits for "ready"; this also proves a TCP connection is accepted
        commands.wait_until_accepting(port)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        try:
            if (data / "postmaster.pid").exists():  # also after a start that failed half-way
                commands.run(
                    "pg_ctl", "stop", "--mode", "immediate", "--wait", "--timeout", "30", "--pgdata", str(data)
                )
        finally:
            shutil.rmtree(root, ignore_errors=True)
