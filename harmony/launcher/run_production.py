"""`make run-production`: the production profile in the foreground until Ctrl-C (or SIGTERM),
and `make stop-production` for one left running (e.g. after its terminal was closed)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType

from harmony.database_setup import display_url
from harmony.kb.markets import market_codes
from harmony.launcher.production import Production, running_production
from harmony.launcher.production_config import Layout, ProductionUnavailable
from harmony.settings import Settings, load_settings

WATCH_SECONDS = 5.0


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop()


def _banner(production: Production) -> str:
    url = production.public_url
    shops = "\n".join(f"    {code:<5} {url}/shop/{code}" for code in market_codes())
    layout = production.layout
    return (
        "\nHarmony support assistant (production profile) is running behind nginx:\n"
        f"  shop pages (chat widget)\n{shops}\n"
        f"  agent console    {url}/console"
        '  (create an account: HARMONY_DATABASE_URL=... make create-agent USER=marie NAME="Marie"; see README)\n'
        f"  processes        {', '.join(production.programs)} (supervisord)\n"
        f"  Rasa servers     {layout.rasa_url}  (nginx, internal; token in {production.settings.rasa_token_file})\n"
        f"  action servers   {layout.action_server_url}  (nginx, internal)\n"
        f"  app database     {display_url(production.database_url)}\n"
        f"  Redis            {production.redis_url}\n"
        f"  files and logs   {layout.root}  (logs in {layout.logs})\n"
        f"  status           supervisorctl -c {layout.supervisor_conf} status\n"
        "Press Ctrl-C to stop everything (or run `make stop-production` from another terminal).\n"
    )


def main() -> int:
    settings = load_settings()
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)  # also when started in the background, where SIGINT is ignored
    print(
        f"Starting the production profile in {settings.production_dir}: PostgreSQL, Redis, nginx, "
        "2 action servers, 2 Rasa servers, 2 gateways (about two minutes)...",
        flush=True,
    )
    try:
        with running_production(settings) as production:
            print(_banner(production), flush=True)
            reported: set[str] = set()
            while production.running:  # supervisord restarts what dies; we wait for Ctrl-C
                time.sleep(WATCH_SECONDS)
                fatal = {name for name, state in production.status().items() if state == "FATAL"}
                if fatal - reported:
                    print(f"supervisord gave up on {', '.join(sorted(fatal))}; see {production.logs}", file=sys.stderr)
                reported = fatal
        print("supervisord has stopped (make stop-production?); everything is stopped.")
        return 0
    except (KeyboardInterrupt, _Stop):
        print("\nStopped everything cleanly (the services first, PostgreSQL last).", flush=True)
        return 0
    except ProductionUnavailable as exc:
        print(f"Could not start the production profile: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)


def stop(settings: Settings | None = None) -> int:
    """Ask the profile's supervisord to stop everything and exit."""
    layout = Layout.from_settings(settings or load_settings())
    if not (layout.root / "supervisor.sock").exists():
        print(f"The production profile is not running (no supervisord socket in {layout.root}).")
        return 0
    result = subprocess.run(
        ["supervisorctl", "-c", str(layout.supervisor_conf), "shutdown"], capture_output=True, text=True, check=False
    )
    print(result.stdout.strip() or result.stderr.strip())
    return 0 if result.returncode == 0 else 1
