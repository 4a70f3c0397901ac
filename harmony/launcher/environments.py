"""Where the two Python environments live (created by scripts/setup.sh)."""

from __future__ import annotations

from pathlib import Path

from harmony.settings import PROJECT_ROOT

VENVS = PROJECT_ROOT / ".venv"
RASA_ENV = VENVS / "rasa"
APP_ENV = VENVS / "app"


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
