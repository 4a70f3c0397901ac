"""The REST channel (`/webhooks/rest/webhook`) with the message guard in front of the NLU.

Same protocol as Rasa's RestInput; the customer's original text is kept in the
message metadata (`original_text`) when the guard had to change it. After the bot's
replies, each turn ends with a report of the shop and language the conversation now has
(`harmony.bot_protocol`), as the turn saved them in the tracker.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, Sanic
from sanic.request import Request

from bot.channels.message_guard import GuardedMessage, guard_message
from harmony.bot_protocol import context_report
from harmony.kb.markets import PageContext, known_context

MessageHandler = Callable[[UserMessage], Awaitable[Any]]
# The custom actions that failed during the current turn (None outside a turn of this channel).
_failed_actions: ContextVar[List[str] | None] = ContextVar("harmony_failed_actions", default=None)


class HarmonyRestInput(RestInput):
    def __init__(self) -> None:
        self._app: Sanic | None = None  # known once the server starts
        self._saved_contexts: Dict[str, PageContext] = {}  # sender -> context, until its reply is built

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        sender = _json_body(req).get("sender")
        return str(sender)[:128] if isinstance(sender, (str, int)) and str(sender) else None

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def _extract_message(self, req: Request) -> str | None:
        return _guarded(_json_body(req)).text

    def get_metadata(self, request: Request) -> Dict[str, Any] | None:
        body = _json_body(request)
        metadata = body.get("metadata")
        metadata = dict(metadata) if isinstance(metadata, dict) else {}
        raw = body.get("message")
        if _guarded(body).text != raw:
            metadata["original_text"] = raw if isinstance(raw, str) else repr(raw)
        return metadata or None

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        async def handle_and_report(message: UserMessage) -> None:
            await self.handle_and_report(on_new_message, message)

        async def remember_app(app: Sanic, _loop: Any) -> None:
            self._app = app

        blueprint = super().blueprint(handle_and_report)
        blueprint.listener("before_server_start")(remember_app)
        return blueprint

    async def handle_and_report(self, on_new_message: MessageHandler, message: UserMessage) -> None:
        """One turn: the bot's replies, then the report of the conversation's shop and language.

        A turn that failed says nothing. Rasa's REST channel would still return the replies
        collected before the failure, e.g. "which e-mail?" from a turn whose tracker could not
        be saved (the database restarting): the customer would answer a question the
        conversation no longer remembers asking. Silence instead makes the gateway say its
        "unavailable" notice, and the customer's next message finds the conversation as it was.
        """
        self._note_saved_contexts()
        _note_failed_actions()
        failed: List[str] = []
        token = _failed_actions.set(failed)
        try:
            await on_new_message(message)
        except Exception:
            _say_nothing(message)
            raise  # Rasa's channel logs it and answers with what was collected: nothing
        finally:
            _failed_actions.reset(token)
            context = self._saved_contexts.pop(str(message.sender_id), None)
        if failed:
            # Rasa goes on after a failed custom action (e.g. the action server is down) and
            # answers with its fallback, which would tell the customer they were not understood.
            # Nothing is said instead: the gateway answers silence with its "unavailable" notice.
            _say_nothing(message)
        if context is not None and isinstance(message.output_channel, CollectingOutputChannel):
            await message.output_channel.send_custom_json(message.sender_id, context_report(context))

    def _note_saved_contexts(self) -> None:
        """Have the agent's tracker store note each saved tracker's `shop` and `language`.

        Rasa saves the tracker at the end of a turn and returns only the replies; noting the two
        slots as it saves spares a second read of the whole conversation from the database (which
        grows with every turn). The note lives until the turn's reply is built (popped above).
        """
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None or getattr(store, "_harmony_notes_contexts", False):
            return
        save = store.save
        notes = self._saved_contexts

        async def save_and_note(tracker: DialogueStateTracker) -> None:
            await save(tracker)
            context = known_context(tracker.get_slot("shop"), tracker.get_slot("language"))
            if context is not None:
                notes[str(tracker.sender_id)] = context

        store.save = save_and_note
        store._harmony_notes_contexts = True


def _say_nothing(message: UserMessage) -> None:
    if isinstance(message.output_channel, CollectingOutputChannel):
        message.output_channel.messages.clear()


def _note_failed_actions() -> None:
    """Have every custom action note, in the turn's `_failed_actions`, when it could not run."""
    run = RemoteAction.run
    if getattr(run, "_harmony_notes_failures", False):
        return

    async def run_and_note(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
        try:
            return await run(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # a form rejecting a value: the dialogue goes on as designed
        except Exception:
            failed = _failed_actions.get()
            if failed is not None:
                failed.append(self.name())
            raise

    run_and_note._harmony_notes_failures = True  # type: ignore[attr-defined]
    RemoteAction.run = run_and_note


def _guarded(body: Dict[str, Any]) -> GuardedMessage:
    """The guarded message; typed text (the gateway's `metadata.typed`) is never an intent command."""
    metadata = body.get("metadata")
    typed = isinstance(metadata, dict) and metadata.get("typed") is True
    return guard_message(body.get("message"), typed=typed)


def _json_body(request: Request) -> Dict[str, Any]:
    body = request.json
    return body if isinstance(body, dict) else {}
