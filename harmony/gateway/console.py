"""The agent console's HTTP API and live updates; every route but login needs a logged-in agent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from sqlalchemy.orm import Session, sessionmaker

from harmony.agents.accounts import agent_for_token, authenticate, close_session, open_session
from harmony.gateway.agent_desk import AgentDesk
from harmony.gateway.agents_hub import AgentsHub
from harmony.gateway.handoff import Change, HandoffError
from harmony.gateway.service import MAX_MESSAGE_CHARS, ChatService, Outbox, RateLimiter, in_transaction
from harmony.gateway.transcripts import find_conversation, transcript
from harmony.kb.faq import FaqEntry, load_faq

COOKIE = "harmony_agent"
CONSOLE_PAGE = Path(__file__).parent / "static" / "console.html"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CHANGES = {"take": Change.AGENT_TAKES, "hand-back": Change.HAND_BACK, "close": Change.CLOSE}


@lru_cache(maxsize=1)
def _console_page() -> str:
    return CONSOLE_PAGE.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _faq() -> dict[str, FaqEntry]:
    """The knowledge base, read once per process (it changes only with a deployment)."""
    return load_faq()


def _json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class Console:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        service: ChatService,
        desk: AgentDesk,
        hub: AgentsHub,
        outbox: Outbox,
        session_hours: float,
    ) -> None:
        self.sessions, self.service, self.desk, self.hub, self.outbox = sessions, service, desk, hub, outbox
        self.lifetime = timedelta(hours=session_hours)
        self.failed_logins = RateLimiter(limit=5, window=60.0)  # wrong passwords per client address

    async def _db(self, work: Callable[[Session], Any]) -> Any:
        return await in_transaction(self.sessions, work)

    async def _agent_name(self, request: web.Request) -> str | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        now = self.service.clock.now()

        def work(session: Session) -> str | None:
            agent = agent_for_token(session, token, now)
            return agent.display_name if agent else None

        name: str | None = await self._db(work)
        return name

    def protected(self, handler: Callable[[web.Request, str], Awaitable[web.StreamResponse]]) -> Handler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            name = await self._agent_name(request)
            if name is None:
                return _json_error(401, "Log in first.")
            return await handler(request, name)

        return wrapper

    # --- routes -----------------------------------------------------------------

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text=_console_page(), content_type="text/html")

    async def login(self, request: web.Request) -> web.Response:
        client = request.remote or "?"
        if self.failed_logins.count(client) >= self.failed_logins.limit:
            return _json_error(429, "Too many attempts; wait a minute.")
        try:
            body = await request.json()
            username, password = str(body["username"]), str(body["password"])
        except (ValueError, KeyError, TypeError):
            return _json_error(400, "Send username and password as JSON.")
        now = self.service.clock.now()

        def work(session: Session) -> tuple[str, str] | None:
            agent = authenticate(session, username, password)
            if agent is None:
                return None
            return open_session(session, agent, now, self.lifetime), agent.display_name

        result = await self._db(work)
        if result is None:
            self.failed_logins.record(client)
            return _json_error(401, "Wrong username or password.")
        token, name = result
        response = web.json_response({"name": name})
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="Strict", max_age=int(self.lifetime.total_seconds()), path="/"
        )
        return response

    async def logout(self, request: web.Request) -> web.Response:
        token = request.cookies.get(COOKIE)
        if token:
            await self._db(lambda s: close_session(s, token))
        response = web.json_response({"ok": True})
        response.del_cookie(COOKIE, path="/")
        return response

    async def me(self, request: web.Request, name: str) -> web.Response:
        return web.json_response({"name": name})

    async def queue(self, request: web.Request, name: str) -> web.Response:
        return web.json_response({"waiting": await self.desk.queue(name), "agents_online": self.hub.online()})

    async def conversation(self, request: web.Request, name: str) -> web.Response:
        conversation_id = request.match_info["id"]

        def work(session: Session) -> dict[str, Any] | None:
            conversation = find_conversation(session, conversation_id)
            if conversation is None:
                return None
            return {
                "id": conversation.id,
                "owner": conversation.owner,
                "shop": conversation.shop,
                "language": conversation.language,
                "agent": conversation.agent_name,
                "reason": conversation.handoff_reason,
                "summary": conversation.handoff_summary,
                "messages": [
                    {"at": m.at.isoformat(), "author": m.author, "name": m.author_name, "text": m.text}
                    for m in transcript(session, conversation_id)
                ],
            }

        found = await self._db(work)
        return web.json_response(found) if found else _json_error(404, "No such conversation.")

    async def change(self, request: web.Request, name: str) -> web.Response:
        change = CHANGES.get(request.match_info["change"])
        if change is None:
            return _json_error(404, "Unknown action.")
        try:
            owner = await self.desk.change_owner(request.match_info["id"], change, name, self.outbox)
        except LookupError:
            return _json_error(404, "No such conversation.")
        except HandoffError as exc:
            return _json_error(409, str(exc))
        return web.json_response({"owner": owner})

    async def reply(self, request: web.Request, name: str) -> web.Response:
        try:
            text = str((await request.json())["text"]).strip()
        except (ValueError, KeyError, TypeError):
            return _json_error(400, 'Send the reply as JSON: {"text": ...}.')
        if not text or len(text) > MAX_MESSAGE_CHARS:
            return _json_error(400, f"A reply has 1 to {MAX_MESSAGE_CHARS} characters.")
        try:
            await self.desk.agent_message(request.match_info["id"], name, text, self.outbox)
        except LookupError:
            return _json_error(404, "No such conversation.")
        except HandoffError:
            return _json_error(409, "This conversation is closed: your reply was not sent.")
        return web.json_response({"ok": True})

    async def canned(self, request: web.Request, name: str) -> web.Response:
        """FAQ answers from kb/ for the conversation's shop, in its language."""
        conversation_id = request.match_info["id"]
        found = await self._db(
            lambda s: (lambda c: (c.shop, c.language) if c else None)(find_conversation(s, conversation_id))
        )
        if found is None:
            return _json_error(404, "No such conversation.")
        shop, language = found
        answers = [
            {"topic": topic, "title": entry.titles[language], "text": entry.answer(shop, language)}
            for topic, entry in sorted(_faq().items())
        ]
        return web.json_response({"answers": answers})

    async def live(self, request: web.Request, name: str) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(heartbeat=30)
        await socket.prepare(request)
        self.hub.add(socket, name)
        try:
            async for message in socket:
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            self.hub.remove(socket)
        return socket

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/console", self.page),
            web.post("/api/agent/login", self.login),
            web.post("/api/agent/logout", self.logout),
            web.get("/api/agent/me", self.protected(self.me)),
            web.get("/api/agent/queue", self.protected(self.queue)),
            web.get("/api/agent/live", self.protected(self.live)),
            web.get("/api/agent/conversations/{id}", self.protected(self.conversation)),
            web.get("/api/agent/conversations/{id}/canned", self.protected(self.canned)),
            web.post("/api/agent/conversations/{id}/messages", self.protected(self.reply)),
            web.post("/api/agent/conversations/{id}/{change}", self.protected(self.change)),
        ]
