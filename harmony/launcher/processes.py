"""A child process we start, wait for, and stop cleanly (its whole process group)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Mapping, Sequence

ReadyCheck = Callable[[], bool]


class ServiceFailed(RuntimeError):
    """A service exited or did not become ready in time."""


def http_ok(url: str, headers: Mapping[str, str] | None = None, timeout: float = 2.0) -> ReadyCheck:
    """A readiness check: GET `url` answers 200."""

    def check() -> bool:
        request = urllib.request.Request(url, headers=dict(headers or {}))  # noqa: S310 - http only
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    return check


def last_line(path: Path, limit: int = 300) -> str:
    """The last non-blank line of a text file, shortened to `limit` characters ("" if none)."""
    try:
        with path.open("rb") as file:
            file.seek(0, os.SEEK_END)
            file.seek(max(0, file.tell() - 8192))
            tail = file.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    return lines[-1][:limit] if lines else ""


@dataclass
class ManagedProcess:
    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    cwd: Path
    ready: ReadyCheck
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _log: IO[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        output: IO[bytes] | None = None
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = output = self.log_path.open("ab")
        self.process = subprocess.Popen(
            list(self.argv),
            cwd=self.cwd,
            env=dict(self.env),
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float) -> float:
        """Block until ready; returns the seconds it took. Raises `ServiceFailed`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process is None or self.process.poll() is not None:
                raise ServiceFailed(f"{self.name} exited during start-up{self._log_hint()}")
            if self.ready():
                return time.monotonic() - started
            time.sleep(0.25)
        raise ServiceFailed(f"{self.name} was not ready after {timeout:.0f} s{self._log_hint()}")

    def _log_hint(self) -> str:
        """Where the log is, and its last line: usually the error that stopped the service."""
        if self.log_path is None:
            return ""
        if self._log is not None:
            self._log.flush()
        last = last_line(self.log_path)
        return f": {last} (see {self.log_path})" if last else f" (see {self.log_path})"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM the process group, then SIGKILL what is left after `grace` seconds."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None
