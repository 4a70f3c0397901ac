"""Checks that the ports our services will listen on are free before any of them starts.

A service that finds its port taken only says so in its log after loading (the Rasa
server after its model), so without this check `make run` would fail late and vaguely.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from harmony.settings import Settings


@dataclass(frozen=True)
class Listener:
    service: str
    host: str
    port: int
    setting: str


def listeners(settings: Settings) -> list[Listener]:
    """Where each service will listen, and the setting that moves it."""
    return [
        Listener("action server", "127.0.0.1", settings.action_port, "HARMONY_ACTION_PORT"),
        Listener("Rasa server", settings.rasa_host, settings.rasa_port, "HARMONY_RASA_PORT"),
        Listener("gateway", settings.gateway_host, settings.gateway_port, "HARMONY_GATEWAY_PORT"),
    ]


def can_listen(host: str, port: int) -> bool:
    """Whether a server could bind `host:port` now (with SO_REUSEADDR, as servers do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def port_problems(settings: Settings) -> list[str]:
    """One sentence per port that is taken, or given to two of our services."""
    problems: list[str] = []
    seen: dict[int, str] = {}
    for listener in listeners(settings):
        if listener.port in seen:
            problems.append(
                f"the {listener.service} and the {seen[listener.port]} are both set to port "
                f"{listener.port}; set {listener.setting} to another port"
            )
            continue
        seen[listener.port] = listener.service
        if not can_listen(listener.host, listener.port):
            problems.append(
                f"port {listener.port} on {listener.host} for the {listener.service} is already in use; "
                f"stop what uses it or set {listener.setting} to another port"
            )
    return problems
