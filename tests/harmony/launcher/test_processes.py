"""A service that dies while starting is reported with the last line of its log."""

import sys
from pathlib import Path

import pytest

from harmony.launcher.processes import ManagedProcess, ServiceFailed, last_line


def _never_ready() -> bool:
    return False


def test_exit_during_start_up_shows_the_error_from_the_log(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "service.log"
    script = "import sys; print('loading'); print('OSError: address already in use'); sys.exit(1)"
    service = ManagedProcess("demo", [sys.executable, "-c", script], {}, tmp_path, _never_ready, log)
    service.start()
    try:
        with pytest.raises(ServiceFailed) as failure:
            service.wait_ready(timeout=30)
    finally:
        service.stop()
    assert str(failure.value) == f"demo exited during start-up: OSError: address already in use (see {log})"


def test_not_ready_in_time_is_reported_with_the_timeout(tmp_path: Path) -> None:
    """The 1 s is the limit given to `wait_ready`, which the message repeats; nothing is measured.
    The service runs until it is stopped, so only the limit can end the wait."""
    log = tmp_path / "service.log"
    argv = [sys.executable, "-c", "import signal; signal.pause()"]
    service = ManagedProcess("slow", argv, {}, tmp_path, _never_ready, log)
    service.start()
    try:
        with pytest.raises(ServiceFailed, match=r"^slow was not ready after 1 s \(see "):
            service.wait_ready(timeout=1)
    finally:
        service.stop(grace=5)
    assert service.process is not None and service.process.poll() is not None


def test_last_line_skips_blank_lines_and_shortens(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("first\n" + "x" * 500 + "\n\n   \n")
    assert last_line(log, limit=10) == "x" * 10
    assert last_line(tmp_path / "missing.log") == ""
    log.write_text("")
    assert last_line(log) == ""
