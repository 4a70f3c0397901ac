"""The gateway's shared state (limits, agent presence, console updates): in this process or in Redis.

`shared_state` and `socket_manager` choose by the settings' `redis_url`: none is the default
profile (one gateway, everything in memory); a URL makes every gateway on that Redis share
limits, presence, console updates and socket.io rooms.
"""

from __future__ import annotations

import socketio

from harmony.gateway.shared.interface import ConsoleMessage, SharedLimiter, SharedState
from harmony.gateway.shared.memory import MemorySharedState
from harmony.gateway.shared.redis_state import RedisSharedState, client_options

__all__ = ["ConsoleMessage", "SharedLimiter", "SharedState", "shared_state", "socket_manager"]


def shared_state(redis_url: str | None) -> SharedState:
    return RedisSharedState(redis_url) if redis_url else MemorySharedState()


def socket_manager(redis_url: str | None) -> socketio.AsyncManager | None:
    """socket.io's Redis manager, so an emit to a room on any gateway reaches its sockets on every gateway.

    It publishes with a retry and resubscribes with back-off by itself; a widget on this gateway
    is served locally first, so Redis down only cuts the other gateways off."""
    if not redis_url:
        return None
    return socketio.AsyncRedisManager(redis_url, channel="harmony:socketio", redis_options=client_options())
