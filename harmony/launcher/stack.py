"""The product as processes: the action server, the Rasa server and the gateway.

Used by `make run`, the end-to-end tests and the benchmark, so all three run the
product exactly the same way.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping
from urllib.parse import urlencode

from harmony.launcher.environments import QUIET_RASA, app_python, rasa_python, require
from harmony.launcher.ports import port_problems
from harmony.launcher.processes import ManagedProcess, ServiceFailed, http_ok
from harmony.settings import PROJECT_ROOT, Settings

RASA_START_TIMEOUT = 240.0
ACTION_START_TIMEOUT = 60.0
GATEWAY_START_TIMEOUT = 60.0


def service_env(settings: Settings, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of both services: ours plus the values `endpoints.yml` reads."""
    env = {**(os.environ if base is None else base), **QUIET_RASA}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        HARMONY_DATABASE_URL=settings.database_url,
        HARMONY_TRACKER_STORE_URL=settings.tracker_store_url,
        HARMONY_ACTION_SERVER_URL=settings.action_server_url,
        HARMONY_RASA_URL=settings.rasa_url,
        HARMONY_ACTION_PORT=str(settings.action_port),
        HARMONY_VAR_DIR=str(settings.var_dir),
        HARMONY_RASA_PORT=str(settings.rasa_port),
        HARMONY_GATEWAY_PORT=str(settings.gateway_port),
        SANIC_HOST="127.0.0.1",
    )
    env.pop("HARMONY_REDIS_URL", None)
    if settings.redis_url:
        env["HARMONY_REDIS_URL"] = settings.redis_url
    if settings.rate_limits:  # the gateway's limits as these settings say (tests, benchmarks)
        rules = (f"{name}={events}/{seconds:g}" for name, events, seconds in settings.rate_limits)
        env["HARMONY_RATE_LIMITS"] = ",".join(rules)
    if settings.failed_checks:
        env["HARMONY_FAILED_CHECKS"] = ",".join(f"{kind}={count}" for kind, count in settings.failed_checks)
    # A pinned clock (tests, demos) reaches the services as the settings say, never from elsewhere.
    env.pop("HARMONY_CLOCK_START", None)
    if settings.clock_start is not None:
        env["HARMONY_CLOCK_START"] = settings.clock_start.isoformat()
    return env


def rasa_server(
    settings: Settings, model: Path, log_path: Path | None = None, endpoints: Path = PROJECT_ROOT / "endpoints.yml"
) -> ManagedProcess:
    env = service_env(settings)
    env["HARMONY_RASA_TOKEN"] = settings.rasa_token()
    argv = [
        str(require(rasa_python())),
        "-m",
        "bot.rasa_main",
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        "credentials.yml",
        "--interface",
        settings.rasa_host,
        "--port",
        str(settings.rasa_port),
    ]
    # Rasa's token authentication takes the token as a query parameter.
    status = http_ok(f"{settings.rasa_url}/status?{urlencode({'token': settings.rasa_token()})}")
    return ManagedProcess("Rasa server", argv, env, PROJECT_ROOT, status, log_path)


def action_server(settings: Settings, log_path: Path | None = None) -> ManagedProcess:
    argv = [str(require(app_python())), "-m", "harmony.action_server"]
    health = http_ok(f"http://127.0.0.1:{settings.action_port}/health")
    return ManagedProcess("action server", argv, service_env(settings), PROJECT_ROOT, health, log_path)


def gateway(settings: Settings, log_path: Path | None = None) -> ManagedProcess:
    argv = [str(require(app_python())), "-m", "harmony.gateway.app"]
    health = http_ok(f"http://127.0.0.1:{settings.gateway_port}/health")
    return ManagedProcess("gateway", argv, service_env(settings), PROJECT_ROOT, health, log_path)


@contextmanager
def running_stack(
    settings: Settings, model: Path, log_dir: Path | None = None
) -> Iterator[tuple[ManagedProcess, ManagedProcess, ManagedProcess]]:
    """Start the action server, the Rasa server and the gateway, ready to talk; stop all on exit."""
    problems = port_problems(settings)
    if problems:
        raise ServiceFailed("; ".join(problems))
    actions = action_server(settings, log_dir / "action-server.log" if log_dir else None)
    rasa = rasa_server(settings, model, log_dir / "rasa-server.log" if log_dir else None)
    front = gateway(settings, log_dir / "gateway.log" if log_dir else None)
    try:
        actions.start()
        rasa.start()
        front.start()
        actions.wait_ready(ACTION_START_TIMEOUT)
        front.wait_ready(GATEWAY_START_TIMEOUT)
        rasa.wait_ready(RASA_START_TIMEOUT)
        yield rasa, actions, front
    finally:
        front.stop()
        rasa.stop()
        actions.stop()
