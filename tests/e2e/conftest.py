"""Starts the real action server and Rasa server (trained model) once for the e2e tests."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from harmony.database_setup import prepare_database
from harmony.launcher.stack import running_stack
from harmony.launcher.training import ensure_model
from harmony.settings import PROJECT_ROOT, Settings, load_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    var_dir: Path = tmp_path_factory.mktemp("var")
    settings = load_settings(
        {
            "HARMONY_VAR_DIR": str(var_dir),
            "HARMONY_RASA_PORT": str(free_port()),
            "HARMONY_ACTION_PORT": str(free_port()),
            "HARMONY_MODELS_DIR": str(PROJECT_ROOT / "models"),
        }
    )
    prepare_database(settings.database_url, settings.fixture_file)
    model, _ = ensure_model(settings.models_dir)
    with running_stack(settings, model, var_dir / "logs"):
        yield settings
