"""Who is on the other end of a socket: the client's address, and the key the bot sees for it.

The address is the socket's peer, or behind a trusted proxy (`HARMONY_TRUSTED_PROXY`) the
first `X-Forwarded-For` hop. The bot never sees the address: it gets `client_key`, a keyed
hash (HMAC-SHA256 with a server-side secret), the same on every gateway sharing the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection
from typing import Any

UNKNOWN = "unknown"


def client_address(environ: dict[str, Any], trusted_proxies: Collection[str]) -> str:
    """The address the socket's request came from (socket.io's `environ`, aiohttp's request)."""
    request = environ.get("aiohttp.request")
    peer = str(getattr(request, "remote", None) or environ.get("REMOTE_ADDR") or UNKNOWN)
    if peer in trusted_proxies or "*" in trusted_proxies:
        forwarded = str(environ.get("HTTP_X_FORWARDED_FOR") or "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return peer


def request_address(request: Any, trusted_proxies: Collection[str]) -> str:
    """`client_address` of an aiohttp request (the console's calls): behind nginx, the agent's, not nginx's."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    return client_address({"aiohttp.request": request, "HTTP_X_FORWARDED_FOR": forwarded}, trusted_proxies)


def client_key(address: str, secret: str) -> str:
    """Hex HMAC-SHA256 of `address`: lets the bot count per client without learning the address."""
    return hmac.new(secret.encode("utf-8"), address.encode("utf-8"), hashlib.sha256).hexdigest()
