"""A throwaway Redis server for tests: Debian's redis-server, a temp dir, a free port.

The test can stop it and start it again on the same port (`RedisServer.stop`/`start`), to
check what the gateways do while Redis is down and once it is back.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.ports import free_port

INSTALL_HINT = "run scripts/install_production.sh (as root) to install it"
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 30.0
START_ATTEMPTS = 3  # a new free port each time: another process may take the one we picked


class RedisUnavailableError(RuntimeError):
    """The Redis server cannot be found or started here."""


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith((b"+PONG", b"-NOAUTH"))  # up (a password is asked for)
    except OSError:
        return False


class RedisServer:
    """One redis-server process in `root`, without persistence (throwaway data)."""

    def __init__(self, root: Path, port: int, password: str | None = None) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisUnavailableError(f"The Redis server (redis-server) is not installed; {INSTALL_HINT}.")
        self.binary, self.root, self.port, self.password = binary, root, port, password
        self.log = root / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        credentials = f":{self.password}@" if self.password else ""
        return f"redis://{credentials}127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server (again, on the same port) and wait until it answers PING."""
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.root)]
        argv += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(self.log)]
        if self.password:
            argv += ["--requirepass", self.password]
        self.process = subprocess.Popen(argv, cwd=self.root, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers_ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RedisUnavailableError(f"redis-server did not start on port {self.port}:\n{self._tail()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait until it is gone."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT_SECONDS)
        self.process = None

    def _tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


@contextmanager
def running_redis(base_dir: Path, password: str | None = None) -> Iterator[RedisServer]:
    """Start a throwaway Redis server under `base_dir` (asking for `password` if given); stopped and
    its directory removed on exit."""
    base_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="redis-", dir=base_dir))
    server: RedisServer | None = None
    try:
        for attempt in range(1, START_ATTEMPTS + 1):
            server = RedisServer(root, free_port(), password)
            try:
                server.start()
                break
            except RedisUnavailableError:
                if attempt == START_ATTEMPTS:
                    raise
        assert server is not None
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
