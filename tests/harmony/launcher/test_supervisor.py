"""The supervisor of `make run` with real processes (small Python programs) and a clock the test moves."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from harmony.launcher.processes import ManagedProcess
from harmony.launcher.supervisor import KEEPS_DYING, Supervisor, exit_reason


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _service(tmp_path: Path, program: str, name: str = "action server") -> ManagedProcess:
    return ManagedProcess(
        name, [sys.executable, "-c", program], {}, tmp_path, lambda: True, log_path=tmp_path / f"{name}.log"
    )


def _wait_exit(service: ManagedProcess) -> None:
    assert service.process is not None
    service.process.wait(timeout=30)


def _announced_delay(said: list[str]) -> float:
    """The back-off of the latest "... restarting in N s." line."""
    line = next(line for line in reversed(said) if "restarting in" in line)
    return float(line.rsplit("restarting in ", 1)[1].removesuffix(" s."))


def test_exit_reasons_read_like_an_operator_expects() -> None:
    assert exit_reason(-9) == "killed by SIGKILL"
    assert exit_reason(3) == "exited with status 3"


def test_a_killed_service_is_started_again_and_the_operator_is_told_why(tmp_path: Path) -> None:
    clock, said = Clock(), list[str]()
    service = _service(tmp_path, "import time; print('serving', flush=True); time.sleep(600)")
    service.start()
    supervisor = Supervisor([service], say=said.append, clock=clock)
    try:
        clock.now += 120  # it has been up for two minutes
        deadline = time.monotonic() + 30
        while "serving" not in (tmp_path / "action server.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        first_pid = service.pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGKILL)
        _wait_exit(service)
        supervisor.check()
        assert said[0] == "action server killed by SIGKILL; last log line: serving; restarting in 0 s."
        supervisor.check()
        assert said[1] == "action server started again."
        assert service.pid != first_pid and service.process is not None and service.process.poll() is None
    finally:
        service.stop()


def test_a_service_that_keeps_dying_backs_off_and_says_so(tmp_path: Path) -> None:
    clock, said = Clock(), list[str]()
    service = _service(tmp_path, "import sys; print('cannot open the database', flush=True); sys.exit(3)")
    service.start()
    supervisor = Supervisor([service], say=said.append, clock=clock)
    delays = []
    for _death in range(KEEPS_DYING + 1):
        _wait_exit(service)
        supervisor.check()
        delay = _announced_delay(said)
        delays.append(delay)
        assert supervisor.restarts_pending() == ["action server"]
        clock.now += delay - 0.01
        supervisor.check()
        assert supervisor.restarts_pending() == ["action server"]  # not before its back-off is over
        clock.now += 0.01
        supervisor.check()
    service.stop()
    assert delays == [1, 2, 4, 8, 16, 32]
    assert "action server exited with status 3; last log line: cannot open the database; restarting in 1 s." in said
    warnings = [line for line in said if "keeps dying" in line]
    assert warnings and warnings[0].startswith(f"action server keeps dying: {KEEPS_DYING} times in a row")
    assert str(tmp_path / "action server.log") in warnings[0]


def test_a_death_after_a_stable_minute_restarts_at_once(tmp_path: Path) -> None:
    clock, said = Clock(), list[str]()
    service = _service(tmp_path, "import sys, time; time.sleep(0.2); sys.exit(1)")
    service.start()
    supervisor = Supervisor([service], say=said.append, clock=clock)
    for _death in range(3):
        _wait_exit(service)
        clock.now += 61  # each life lasted over a minute
        supervisor.check()
        assert said[-1].endswith("restarting in 0 s.")
        supervisor.check()
    service.stop()
    assert not any("keeps dying" in line for line in said)
