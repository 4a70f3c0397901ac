"""The environment the launcher gives the services follows the settings it was given."""

from harmony.launcher.stack import service_env
from harmony.settings import load_settings


def test_the_gateway_gets_the_rate_limits_of_the_launchers_settings() -> None:
    settings = load_settings({"HARMONY_RATE_LIMITS": "messages_per_client=100/60,conversations_per_client=5/0.5"})
    env = service_env(settings, {})
    assert load_settings(env).rate_limits == settings.rate_limits
    assert "HARMONY_RATE_LIMITS" not in service_env(load_settings({}), {})  # the gateway's defaults then
