"""Debian's PostgreSQL server binaries, run as the user PostgreSQL accepts: shared by the
production profile (its cluster under var/production) and the tests (a throwaway server).

PostgreSQL refuses to run as root, so as root its commands run as the `postgres` system user
(created by Debian's package) through `runuser`; otherwise as the current user.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import time
from pathlib import Path

POSTGRES_LIB = Path("/usr/lib/postgresql")
INSTALL_HINT = "run scripts/install_production.sh (as root) to install it"
SERVER_USER = "postgres"  # Debian's system user, used when we run as root
COMMAND_TIMEOUT_SECONDS = 60


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


def server_locale() -> str:
    """C.UTF-8 (case rules for fr and ro letters) when this machine has it, else C."""
    try:
        available = subprocess.run(
            ["locale", "-a"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS, check=False
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return "C"
    return "C.UTF-8" if {"c.utf8", "c.utf-8"} & {name.lower() for name in available} else "C"


def server_user() -> str | None:
    """The user the server's processes must run as: `postgres` when we are root, else None (ourselves)."""
    return SERVER_USER if os.geteuid() == 0 else None


def server_user_ids() -> tuple[int, int] | None:
    """(uid, gid) to hand the server's files to when we run as root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam(SERVER_USER)
    except KeyError as exc:
        raise PostgresUnavailableError(
            f"There is no '{SERVER_USER}' system user to run PostgreSQL as (it refuses to run as root); {INSTALL_HINT}."
        ) from exc
    return user.pw_uid, user.pw_gid


def make_server_dir(path: Path, owner: tuple[int, int] | None, mode: int = 0o700) -> None:
    """A directory the server owns (`owner`), created if missing."""
    path.mkdir(mode=mode, parents=True, exist_ok=True)
    if owner is not None:
        os.chown(path, *owner)


class ServerCommands:
    """Runs the server's commands as the user PostgreSQL accepts, with a timeout, in `cwd`."""

    def __init__(self, bin_dir: Path, cwd: Path) -> None:
        self.bin_dir = bin_dir
        self.cwd = cwd
        user = server_user()
        self.prefix = ["runuser", "-u", user, "--"] if user else []

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

    def initdb(self, data: Path, auth: str = "trust", password_file: Path | None = None, sync: bool = False) -> None:
        """A new cluster in `data` whose superuser is `postgres` (UTF-8, C.UTF-8 when available)."""
        args = ["--pgdata", str(data), "--username", SERVER_USER, "--auth", auth, "--encoding", "UTF8"]
        args += ["--locale", server_locale()]
        if password_file is not None:
            args += ["--pwfile", str(password_file)]
        if not sync:
            args.append("--no-sync")
        self.run("initdb", *args)

    def wait_until_accepting(self, port: int, timeout: float = 30.0) -> None:
        """Until a TCP connection to 127.0.0.1:`port` is accepted (pg_isready)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.run("pg_isready", "--host", "127.0.0.1", "--port", str(port), "--timeout", "5", timeout=10)
                return
            except PostgresUnavailableError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def append_settings(data: Path, settings: dict[str, str], source: str) -> None:
    """Settings appended last to postgresql.conf win over earlier ones (a later append overrides)."""
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(f"\n# {source}\n")
        conf.writelines(f"{name} = {value}\n" for name, value in settings.items())


def tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"
