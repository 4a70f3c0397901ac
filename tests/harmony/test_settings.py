"""Configuration from the environment: defaults that run, clear errors, a private token."""

import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from harmony.settings import PROJECT_ROOT, SettingsError, load_settings


def test_defaults_need_no_configuration() -> None:
    settings = load_settings({})
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'harmony.db'}"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.action_server_url == "http://127.0.0.1:5055/webhook"
    assert settings.default_shop == "fr"
    assert settings.agent_session_hours == 8.0
    assert settings.clock_start is None  # the system clock


def test_values_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "HARMONY_DATABASE_URL": "postgresql://u:p@db/harmony",
            "HARMONY_RASA_PORT": "6005",
            "HARMONY_DEFAULT_SHOP": "ro",
            "HARMONY_VAR_DIR": str(tmp_path),
        }
    )
    assert settings.database_url == "postgresql://u:p@db/harmony"
    assert settings.rasa_port == 6005
    assert settings.default_shop == "ro"
    assert settings.tracker_store_url == f"sqlite:///{tmp_path / 'rasa-tracker.db'}"


@pytest.mark.parametrize("raw", ["2026-12-08T10:00:00+01:00", "2026-12-08T09:00:00Z", " 2026-12-08T09:00Z "])
def test_the_clock_start_is_an_instant_kept_in_utc(raw: str) -> None:
    settings = load_settings({"HARMONY_CLOCK_START": raw})
    assert settings.clock_start == datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)
    assert settings.clock_start is not None and settings.clock_start.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HARMONY_RASA_PORT": "abc"}, "HARMONY_RASA_PORT must be a whole number"),
        ({"HARMONY_ACTION_PORT": "70000"}, "HARMONY_ACTION_PORT must be a port number"),
        ({"HARMONY_DEFAULT_SHOP": "de"}, "HARMONY_DEFAULT_SHOP must be one of fr, ro, intl"),
        ({"HARMONY_HTTP_TIMEOUT": "-1"}, "HARMONY_HTTP_TIMEOUT must be positive"),
        ({"HARMONY_AGENT_SESSION_HOURS": "0"}, "HARMONY_AGENT_SESSION_HOURS must be positive"),
        ({"HARMONY_CLOCK_START": "next tuesday"}, "HARMONY_CLOCK_START must be an ISO-8601 instant"),
        ({"HARMONY_CLOCK_START": "2026-12-08T10:00:00"}, "HARMONY_CLOCK_START must name its UTC offset"),
    ],
)
def test_bad_values_are_explained(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_token_is_generated_once_and_private(tmp_path: Path) -> None:
    settings = load_settings({"HARMONY_VAR_DIR": str(tmp_path)})
    token = settings.rasa_token()
    assert len(token) >= 32
    assert load_settings({"HARMONY_VAR_DIR": str(tmp_path)}).rasa_token() == token
    assert stat.S_IMODE(settings.rasa_token_file.stat().st_mode) == 0o600


def test_configured_token_wins(tmp_path: Path) -> None:
    settings = load_settings({"HARMONY_VAR_DIR": str(tmp_path), "HARMONY_RASA_TOKEN": "from-env"})
    assert settings.rasa_token() == "from-env"
    assert "from-env" not in repr(settings)
    assert not settings.rasa_token_file.exists()


def test_the_redis_url_is_read_and_never_shown() -> None:
    assert load_settings({}).redis_url is None  # the default profile: state in the gateway's process
    assert load_settings({"HARMONY_REDIS_URL": "  "}).redis_url is None
    settings = load_settings({"HARMONY_REDIS_URL": "redis://:pw-123@cache:6379/0"})
    assert settings.redis_url == "redis://:pw-123@cache:6379/0"
    assert "pw-123" not in repr(settings)
    with pytest.raises(SettingsError) as error:
        load_settings({"HARMONY_REDIS_URL": "http://:pw-123@cache:6379"})
    assert "pw-123" not in str(error.value)


def test_peers_addresses_come_from_the_environment_else_from_this_machines_ports() -> None:
    from harmony.settings import load_settings as load

    here = load({"HARMONY_RASA_PORT": "5999", "HARMONY_ACTION_PORT": "5998"})
    assert (here.rasa_url, here.action_server_url, here.redis_url) == (
        "http://127.0.0.1:5999",
        "http://127.0.0.1:5998/webhook",
        None,
    )
    there = load(
        {
            "HARMONY_RASA_URL": "http://10.0.0.5:5010/",
            "HARMONY_ACTION_SERVER_URL": "http://10.0.0.6:5060/webhook",
            "HARMONY_REDIS_URL": "redis://10.0.0.7:6379/0",
        }
    )
    assert (there.rasa_url, there.action_server_url, there.redis_url) == (
        "http://10.0.0.5:5010",
        "http://10.0.0.6:5060/webhook",
        "redis://10.0.0.7:6379/0",
    )
