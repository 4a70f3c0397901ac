"""A small client of the Rasa REST channel, for the end-to-end tests and the benchmark."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

WEBHOOK_PATH = "/webhooks/rest/webhook"


def send_message(
    base_url: str,
    sender: str,
    message: Any,
    metadata: dict[str, Any] | None = None,
    timeout: float = 30.0,
) -> list[dict[str, Any]]:
    """POST one customer message; returns the bot's messages (text, buttons, ...)."""
    body: dict[str, Any] = {"sender": sender, "message": message}
    if metadata is not None:
        body["metadata"] = metadata
    request = urllib.request.Request(  # noqa: S310 - http URL built from our settings
        base_url + WEBHOOK_PATH,
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        replies: list[dict[str, Any]] = json.loads(response.read().decode("utf-8"))
        return replies
