"""All configuration, read from the environment, with defaults that run locally.

Every process of the product (launcher, action server, CLI, benchmarks) reads its
configuration here and nowhere else. Secrets are held as values, never printed.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from harmony.kb.markets import LANGUAGES, market_codes

PROJECT_ROOT = Path(__file__).resolve().parent.parent
__all__ = ["LANGUAGES", "PROJECT_ROOT", "Settings", "SettingsError", "load_settings"]


class SettingsError(ValueError):
    """A configuration value is present but unusable."""


@dataclass(frozen=True)
class Settings:
    """Runtime configuration of one process."""

    database_url: str
    tracker_store_url: str
    rasa_host: str
    rasa_port: int
    rasa_token_file: Path
    rasa_token_from_env: str | None = field(repr=False)
    action_port: int
    default_shop: str
    models_dir: Path
    var_dir: Path
    fixture_file: Path
    http_timeout_seconds: float
    agent_session_hours: float
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8080
    allowed_origins: tuple[str, ...] = ()
    clock_start: datetime | None = None  # tests and demos: "now" starts here (`harmony.clock`)
    retention_days: int = 365  # conversations last active longer ago are purged (`harmony.privacy`)
    trusted_proxies: tuple[str, ...] = ()  # peers whose first X-Forwarded-For hop is the client
    client_key_secret_from_env: str | None = field(default=None, repr=False)
    rate_limits: tuple[tuple[str, int, float], ...] = ()  # (name, events, seconds) replacing a default
    failed_checks: tuple[tuple[str, int], ...] = ()  # (key kind, failures before a lock-out) replacing a default
    # Redis shared by the gateways (limits, agent presence, console updates, socket.io rooms) and Rasa's
    # lock store in production; None: all of it in the process (one instance). Holds a password when the URL does.
    redis_url: str | None = field(default=None, repr=False)
    # Peers' addresses (several instances, several machines): None means derived as for one machine.
    rasa_url_from_env: str | None = None  # what the gateway calls: one Rasa server or a balanced address
    action_server_url_from_env: str | None = None  # what Rasa calls: one action server or a balanced address
    # The production profile (`make run-production`, harmony/launcher/production.py)
    public_host: str = "127.0.0.1"  # nginx, the one public entry
    public_port: int = 8000
    production_dir: Path = PROJECT_ROOT / "var" / "production"
    production_ports: tuple[tuple[str, int], ...] = ()  # (name, port) replacing a default of the layout

    @property
    def gateway_url(self) -> str:
        host = "localhost" if self.gateway_host in ("127.0.0.1", "localhost") else self.gateway_host
        return f"http://{host}:{self.gateway_port}"

    @property
    def rasa_url(self) -> str:
        """Where the gateway reaches Rasa: `HARMONY_RASA_URL`, else this machine's Rasa server."""
        return self.rasa_url_from_env or f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def action_server_url(self) -> str:
        """Where Rasa reaches the actions: `HARMONY_ACTION_SERVER_URL`, else this machine's action server."""
        return self.action_server_url_from_env or f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def public_url(self) -> str:
        host = "localhost" if self.public_host in ("127.0.0.1", "localhost", "0.0.0.0") else self.public_host  # noqa: S104
        return f"http://{host}:{self.public_port}"

    def rasa_token(self) -> str:
        """The Rasa HTTP API token: from the environment, else generated once into a file."""
        if self.rasa_token_from_env:
            return self.rasa_token_from_env
        if self.rasa_token_file.exists():
            token = self.rasa_token_file.read_text(encoding="utf-8").strip()
            if token:
                return token
        self.rasa_token_file.parent.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(32)
        self.rasa_token_file.write_text(token + "\n", encoding="utf-8")
        self.rasa_token_file.chmod(0o600)
        return token

    def client_key_secret(self) -> str:
        """The secret of the client keys the bot sees: from the environment, else generated once into a file
        (gateways sharing a var dir, or the environment, give one client the same key)."""
        if self.client_key_secret_from_env:
            return self.client_key_secret_from_env
        path = self.var_dir / "client-key-secret"
        if path.exists():
            secret = path.read_text(encoding="utf-8").strip()
            if secret:
                return secret
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_hex(32)
        path.write_text(secret + "\n", encoding="utf-8")
        path.chmod(0o600)
        return secret


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc
    if not 0 < value < 65536:
        raise SettingsError(f"{name} must be a port number between 1 and 65535, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a whole number of days, at least 1, got {raw!r}")
    return int(raw)


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, "").strip() or default
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _origins(env: Mapping[str, str], gateway_port: int) -> tuple[str, ...]:
    """Pages allowed to open the widget's socket: the gateway's own by default."""
    raw = env.get("HARMONY_ALLOWED_ORIGINS", "").strip()
    if raw:
        return tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    return (f"http://localhost:{gateway_port}", f"http://127.0.0.1:{gateway_port}")


