"""`make run`: set up what is missing, start the bot's processes, restart one that dies, stop all on Ctrl-C."""

from __future__ import annotations

import signal
import sys
import time
from types import FrameType

from harmony.database_setup import display_url, prepare_database
from harmony.kb.markets import market_codes
from harmony.launcher.processes import ServiceFailed
from harmony.launcher.stack import running_stack
from harmony.launcher.supervisor import Supervisor
from harmony.launcher.training import ensure_model
from harmony.settings import Settings, load_settings

SUPERVISION_SECONDS = 0.5


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop()


def _print_banner(settings: Settings) -> None:
    token_source = "HARMONY_RASA_TOKEN" if settings.rasa_token_from_env else str(settings.rasa_token_file)
    host = "localhost" if settings.rasa_host in ("127.0.0.1", "localhost") else settings.rasa_host
    shops = "\n".join(f"    {code:<5} {settings.gateway_url}/shop/{code}" for code in market_codes())
    print(
        "\nHarmony support assistant is running:\n"
        f"  shop pages (chat widget)\n{shops}\n"
        f"  agent console    {settings.gateway_url}/console"
        '  (create an account: make create-agent USER=marie NAME="Marie")\n'
        f"  REST channel     http://{host}:{settings.rasa_port}/webhooks/rest/webhook  (internal)\n"
        f"  Rasa HTTP API    http://{host}:{settings.rasa_port}/  (token in {token_source})\n"
        f"  action server    {settings.action_server_url}  (loopback only)\n"
        f"  app database     {display_url(settings.database_url)}\n"
        f"  logs             {settings.var_dir / 'logs'}\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )


def main() -> int:
    settings = load_settings()
    loaded = prepare_database(settings.database_url, settings.fixture_file)
    if loaded:
        print(f"Loaded the demo orders ({loaded.orders} orders, {loaded.customers} customers).")
    model, trained = ensure_model(settings.models_dir)
    print(f"{'Trained' if trained else 'Using'} model {model.name}.", flush=True)
    signal.signal(signal.SIGTERM, _raise_stop)
    print("Starting the action server, the Rasa server and the gateway (about a minute)...", flush=True)
    try:
        with running_stack(settings, model, settings.var_dir / "logs") as processes:
            _print_banner(settings)
            supervisor = Supervisor(processes, say=lambda line: print(line, file=sys.stderr, flush=True))
            while True:  # a service that dies is restarted; only Ctrl-C (or SIGTERM) ends this
                supervisor.check()
                time.sleep(SUPERVISION_SECONDS)
    except (KeyboardInterrupt, _Stop):
        print("\nStopped everything cleanly.")
        return 0
    except ServiceFailed as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 1
