"""Customer messages to the Rasa server's REST channel, with an explicit timeout."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import aiohttp

WEBHOOK_PATH = "/webhooks/rest/webhook"


def route_key(sender: str) -> str:
    """A key that stands for the conversation in URLs. The conversation's id lets a widget resume it
    and receive its messages again, so it stays out of URLs, which servers write into logs (nginx's
    error log holds the request line of a failed request)."""
    return hashlib.blake2b(sender.encode(), digest_size=8).hexdigest()


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time or answered with an error."""


async def ask_rasa(
    http: aiohttp.ClientSession, rasa_url: str, sender: str, text: str, metadata: dict[str, Any], timeout: float
) -> list[dict[str, Any]]:
    """The bot's replies to `text` in conversation `sender`.

    The URL carries the conversation's `route_key` (`?route=`), for a balancer that sends each
    conversation to one Rasa server (the production profile's nginx); Rasa reads the body."""
    body = {"sender": sender, "message": text, "metadata": metadata}
    url, limit = rasa_url + WEBHOOK_PATH, aiohttp.ClientTimeout(total=timeout)
    try:
        async with http.post(url, params={"route": route_key(sender)}, json=body, timeout=limit) as reply:
            if reply.status != 200:
                raise RasaUnavailable(f"HTTP {reply.status}")
            replies: list[dict[str, Any]] = await reply.json()
            return replies
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        # asyncio.TimeoutError, which aiohttp raises: on Python 3.10 it is not the built-in TimeoutError
        raise RasaUnavailable(type(exc).__name__) from exc
