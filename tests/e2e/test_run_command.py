"""The README's run command as a user runs it: starts everything, answers, restarts a killed service
while 20 customers chat through the widget (nothing lost, nothing answered twice), stops on Ctrl-C."""

import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

import psutil
import pytest

from harmony.kb.faq import load_faq
from harmony.rasa_rest import send_message
from harmony.settings import PROJECT_ROOT
from tests.e2e.conftest import E2E_RATE_LIMITS
from tests.e2e.replies import identify
from tests.ports import free_port
from tests.production.conversation_load import LoadInBackground, count
from tests.stored_transcript import stored_transcript

pytestmark = pytest.mark.e2e


class Output:
    """The command's output, read in a thread: every wait on it has a limit, even if the command hangs
    without printing anything."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self.seen = ""
        self.closed = False
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)  # the command closed its output: it has exited

    def _until(self, done: Callable[[], bool], what: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while not done():
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"{what} within {timeout} s; output so far:\n{self.seen}") from None
            if line is None:
                self.closed = True
            else:
                self.seen += line
            if self.closed and not done():
                raise AssertionError(f"the command ended before {what}; its output:\n{self.seen}")
        return self.seen

    def wait_for(self, text: str, timeout: float) -> str:
        """Everything printed until `text` appears."""
        return self._until(lambda: text in self.seen, f"{text!r} was not printed", timeout)

    def all(self, timeout: float) -> str:
        """Everything the command printed, once it has closed its output."""
        return self._until(lambda: self.closed, "the output was not closed", timeout)


CUSTOMERS = 20
SERVICES = {"action server": "harmony.action_server", "gateway": "harmony.gateway.app", "Rasa server": "bot.rasa_main"}


def _service_process(run_pid: int, module: str) -> psutil.Process:
    """The running service started by `harmony run` whose command line names `module`."""
    for child in psutil.Process(run_pid).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if module in child.cmdline():
                return child
    raise AssertionError(f"no process of {module} under harmony run")


SHIPPING_COST_FR = load_faq()["shipping_cost"].parts("fr", "fr")[0]


def _wait_for_answer(rasa_url: str, gateway_port: int, timeout: float = 180) -> None:
    """Once the restarted services are up, the gateway is healthy and an FAQ question (an action) is answered."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{gateway_port}/health", timeout=5) as health:
                replies = send_message(rasa_url, "run-after-restarts", "c'est quoi les frais de livraison ?")
                if health.status == 200 and replies and replies[0].get("text") == SHIPPING_COST_FR:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"no answer {timeout:.0f} s after the restarts")
        time.sleep(1)


def test_run_starts_everything_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    rasa_port, action_port, gateway_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "HARMONY_VAR_DIR": str(tmp_path),
        "HARMONY_RASA_PORT": str(rasa_port),
        "HARMONY_ACTION_PORT": str(action_port),
        "HARMONY_GATEWAY_PORT": str(gateway_port),
        "PYTHONUNBUFFERED": "1",
        "HARMONY_RATE_LIMITS": E2E_RATE_LIMITS,  # 20 customers from one address
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
    output = Output(process)
    children: list[psutil.Process] = []
    try:
        banner = output.wait_for("Press Ctrl-C to stop.", timeout=600)
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

        load = LoadInBackground(f"http://127.0.0.1:{gateway_port}", CUSTOMERS)
        time.sleep(5)  # the conversations are under way
        for service, module in SERVICES.items():  # kill -9 each service: it comes back, the product goes on
            _service_process(process.pid, module).kill()
            output.wait_for(f"{service} killed by SIGKILL", timeout=30)
            output.wait_for(f"{service} started again.", timeout=30)
        _wait_for_answer(url, gateway_port)
        customers = load.finish()
        transcripts = {
            c.session_id or "": stored_transcript(f"sqlite:///{tmp_path / 'harmony.db'}", c.session_id or "")
            for c in customers
        }
        counts = count(customers, transcripts)
        print(f"under kill -9 of each service: {counts.line()}")
        print("\n\n".join(counts.stories))
        assert counts.problems == [], "\n".join(counts.problems)
        assert counts.sent == counts.stored == counts.answered > 0
        assert "Traceback" not in output.seen

        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) >= 3
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running 60 s after Ctrl-C; output:\n{output.seen}") from None
        printed = output.all(timeout=10)
        assert process.returncode == 0, printed
        assert "Stopped everything cleanly." in printed
        assert "Traceback" not in printed
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive
    finally:
        with contextlib.suppress(psutil.NoSuchProcess):
            children = children or psutil.Process(process.pid).children(recursive=True)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        for child in children:  # the services run in sessions of their own: a failed test leaves none behind
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()


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
