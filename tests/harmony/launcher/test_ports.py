"""Before starting anything, the launcher says which port is taken and how to move it."""

import socket
from collections.abc import Iterator

import pytest

from harmony.launcher.ports import port_problems
from harmony.settings import Settings, load_settings
from tests.ports import free_port


def _settings(rasa: int, action: int, gateway: int) -> Settings:
    return load_settings(
        {
            "HARMONY_RASA_PORT": str(rasa),
            "HARMONY_ACTION_PORT": str(action),
            "HARMONY_GATEWAY_PORT": str(gateway),
        }
    )


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program listens on for the length of the test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_free_ports_are_no_problem() -> None:
    assert port_problems(_settings(free_port(), free_port(), free_port())) == []


def test_a_taken_port_is_named_with_its_service_and_setting(busy_port: int) -> None:
    problems = port_problems(_settings(busy_port, free_port(), free_port()))
    assert problems == [
        f"port {busy_port} on 127.0.0.1 for the Rasa server is already in use; "
        "stop what uses it or set HARMONY_RASA_PORT to another port"
    ]


def test_each_taken_port_is_reported(busy_port: int) -> None:
    problems = port_problems(_settings(free_port(), busy_port, free_port()))
    assert len(problems) == 1 and "HARMONY_ACTION_PORT" in problems[0]


def test_two_services_on_one_port_are_reported() -> None:
    port = free_port()
    problems = port_problems(_settings(free_port(), port, port))
    assert problems == [
        f"the gateway and the action server are both set to port {port}; set HARMONY_GATEWAY_PORT to another port"
    ]