def _instant(env: Mapping[str, str], name: str) -> datetime | None:
    """An ISO-8601 instant with its UTC offset (`2026-12-08T10:00:00+01:00`, `...Z`), in UTC."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError as exc:
        example = "2026-12-08T10:00:00+01:00"
        raise SettingsError(f"{name} must be an ISO-8601 instant such as {example}, got {raw!r}") from exc
    if value.tzinfo is None:
        raise SettingsError(f"{name} must name its UTC offset (+01:00 or Z), got {raw!r}")
    return value.astimezone(timezone.utc)


def _rate_limits(env: Mapping[str, str]) -> tuple[tuple[str, int, float], ...]:
    """`HARMONY_RATE_LIMITS=messages_per_client=60/60,handoffs_per_client=5/600`: events per seconds."""
    raw = env.get("HARMONY_RATE_LIMITS", "").strip()
    limits = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        name, _, rule = part.partition("=")
        events, _, seconds = rule.partition("/")
        try:
            limit = (name.strip(), int(events), float(seconds))
        except ValueError as exc:
            raise SettingsError(f"HARMONY_RATE_LIMITS: {part!r} is not name=events/seconds") from exc
        if limit[1] <= 0 or limit[2] <= 0:
            raise SettingsError(f"HARMONY_RATE_LIMITS: {part!r} needs positive numbers")
        limits.append(limit)
    return tuple(limits)


def _failed_checks(env: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    """`HARMONY_FAILED_CHECKS=email=5,order=5,client=20`: failed order checks of a key before it is locked."""
    raw = env.get("HARMONY_FAILED_CHECKS", "").strip()
    limits = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        kind, _, count = part.partition("=")
        if kind.strip() not in ("email", "order", "client") or not count.strip().isdigit() or int(count) <= 0:
            raise SettingsError(f"HARMONY_FAILED_CHECKS: {part!r} is not email|order|client=<positive number>")
        limits.append((kind.strip(), int(count)))
    return tuple(limits)


def _redis_url(env: Mapping[str, str]) -> str | None:
    """`HARMONY_REDIS_URL=redis://[:password@]host:port/db`; empty or absent: no Redis."""
    raw = env.get("HARMONY_REDIS_URL", "").strip()
    if not raw:
        return None
    if urlsplit(raw).scheme not in ("redis", "rediss", "unix"):
        raise SettingsError("HARMONY_REDIS_URL must be a redis://, rediss:// or unix:// URL")  # never echo a password
    return raw


def _ports(env: Mapping[str, str], name: str) -> tuple[tuple[str, int], ...]:
    """`HARMONY_PRODUCTION_PORTS=postgres=5433,gateway-1=8081`: where each part of the profile listens."""
    ports = []
    for part in filter(None, (p.strip() for p in env.get(name, "").split(","))):
        key, _, port = part.partition("=")
        if not key.strip() or not port.strip():
            raise SettingsError(f"{name}: {part!r} is not name=port")
        ports.append((key.strip(), _int({name: port}, name, 0)))
    return tuple(ports)


def _url(env: Mapping[str, str], name: str) -> str | None:
    return env.get(name, "").strip().rstrip("/") or None


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from `env` (the process environment by default)."""
    env = os.environ if env is None else env
    var_dir = Path(env.get("HARMONY_VAR_DIR", "").strip() or PROJECT_ROOT / "var")
    default_db = f"sqlite:///{var_dir / 'harmony.db'}"
    default_tracker = f"sqlite:///{var_dir / 'rasa-tracker.db'}"
    return Settings(
        database_url=env.get("HARMONY_DATABASE_URL", "").strip() or default_db,
        tracker_store_url=env.get("HARMONY_TRACKER_STORE_URL", "").strip() or default_tracker,
        rasa_host=env.get("HARMONY_RASA_HOST", "").strip() or "127.0.0.1",
        rasa_port=_int(env, "HARMONY_RASA_PORT", 5005),
        rasa_token_file=var_dir / "rasa-token",
        rasa_token_from_env=env.get("HARMONY_RASA_TOKEN", "").strip() or None,
        action_port=_int(env, "HARMONY_ACTION_PORT", 5055),
        default_shop=_choice(env, "HARMONY_DEFAULT_SHOP", "fr", market_codes()),
        models_dir=Path(env.get("HARMONY_MODELS_DIR", "").strip() or PROJECT_ROOT / "models"),
        var_dir=var_dir,
        fixture_file=Path(
            env.get("HARMONY_FIXTURE_FILE", "").strip()
            or PROJECT_ROOT.parent / "shared" / "fixtures" / "demo_orders.yml"
        ),
        http_timeout_seconds=_float(env, "HARMONY_HTTP_TIMEOUT", 10.0),
        agent_session_hours=_float(env, "HARMONY_AGENT_SESSION_HOURS", 8.0),
        gateway_host=env.get("HARMONY_GATEWAY_HOST", "").strip() or "127.0.0.1",
        gateway_port=(gateway_port := _int(env, "HARMONY_GATEWAY_PORT", 8080)),
        allowed_origins=_origins(env, gateway_port),
        clock_start=_instant(env, "HARMONY_CLOCK_START"),
        retention_days=_days(env, "HARMONY_RETENTION_DAYS", 365),
        trusted_proxies=tuple(p.strip() for p in env.get("HARMONY_TRUSTED_PROXY", "").split(",") if p.strip()),
        client_key_secret_from_env=env.get("HARMONY_CLIENT_KEY_SECRET", "").strip() or None,
        rate_limits=_rate_limits(env),
        failed_checks=_failed_checks(env),
        redis_url=_redis_url(env),
        rasa_url_from_env=_url(env, "HARMONY_RASA_URL"),
        action_server_url_from_env=_url(env, "HARMONY_ACTION_SERVER_URL"),
        public_host=env.get("HARMONY_PUBLIC_HOST", "").strip() or "127.0.0.1",
        public_port=_int(env, "HARMONY_PUBLIC_PORT", 8000),
        production_dir=Path(env.get("HARMONY_PRODUCTION_DIR", "").strip() or var_dir / "production"),
        production_ports=_ports(env, "HARMONY_PRODUCTION_PORTS"),
    )
