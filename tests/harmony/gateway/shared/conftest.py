"""Two "gateways" on one shared state, for each implementation: two views on one in-process
backend, or two Redis states on a throwaway redis-server started for the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harmony.gateway.shared import SharedState
from harmony.gateway.shared.memory import MemoryBackend, MemorySharedState
from harmony.gateway.shared.redis_state import RedisSharedState
from tests.redis_server import RedisServer, running_redis

MakeGateway = Callable[..., SharedState]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


@pytest.fixture(params=["memory", "redis"])
def make_gateway(request: pytest.FixtureRequest) -> MakeGateway:
    """`make_gateway(ttl=..., heartbeat=...)`: one more gateway sharing the same state as the others."""
    if request.param == "memory":
        backend = MemoryBackend()
        return lambda **options: MemorySharedState(backend, **options)
    server: RedisServer = request.getfixturevalue("redis_server")
    return lambda **options: RedisSharedState(server.url, **options)
