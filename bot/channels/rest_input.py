"""The REST channel (`/webhooks/rest/webhook`) with the message guard in front of the NLU.

Same protocol as Rasa's RestInput; the customer's original text is kept in the
message metadata (`original_text`) when the guard had to change it.
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from bot.channels.message_guard import guard_message


class HarmonyRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        sender = _json_body(req).get("sender")
        return str(sender)[:128] if isinstance(sender, (str, int)) and str(sender) else None

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def _extract_message(self, req: Request) -> str | None:
        return guard_message(_json_body(req).get("message")).text

    def get_metadata(self, request: Request) -> Dict[str, Any] | None:
        body = _json_body(request)
        metadata = body.get("metadata")
        metadata = dict(metadata) if isinstance(metadata, dict) else {}
        raw = body.get("message")
        if guard_message(raw).text != raw:
            metadata["original_text"] = raw if isinstance(raw, str) else repr(raw)
        return metadata or None


def _json_body(request: Request) -> Dict[str, Any]:
    body = request.json
    return body if isinstance(body, dict) else {}
