"""The production profile on this machine: PostgreSQL, Redis, nginx and 2 gateways, 2 Rasa servers
and 2 action servers, all under supervisord, all files under `Settings.production_dir`.

`running_production(settings)` starts it and yields a `Production` (used by `make
run-production` and the tests): its addresses, and `kill`, `restart`, `wait_healthy` for fault
tests. Every service is started as `python -m harmony serve ...` with `HARMONY_*` variables
naming its peers, so the same commands run on several machines (README "Production profile").
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harmony.database_setup import prepare_database
from harmony.launcher.environments import app_python, require
from harmony.launcher.ports import can_listen
from harmony.launcher.postgres import PostgresUnavailableError, ServerCommands, server_bin_dir
from harmony.launcher.production_checks import HEALTHY_TIMEOUT, HealthChecks
from harmony.launcher.production_config import (
    APP_DATABASE,
    TRACKER_DATABASE,
    Layout,
    ProductionUnavailable,
    nginx_conf,
    production_endpoints,
)
from harmony.launcher.production_postgres import ensure_cluster, ensure_databases
from harmony.launcher.production_programs import write_supervisord_conf
from harmony.launcher.training import ensure_model
from harmony.settings import Settings

INSTALL_HINT = "run scripts/install_production.sh (as root) to install it"
SUPERVISOR_START_TIMEOUT = 30.0
SUPERVISOR_STOP_TIMEOUT = 90.0
STATES = {"STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING", "EXITED", "FATAL", "UNKNOWN"}
START_ORDER = ("nginx", "actions-1", "actions-2", "rasa-1", "rasa-2", "gateway-1", "gateway-2")


def _command(name: str) -> str:
    for folder in ("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"):
        if os.access(f"{folder}/{name}", os.X_OK):
            return f"{folder}/{name}"
    raise ProductionUnavailable(f"{name} is not installed; {INSTALL_HINT}.")


@dataclass
class Production:
    """A running production profile.

    - `public_url`: nginx, the one public entry (shop pages, console, socket.io);
    - `database_url`, `tracker_store_url`, `redis_url`: the shared stores, as the services reach them;
    - `settings`: the services' settings (balanced Rasa and action addresses, token, secrets);
    - `programs`: the names supervisord knows: postgres, redis, nginx, gateway-1, gateway-2,
      rasa-1, rasa-2, actions-1, actions-2.
    """

    layout: Layout
    settings: Settings
    database_url: str
    tracker_store_url: str
    checks: HealthChecks
    supervisord: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        """Whether supervisord (and so the profile) still runs: `make stop-production` ends it."""
        return self.supervisord is not None and self.supervisord.poll() is None

    @property
    def public_url(self) -> str:
        return self.settings.public_url

    @property
    def redis_url(self) -> str:
        return self.layout.redis_url

    @property
    def logs(self) -> Path:
        return self.layout.logs

    @property
    def programs(self) -> list[str]:
        return list(self.status())

    def supervisorctl(self, *args: str, timeout: float = 120.0) -> str:
        """supervisorctl's output for `args` on this profile's supervisord."""
        command = [_command("supervisorctl"), "-c", str(self.layout.supervisor_conf), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        return result.stdout

    def status(self) -> dict[str, str]:
        """Each program's state as supervisord says it: RUNNING, STARTING, BACKOFF, EXITED, FATAL..."""
        states = {}
        for line in self.supervisorctl("status").splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[1] in STATES:
                states[parts[0]] = parts[1]
        return states

    def pid(self, program: str) -> int:
        """The pid supervisord reports for `program` (0 when it is not running)."""
        out = self.supervisorctl("pid", program).strip()
        return int(out) if out.isdigit() else 0

    def kill(self, program: str) -> int:
        """`kill -9` the process of `program` (e.g. "gateway-1"); supervisord restarts it. Returns its pid."""
        pid = self.pid(program)
        if not pid:
            raise ProductionUnavailable(f"{program} is not running ({self.status().get(program, 'unknown')})")
        os.kill(pid, signal.SIGKILL)
        return pid

    def restart(self, program: str) -> None:
        """A clean stop and start of `program` through supervisord (e.g. "redis", "postgres")."""
        self.supervisorctl("restart", program)

    def wait_healthy(self, timeout: float = HEALTHY_TIMEOUT, chat: bool = False) -> float:
        """Block until every program is RUNNING and answers its health check (and, with `chat`,
        a socket.io chat through nginx gets the bot's answer). Returns the seconds it took."""
        return self.checks.wait(lambda: self.status(), timeout, chat)


def _secret(path: Path) -> str:
    """A generated secret kept in `path` (readable by its owner only), the same at every start."""
    if path.exists() and path.read_text(encoding="utf-8").strip():
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_hex(24)
    path.write_text(value + "\n", encoding="utf-8")
    path.chmod(0o600)
    return value


def _ports_in_use(layout: Layout) -> list[str]:
    return [
        f"port {port} for the profile's {name} is already in use (set HARMONY_PRODUCTION_PORTS or HARMONY_PUBLIC_PORT)"
        for name, port in layout.ports.items()
        if not can_listen("127.0.0.1", port)
    ]


