"""Rasa's JSON log of a failed turn keeps the stack but not the frames' local variables (a DSN's password)."""

import logging
import secrets
from collections.abc import Iterator

import pytest
import structlog
from rasa.utils.log_utils import configure_structlog

from bot.rasa_main import hide_traceback_locals

SECRET = secrets.token_hex(16)  # a database password


def _fail_with_a_secret_in_a_local() -> None:
    dsn = f"host=127.0.0.1 user=harmony password={SECRET}"
    raise ConnectionError(f"could not connect to {dsn.split()[0]}")


def _logged_failure(caplog: pytest.LogCaptureFixture) -> str:
    configure_structlog(logging.INFO)
    try:
        _fail_with_a_secret_in_a_local()
    except ConnectionError:
        structlog.get_logger("rasa.core.channels.rest").exception("rest.message.received.failure")
    return caplog.text


@pytest.fixture
def rasa_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(structlog.processors, "dict_tracebacks", structlog.processors.dict_tracebacks)  # undone
    monkeypatch.setattr("rasa.utils.log_utils.FORCE_JSON_LOGGING", True)  # the JSON log, as under supervision
    yield
    structlog.reset_defaults()


def test_rasa_alone_logs_the_frames_locals(rasa_logging: None, caplog: pytest.LogCaptureFixture) -> None:
    assert SECRET in _logged_failure(caplog)  # what the fix is for


def test_the_log_keeps_the_stack_without_the_locals(rasa_logging: None, caplog: pytest.LogCaptureFixture) -> None:
    hide_traceback_locals()
    logged = _logged_failure(caplog)
    assert "_fail_with_a_secret_in_a_local" in logged and "ConnectionError" in logged
    assert SECRET not in logged
