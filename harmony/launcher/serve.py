"""`python -m harmony serve gateway|rasa|actions`: one service in the foreground, configured by
the environment only, replacing this process (`exec`).

What a process manager runs (supervisord in the production profile, or any other on any
machine): the pid it sees is the service's own, and the service reads its peers' addresses
from `HARMONY_*` variables (README "Production profile"). The Rasa API token reaches Rasa
through its environment, never its command line.
"""

from __future__ import annotations

import os
from pathlib import Path

from harmony.launcher.processes import ManagedProcess
from harmony.launcher.stack import action_server, gateway, rasa_server
from harmony.launcher.training import model_path
from harmony.settings import PROJECT_ROOT, load_settings

SERVICES = ("gateway", "rasa", "actions")


def service_process(service: str, model: Path | None = None, endpoints: Path | None = None) -> ManagedProcess:
    """The process `service` runs as, from this environment's settings."""
    settings = load_settings()
    if service == "gateway":
        return gateway(settings)
    if service == "actions":
        return action_server(settings)
    if service == "rasa":
        chosen = model or model_path(settings.models_dir)
        if not chosen.exists():
            raise SystemExit(f"The model {chosen} does not exist: run `make train` first, or pass --model.")
        return rasa_server(settings, chosen, endpoints=endpoints or PROJECT_ROOT / "endpoints.yml")
    raise SystemExit(f"unknown service {service!r}; one of {', '.join(SERVICES)}")


def serve(service: str, model: Path | None = None, endpoints: Path | None = None) -> int:
    process = service_process(service, model, endpoints)
    os.chdir(process.cwd)
    os.execve(process.argv[0], list(process.argv), dict(process.env))  # noqa: S606 - our own interpreter
    return 1  # not reached
