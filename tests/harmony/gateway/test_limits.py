"""The gateway's rate limits: sliding windows, one reported refusal per burst, bounded memory."""

import asyncio
from pathlib import Path

import pytest

from harmony.gateway.clients import client_address, client_key
from harmony.gateway.limits import DEFAULT_RULES, MemoryLimiter, RateLimiter, Rule, Verdict, memory_limits
from harmony.settings import SettingsError, load_settings


class Ticks:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_its_limit_per_window_and_again_once_the_window_has_moved() -> None:
    ticks = Ticks()
    limiter = MemoryLimiter(Rule(3, 10.0), clock=ticks)
    assert [limiter.check("a") for _ in range(3)] == [Verdict.ALLOWED] * 3
    assert limiter.check("b") is Verdict.ALLOWED  # keys are counted apart
    ticks.now += 9.9
    assert limiter.check("a") is Verdict.REFUSED_FIRST
    ticks.now += 0.2  # the first three left the window
    assert limiter.check("a") is Verdict.ALLOWED


def test_a_burst_of_refusals_reports_its_first_only_and_a_new_burst_reports_again() -> None:
    ticks = Ticks()
    limiter = MemoryLimiter(Rule(1, 5.0), clock=ticks)
    assert limiter.check("a") is Verdict.ALLOWED
    assert [limiter.check("a") for _ in range(4)] == [Verdict.REFUSED_FIRST] + [Verdict.REFUSED] * 3
    ticks.now += 6
    assert limiter.check("a") is Verdict.ALLOWED
    assert limiter.check("a") is Verdict.REFUSED_FIRST


def test_refused_events_are_not_counted_so_a_flood_does_not_extend_the_wait() -> None:
    ticks = Ticks()
    limiter = MemoryLimiter(Rule(2, 10.0), clock=ticks)
    limiter.check("a")
    limiter.check("a")
    for _ in range(100):
        ticks.now += 0.05
        limiter.check("a")
    ticks.now = 1000.0 + 10.1
    assert limiter.check("a") is Verdict.ALLOWED


def test_keys_whose_events_left_the_window_are_forgotten() -> None:
    ticks = Ticks()
    limiter = MemoryLimiter(Rule(5, 10.0), clock=ticks)
    for number in range(1000):
        limiter.check(f"client-{number}")
    assert len(limiter) == 1000
    ticks.now += 11
    limiter.check("late")
    assert len(limiter) == 1


def test_a_flood_of_new_keys_cannot_grow_memory_past_the_maximum() -> None:
    ticks = Ticks()
    limiter = MemoryLimiter(Rule(5, 600.0), max_keys=100, clock=ticks)
    limiter.check("regular")
    for number in range(10_000):
        limiter.check(f"spoofed-{number}")
        if number % 50 == 0:
            limiter.check("regular")  # a key in use stays (the least recently seen go first)
    assert len(limiter) == 100
    assert limiter.count("regular") == 5


def test_the_async_interface_and_the_consoles_form() -> None:
    limiter = RateLimiter(limit=1, window=60.0)
    assert asyncio.run(limiter.hit("x")) is Verdict.ALLOWED
    assert asyncio.run(limiter.hit("x")) is Verdict.REFUSED_FIRST
    assert limiter.count("x") == limiter.limit


def test_limits_replace_defaults_by_name_and_an_unknown_name_is_an_error() -> None:
    limits = memory_limits({"handoffs_per_client": Rule(2, 60.0)})
    assert limits.handoffs_per_client.rule == Rule(2, 60.0)
    assert limits.messages_per_conversation.rule == DEFAULT_RULES["messages_per_conversation"]
    with pytest.raises(ValueError, match="unknown rate limits handoffs"):
        memory_limits({"handoffs": Rule(2, 60.0)})


class FakeRequest:
    def __init__(self, remote: str) -> None:
        self.remote = remote


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() -> None:
    environ = {"aiohttp.request": FakeRequest("10.0.0.5"), "HTTP_X_FORWARDED_FOR": "203.0.113.7, 10.0.0.9"}
    assert client_address(environ, ()) == "10.0.0.5"  # a forged header from anyone else is ignored
    assert client_address(environ, ("10.0.0.1",)) == "10.0.0.5"
    assert client_address(environ, ("10.0.0.5",)) == "203.0.113.7"
    assert client_address({"aiohttp.request": FakeRequest("10.0.0.5")}, ("10.0.0.5",)) == "10.0.0.5"


def test_the_client_key_is_keyed_stable_and_hides_the_address() -> None:
    key = client_key("203.0.113.7", "secret one")
    assert key == client_key("203.0.113.7", "secret one") and len(key) == 64
    assert key != client_key("203.0.113.7", "secret two")
    assert key != client_key("203.0.113.8", "secret one")


def test_the_limits_and_the_client_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {
        "HARMONY_VAR_DIR": str(tmp_path),
        "HARMONY_RATE_LIMITS": "messages_per_client=100/60, handoffs_per_client=2/3600",
        "HARMONY_TRUSTED_PROXY": "10.0.0.5, 10.0.0.6",
    }
    settings = load_settings(env)
    assert settings.rate_limits == (("messages_per_client", 100, 60.0), ("handoffs_per_client", 2, 3600.0))
    assert settings.trusted_proxies == ("10.0.0.5", "10.0.0.6")
    secret = settings.client_key_secret()  # generated once, then the same for every gateway of this var dir
    assert len(secret) == 64 and load_settings(env).client_key_secret() == secret
    assert "client_key_secret" not in repr(load_settings({**env, "HARMONY_CLIENT_KEY_SECRET": "s3cret"}))
    assert load_settings({**env, "HARMONY_CLIENT_KEY_SECRET": "s3cret"}).client_key_secret() == "s3cret"
    for bad in ["messages_per_client=many/60", "messages_per_client=0/60", "messages_per_client"]:
        with pytest.raises(SettingsError, match="HARMONY_RATE_LIMITS"):
            load_settings({**env, "HARMONY_RATE_LIMITS": bad})
