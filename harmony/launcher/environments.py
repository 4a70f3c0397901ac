"""Where the two Python environments live (created by scripts/setup.sh)."""

from __future__ import annotations

import os
from pathlib import Path

from harmony.settings import PROJECT_ROOT

VENVS = PROJECT_ROOT / ".venv"
RASA_ENV = VENVS / "rasa"
APP_ENV = VENVS / "app"


# Rasa's telemetry would try the network (there is none here); TensorFlow and old
# libraries print pages of warnings on every start.
QUIET_RASA = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}


def rasa_process_env(**extra: str) -> dict[str, str]:
    """The environment of a Rasa command we start: ours, made quiet, plus `extra`."""
    return {**os.environ, **QUIET_RASA, **extra}


def rasa_python() -> Path:
    return RASA_ENV / "bin" / "python"


def app_python() -> Path:
    return APP_ENV / "bin" / "python"


class EnvironmentMissing(RuntimeError):
    """An environment was not set up; the message says which command sets it up."""


def require(path: Path) -> Path:
    if not path.exists():
        raise EnvironmentMissing(f"{path} is missing: run `make setup` first")
    return path
