"""The Rasa server's calls to the action server go over kept connections, not a new one per call.

Rasa's `EndpointConfig.request` opens an aiohttp session for each call (`async with
self.session()`), so every custom action call pays for a new session, a new TCP connection and
its teardown: 3 % of the Rasa server's time at 8 concurrent conversations, for the one to four
action calls of a turn, and one more round trip on the loopback.

Here `EndpointConfig.session()` hands out one session per endpoint configuration and event loop,
kept open; Rasa's request code (headers, parameters, errors, timeouts) runs unchanged on it.
The request body is encoded by ujson (a Rasa dependency), three times faster than `json.dumps`
for the tracker Rasa sends; a value ujson refuses (NaN) goes through `json.dumps` as before.
Idle connections are dropped after `KEEPALIVE_SECONDS`, shorter than the action server's
keep-alive (Sanic's 5 s), so a call never goes out on a connection the server is closing. A
connection to a server that was killed is closed by the kernel and dropped from the pool; the
next call opens a new one, as before. The sessions close when the server stops.

Installed by `bot.rasa_main` for `rasa run` only.
"""

from __future__ import annotations

import asyncio
import json
from types import TracebackType
from typing import Any

import aiohttp
import ujson

KEEPALIVE_SECONDS = 2.0

# (endpoint's headers, basic auth) -> the session kept for them, and the event loop it belongs to
_sessions: dict[
    tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]],
    tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession],
] = {}


class _KeptSession:
    """`async with` over a kept session: entering gives the session, leaving keeps it open."""

    def __init__(self, endpoint: Any) -> None:
        self._endpoint = endpoint

    async def __aenter__(self) -> aiohttp.ClientSession:
        return _session_for(self._endpoint)

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None


def _session_for(endpoint: Any) -> aiohttp.ClientSession:
    loop = asyncio.get_running_loop()
    headers = tuple(sorted((str(k), str(v)) for k, v in (endpoint.headers or {}).items()))
    auth = tuple(sorted((str(k), str(v)) for k, v in (endpoint.basic_auth or {}).items()))
    key = (headers, auth)
    kept = _sessions.get(key)
    if kept is not None and kept[0] is loop and not kept[1].closed:
        return kept[1]
    session = _new_session(endpoint)
    _sessions[key] = (loop, session)
    return session


def encode_json(value: Any) -> str:
    """`json.dumps(value)`, by ujson where it can (same JSON, parsed back to the same value)."""
    try:
        return str(ujson.dumps(value))
    except (OverflowError, TypeError, ValueError):
        return json.dumps(value)


def _new_session(endpoint: Any) -> aiohttp.ClientSession:
    """A session configured as Rasa's `EndpointConfig.session()` configures it, over a keeping connector."""
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    basic_auth = endpoint.basic_auth or {}
    auth = aiohttp.BasicAuth(basic_auth["username"], basic_auth["password"]) if basic_auth else None
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        json_serialize=encode_json,
    )


async def close_sessions() -> None:
    """Closes the sessions of the running loop (the server is stopping)."""
    loop = asyncio.get_running_loop()
    for key in [key for key, (owner, _) in _sessions.items() if owner is loop]:
        await _sessions.pop(key)[1].close()


def kept_session(self: Any) -> _KeptSession:
    """Rasa's `EndpointConfig.session`, handing out the kept session."""
    return _KeptSession(self)


def install() -> None:
    """Every endpoint call of this process (the Rasa server) uses a kept session, closed on stop."""
    import rasa.core.run
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.session = kept_session
    close_resources = rasa.core.run.close_resources

    async def close_resources_and_sessions(app: Any, loop: Any) -> None:
        await close_resources(app, loop)
        await close_sessions()

    rasa.core.run.close_resources = close_resources_and_sessions
