"""The REST channel (`/webhooks/rest/webhook`) with the message guard in front of the NLU.

Same protocol as Rasa's RestInput; the customer's original text is kept in the
message metadata (`original_text`) when the guard had to change it. After the bot's
replies, each turn ends with a report of the shop and language the conversation now has
(`harmony.bot_protocol`), read from the tracker the turn has just saved.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic
from sanic.request import Request

from bot.channels.message_guard import guard_message
from harmony.bot_protocol import context_report
from harmony.kb.markets import PageContext, known_language, known_shop

logger = logging.getLogger(__name__)
MessageHandler = Callable[[UserMessage], Awaitable[Any]]


class HarmonyRestInput(RestInput):
    def __init__(self) -> None:
        self._app: Sanic | None = None  # known once the server starts

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

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        async def handle_and_report(message: UserMessage) -> None:
            await on_new_message(message)
            if isinstance(message.output_channel, CollectingOutputChannel):
                context = await self._conversation_context(message.sender_id)
                if context is not None:
                    await message.output_channel.send_custom_json(message.sender_id, context_report(context))

        async def remember_app(app: Sanic, _loop: Any) -> None:
            self._app = app

        blueprint = super().blueprint(handle_and_report)
        blueprint.listener("before_server_start")(remember_app)
        return blueprint

    async def _conversation_context(self, sender_id: str | None) -> PageContext | None:
        """The `shop` and `language` slots after the turn; None if they cannot be read."""
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        if agent is None or sender_id is None:
            return None
        try:
            tracker = await agent.tracker_store.retrieve(sender_id)
        except Exception as exc:  # the turn is answered anyway; the gateway keeps what it knew
            logger.warning("conversation context not read: %s", type(exc).__name__)
            return None
        if tracker is None:
            return None
        shop, language = known_shop(tracker.get_slot("shop")), known_language(tracker.get_slot("language"))
        return PageContext(shop, language) if shop and language else None


def _json_body(request: Request) -> Dict[str, Any]:
    body = request.json
    return body if isinstance(body, dict) else {}
