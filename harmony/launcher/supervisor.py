"""Keeps the services of `make run` running: a service that dies is started again, after a back-off.

One crashed process must not stop the product (DESIGN §2, default profile). A service that
dies soon after each start waits longer and longer between restarts (1 s, 2 s, 4 s … 60 s)
and the operator is told it keeps dying; one that stayed up for a minute starts again at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harmony.launcher.processes import ManagedProcess, last_line

FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0
STABLE_AFTER = 60.0  # seconds up after which a death is a new story, not "keeps dying"
KEEPS_DYING = 5  # quick deaths in a row before the operator is warned


def exit_reason(returncode: int) -> str:
    """`-9` -> "killed by SIGKILL", `3` -> "exited with status 3"."""
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


@dataclass
class _Watch:
    process: ManagedProcess
    started_at: float
    quick_deaths: int = 0  # deaths in a row, each less than STABLE_AFTER after its start
    restart_at: float | None = None  # set while the service is down, waiting for its back-off


class Supervisor:
    """Call `check()` regularly: it notices deaths, says why, and restarts when the back-off is over."""

    def __init__(
        self,
        processes: Sequence[ManagedProcess],
        say: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.say, self.clock = say, clock
        self._watches = [_Watch(process, clock()) for process in processes]

    def check(self) -> None:
        now = self.clock()
        for watch in self._watches:
            if watch.restart_at is not None:
                if now >= watch.restart_at:
                    self._restart(watch, now)
            elif watch.process.process is not None and watch.process.process.poll() is not None:
                self._died(watch, now, watch.process.process.returncode)

    def restarts_pending(self) -> list[str]:
        """Names of the services waiting for their back-off to end."""
        return [w.process.name for w in self._watches if w.restart_at is not None]

    def _died(self, watch: _Watch, now: float, returncode: int) -> None:
        _kill_leftovers(watch.process)
        watch.process.stop()  # closes its log
        quick = now - watch.started_at < STABLE_AFTER
        watch.quick_deaths = watch.quick_deaths + 1 if quick else 0
        delay = min(FIRST_BACKOFF * 2 ** max(watch.quick_deaths - 1, 0), MAX_BACKOFF) if quick else 0.0
        watch.restart_at = now + delay
        last = last_line(watch.process.log_path) if watch.process.log_path else ""
        hint = f"; last log line: {last}" if last else ""
        self.say(f"{watch.process.name} {exit_reason(returncode)}{hint}; restarting in {delay:g} s.")
        if watch.quick_deaths >= KEEPS_DYING:
            where = f" (see {watch.process.log_path})" if watch.process.log_path else ""
            self.say(
                f"{watch.process.name} keeps dying: {watch.quick_deaths} times in a row within "
                f"{STABLE_AFTER:g} s of starting{where}. Still retrying every {delay:g} s; Ctrl-C stops everything."
            )

    def _restart(self, watch: _Watch, now: float) -> None:
        watch.restart_at = None
        watch.started_at = now
        watch.process.start()
        self.say(f"{watch.process.name} started again.")


def _kill_leftovers(process: ManagedProcess) -> None:
    """Children of a dead service (its process group) could hold its port: they go too."""
    if process.pid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