def _service_settings(settings: Settings, layout: Layout, database_url: str, tracker_url: str) -> Settings:
    """The settings every service of the profile runs with: shared stores, balanced peers, one var dir."""
    public = {f"http://localhost:{layout.public_port}", f"http://127.0.0.1:{layout.public_port}"}
    public.add(settings.public_url)
    return dataclasses.replace(
        settings,
        database_url=database_url,
        tracker_store_url=tracker_url,
        var_dir=layout.root,
        rasa_token_file=layout.root / "rasa-token",
        rasa_url_from_env=layout.rasa_url,
        action_server_url_from_env=layout.action_server_url,
        redis_url=layout.redis_url,
        trusted_proxies=("127.0.0.1",),  # nginx: its X-Forwarded-For names the customer
        allowed_origins=tuple(sorted(public | set(settings.allowed_origins))),
    )


@contextmanager
def _supervisord(layout: Layout) -> Iterator[subprocess.Popen[bytes]]:
    """supervisord in the foreground as our child (its own session: Ctrl-C reaches us, not it);
    on exit SIGTERM, which stops every program, PostgreSQL last."""
    output = (layout.logs / "supervisord.out").open("ab")
    process = subprocess.Popen(
        [_command("supervisord"), "-c", str(layout.supervisor_conf)],
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=SUPERVISOR_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        output.close()


def _wait_for_supervisord(production: Production, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SUPERVISOR_START_TIMEOUT
    while not production.status():
        if process.poll() is not None or time.monotonic() > deadline:
            raise ProductionUnavailable(f"supervisord did not start; see {production.logs / 'supervisord.log'}")
        time.sleep(0.2)


def _start(production: Production, names: tuple[str, ...]) -> None:
    """Start `names` at once (one supervisorctl waits for each program's `startsecs` in turn)."""
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        outputs = list(pool.map(lambda name: production.supervisorctl("start", name), names))
    lines = [line for out in outputs for line in out.splitlines()]
    failed = [line for line in lines if "ERROR" in line or "refused" in line or "no such" in line]
    if failed:
        raise ProductionUnavailable(f"{'; '.join(failed)} (see {production.logs})")


def prepare_layout(settings: Settings) -> Layout:
    """The profile's directories, checked tools and free ports; raises `ProductionUnavailable`."""
    layout = Layout.from_settings(settings)
    for tool in ("redis-server", "nginx", "supervisord", "supervisorctl"):
        _command(tool)
    try:
        server_bin_dir()
    except PostgresUnavailableError as exc:
        raise ProductionUnavailable(f"{exc} (or {INSTALL_HINT})") from exc
    problems = _ports_in_use(layout)
    if problems:
        raise ProductionUnavailable("; ".join(problems))
    layout.root.mkdir(parents=True, exist_ok=True)
    layout.root.chmod(0o711)  # the postgres and redis users reach their own directories inside
    for folder in (layout.logs, layout.nginx_dir / "tmp", layout.redis_dir):
        folder.mkdir(parents=True, exist_ok=True)
    return layout


@contextmanager
def running_production(settings: Settings) -> Iterator[Production]:
    """Start the whole profile (training the model if needed) and wait until a chat through nginx
    works; stop everything on exit. Raises `ProductionUnavailable` with what to do."""
    layout = prepare_layout(settings)
    model, _ = ensure_model(settings.models_dir)
    admin_password = _secret(layout.root / "postgres-admin-password")
    password = _secret(layout.root / "postgres-password")
    ensure_cluster(layout, admin_password)
    database_url = layout.database_url(password, APP_DATABASE)
    tracker_url = layout.database_url(password, TRACKER_DATABASE, driver="psycopg2")
    services = _service_settings(settings, layout, database_url, tracker_url)
    services.rasa_token()  # generated once, before two servers race to create it
    services.client_key_secret()
    layout.endpoints.write_text(production_endpoints(), encoding="utf-8")
    (layout.nginx_dir / "nginx.conf").write_text(nginx_conf(layout), encoding="utf-8")
    write_supervisord_conf(layout, services, model, require(app_python()))
    checks = HealthChecks(layout, services, database_url)
    production = Production(layout, services, database_url, tracker_url, checks)
    with _supervisord(layout) as process:
        production.supervisord = process
        _wait_for_supervisord(production, process)
        _start(production, ("postgres", "redis"))
        try:
            ServerCommands(server_bin_dir(), cwd=layout.postgres_dir).wait_until_accepting(layout.ports["postgres"], 60)
        except PostgresUnavailableError as exc:
            raise ProductionUnavailable(f"PostgreSQL did not start; see {layout.logs / 'postgres.log'}") from exc
        checks.wait_for(["redis"], timeout=60)
        ensure_databases(layout, admin_password, password)
        prepare_database(database_url, settings.fixture_file)
        _start(production, START_ORDER)
        production.wait_healthy(chat=True)
        yield production
