"""The README's run command as a user runs it: starts everything, answers, stops on Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from harmony.rasa_rest import send_message
from harmony.settings import PROJECT_ROOT
from tests.e2e.replies import identify
from tests.ports import free_port

pytestmark = pytest.mark.e2e


def _wait_for(process: subprocess.Popen[str], text: str, timeout: float) -> str:
    """Read the command's output until `text` appears."""
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen += line
        if text in seen:
            return seen
    raise AssertionError(f"{text!r} not printed within {timeout} s; output so far:\n{seen}")


def test_run_starts_everything_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    rasa_port, action_port, gateway_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "HARMONY_VAR_DIR": str(tmp_path),
        "HARMONY_RASA_PORT": str(rasa_port),
        "HARMONY_ACTION_PORT": str(action_port),
        "HARMONY_GATEWAY_PORT": str(gateway_port),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "harmony", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        banner = _wait_for(process, "Press Ctrl-C to stop.", timeout=600)
        assert "Loaded the demo orders (14 orders, 7 customers)." in banner
        assert f"REST channel     http://localhost:{rasa_port}/webhooks/rest/webhook" in banner
        assert f"action server    http://127.0.0.1:{action_port}/webhook  (loopback only)" in banner
        for shop in ("fr", "ro", "intl"):
            assert f"http://localhost:{gateway_port}/shop/{shop}" in banner
        assert f"agent console    http://localhost:{gateway_port}/console" in banner
        with urllib.request.urlopen(f"http://127.0.0.1:{gateway_port}/shop/fr", timeout=10) as page:
            assert "/static/webchat/webchat.js" in page.read().decode()
        token = (tmp_path / "rasa-token").read_text().strip()
        assert token not in banner
        assert (tmp_path / "harmony.db").exists()

        url = f"http://127.0.0.1:{rasa_port}"
        for greeting, language in [("Bonjour", "fr"), ("Hello", "en"), ("Bună ziua", "ro")]:
            replies = send_message(url, f"run-{language}", greeting)
            assert identify(replies[0]["text"]) == ("utter_greet", language)

        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) >= 3
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output, _ = process.communicate(timeout=60)
        assert process.returncode == 0
        assert "Stopped everything cleanly." in output
        assert "Traceback" not in output
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def test_run_with_a_taken_port_says_which_and_starts_nothing(tmp_path: Path) -> None:
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        taken = other_program.getsockname()[1]
        env = {
            **os.environ,
            "HARMONY_VAR_DIR": str(tmp_path),
            "HARMONY_RASA_PORT": str(taken),
            "HARMONY_ACTION_PORT": str(free_port()),
            "HARMONY_GATEWAY_PORT": str(free_port()),
        }
        result = subprocess.run(
            [sys.executable, "-m", "harmony", "run"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert (
        f"Could not start: port {taken} on 127.0.0.1 for the Rasa server is already in use; "
        "stop what uses it or set HARMONY_RASA_PORT to another port"
    ) in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "logs" / "rasa-server.log").exists()
