"""What supervisord runs in the production profile: each program's command, environment and user.

The app's services are `python -m harmony serve <service>` with the services' settings turned
into `HARMONY_*` variables (`harmony.launcher.stack.service_env`), plus each instance's own port.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path
from urllib.parse import urlsplit

from harmony.launcher.postgres import server_user
from harmony.launcher.production_config import Layout, Program, supervisord_conf
from harmony.launcher.production_postgres import postgres_command
from harmony.launcher.stack import service_env
from harmony.settings import Settings

REDIS_USER = "redis"  # Debian's redis-server package's system user, used when we run as root


def services_env(settings: Settings) -> dict[str, str]:
    """The `HARMONY_*` variables every service of the profile shares (none of supervisord's own)."""
    env = service_env(settings, base={})
    env.pop("PYTHONPATH", None)  # `python -m harmony` runs from the project's directory
    env.update(
        HARMONY_MODELS_DIR=str(settings.models_dir),
        HARMONY_DEFAULT_SHOP=settings.default_shop,
        HARMONY_ALLOWED_ORIGINS=",".join(settings.allowed_origins),
        HARMONY_TRUSTED_PROXY=",".join(settings.trusted_proxies),
        HARMONY_FIXTURE_FILE=str(settings.fixture_file),
        HARMONY_HTTP_TIMEOUT=f"{settings.http_timeout_seconds:g}",
        HARMONY_AGENT_SESSION_HOURS=f"{settings.agent_session_hours:g}",
        HARMONY_RETENTION_DAYS=str(settings.retention_days),
    )
    if settings.redis_url:  # Rasa's lock store (the generated endpoints file reads these)
        redis = urlsplit(settings.redis_url)
        env.update(
            HARMONY_LOCK_STORE_HOST=redis.hostname or "127.0.0.1",
            HARMONY_LOCK_STORE_PORT=str(redis.port or 6379),
            HARMONY_LOCK_STORE_DB=redis.path.strip("/") or "0",
        )
    # secrets given in the environment reach the services the same way; otherwise they read the
    # files generated once in the shared var dir
    if settings.rasa_token_from_env:
        env["HARMONY_RASA_TOKEN"] = settings.rasa_token_from_env
    if settings.client_key_secret_from_env:
        env["HARMONY_CLIENT_KEY_SECRET"] = settings.client_key_secret_from_env
    return env


def _system_user(name: str) -> str | None:
    """As root: `name` when that user exists; otherwise None (ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(name)
    except KeyError:
        return None
    return name


def programs(layout: Layout, settings: Settings, model: Path, python: Path) -> list[Program]:
    """Every program, in start order (supervisord stops them in the reverse order)."""
    env = services_env(settings)
    ports = layout.ports
    nginx = f"/usr/sbin/nginx -p {layout.nginx_dir} -c {layout.nginx_dir / 'nginx.conf'}"
    nginx += f" -e {layout.logs / 'nginx-error.log'} -g 'daemon off;'"
    redis = (
        f"redis-server --bind 127.0.0.1 --port {ports['redis']} --dir {layout.redis_dir} --daemonize no"
        " --appendonly yes --appendfsync everysec --save '' --logfile ''"
    )
    serve = f"{python} -m harmony serve"
    listed = [
        Program("postgres", postgres_command(layout), {}, server_user(), (("stopasgroup", "false"),)),
        Program("redis", redis, {}, _system_user(REDIS_USER)),
        Program("nginx", nginx, {}),
    ]
    for name in layout.programs("actions"):
        listed.append(Program(name, f"{serve} actions", {**env, "HARMONY_ACTION_PORT": str(ports[name])}))
    rasa = f"{serve} rasa --model {model} --endpoints {layout.endpoints}"
    for name in layout.programs("rasa"):
        listed.append(Program(name, rasa, {**env, "HARMONY_RASA_PORT": str(ports[name])}, overrides=_slow()))
    for name in layout.programs("gateway"):
        listed.append(Program(name, f"{serve} gateway", {**env, "HARMONY_GATEWAY_PORT": str(ports[name])}))
    return listed


def _slow() -> tuple[tuple[str, str], ...]:
    """Rasa loads its model for a minute: up after 20 s alive, and a clean stop may take longer."""
    return (("startsecs", "20"), ("stopwaitsecs", "30"))


def write_supervisord_conf(layout: Layout, settings: Settings, model: Path, python: Path) -> None:
    """supervisord.conf, readable by its owner only (it may hold the database password)."""
    listed = programs(layout, settings, model, python)
    redis_user = next(program.user for program in listed if program.name == "redis")
    if redis_user:  # its append-only file lives there
        user = pwd.getpwnam(redis_user)
        os.chown(layout.redis_dir, user.pw_uid, user.pw_gid)
    path = layout.supervisor_conf
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(supervisord_conf(layout, listed), encoding="utf-8")
