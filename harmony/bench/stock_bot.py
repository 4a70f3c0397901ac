"""The reference: Rasa's own `rasa init` project, trained and served by the same Rasa."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from harmony.launcher.environments import RASA_ENV, rasa_process_env, rasa_python, require
from harmony.launcher.processes import ManagedProcess, http_ok

# Through the widget the stock bot gets messages its rules and stories always answer: outside them it
# stays silent at random, from one training to the next (its UnexpecTED intent policy), and a
# closed-loop widget client then measures its own 30 s reply timeout instead of the bot.
STOCK_WIDGET_SCRIPT = ("hello", "are you a bot?", "bye")


def initial_project_dir() -> Path:
    """The template `rasa init` copies (shipped inside the rasa package)."""
    found = sorted((RASA_ENV / "lib").glob("python3.*/site-packages/rasa/cli/initial_project"))
    if not found:
        raise FileNotFoundError("rasa's initial_project template was not found in the rasa environment")
    return found[0]


# Rasa's own socket.io channel for rasa-webchat. Without session persistence: Rasa 3.6 calls
# python-socketio 5's `enter_room` coroutine without awaiting it, so with persistence the
# replies go to a room the socket never joined (the 15:59 benchmark run got no answer).
SOCKETIO_CREDENTIALS = """
socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: false
"""


def create_stock_project(target: Path) -> Path:
    shutil.copytree(initial_project_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    credentials = target / "credentials.yml"
    credentials.write_text(credentials.read_text(encoding="utf-8") + SOCKETIO_CREDENTIALS, encoding="utf-8")
    return target


def train_stock(project: Path, **env_extra: str) -> tuple[Path, float]:
    """Train it as `rasa init` does; returns (model, seconds)."""
    env = rasa_process_env(**env_extra)
    started = time.perf_counter()
    subprocess.run(
        [
            str(require(rasa_python())),
            "-m",
            "rasa",
            "train",
            "--out",
            "models",
            "--fixed-model-name",
            "stock",
        ],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return project / "models" / "stock.tar.gz", time.perf_counter() - started


def stock_server(project: Path, model: Path, port: int, log_path: Path) -> ManagedProcess:
    env = rasa_process_env()
    argv = [
        str(require(rasa_python())),
        "-m",
        "rasa",
        "run",
        "--model",
        str(model),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    ready = http_ok(f"http://127.0.0.1:{port}/webhooks/rest/")
    return ManagedProcess("stock Rasa server", argv, env, project, ready, log_path)
