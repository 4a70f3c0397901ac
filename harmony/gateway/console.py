"""The agent console's HTTP API and live updates; every route but login needs a logged-in agent.

Security of the console (see the README, "Agents and admins"):
- the session cookie is HttpOnly, SameSite=Strict, and Secure when the console is served over
  HTTPS: the request's own scheme, or `X-Forwarded-Proto: https` from a proxy of
  `HARMONY_TRUSTED_PROXY` (from anyone else that header is ignored);
- every state-changing request carries the session's CSRF token (given by login and `me`) in
  the `X-CSRF-Token` header, and a browser's `Origin`, when sent, must be this site's own;
- what an agent may see and do is `harmony.agents.permissions`, applied by `AgentDesk`;
- a live console (websocket) is closed when its session ends: at once on logout, within
  `SESSION_CHECK_SECONDS` when it expires or the agent is deactivated or logged out elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from sqlalchemy.orm import Session, sessionmaker

from harmony.agents.accounts import (
    authenticate,
    close_session,
    csrf_matches,
    csrf_token,
    open_session,
    session_for_token,
    token_digest,
)
from harmony.agents.permissions import Actor
from harmony.clock import Clock
from harmony.gateway.agent_desk import AgentDesk, DeskRefusal
from harmony.gateway.agents_hub import AgentsHub, end_socket
from harmony.gateway.clients import request_address
from harmony.gateway.handoff import Change
from harmony.gateway.limits import Rule
from harmony.gateway.service import MAX_MESSAGE_CHARS, Outbox, in_transaction
from harmony.gateway.shared import SharedLimiter
from harmony.gateway.shared.memory import MemorySharedLimiter
from harmony.kb.faq import FaqEntry, load_faq

COOKIE = "harmony_agent"
CSRF_HEADER = "X-CSRF-Token"
FAILED_LOGINS = Rule(5, 60.0)  # wrong passwords per client address, then "wait a minute"
SESSION_CHECK_SECONDS = 5.0  # how often a live console re-checks its session (expiry, deactivation)
CONSOLE_PAGE = Path(__file__).parent / "static" / "console.html"
CHANGES = {"take": Change.AGENT_TAKES, "hand-back": Change.HAND_BACK, "close": Change.CLOSE}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
T = TypeVar("T")
logger = logging.getLogger("harmony.gateway.console")


@dataclass(frozen=True)
class Login:
    """A request's valid login session: who, with which token, until when."""

    actor: Actor
    token: str
    expires_at: datetime


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LoggedInHandler = Callable[[web.Request, Login], Awaitable[web.StreamResponse]]


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
        desk: AgentDesk,
        hub: AgentsHub,
        outbox: Outbox,
        session_hours: float,
        clock: Clock,
        trusted_proxies: Collection[str] = (),
        session_check_seconds: float = SESSION_CHECK_SECONDS,
        failed_logins: SharedLimiter | None = None,
    ) -> None:
        """`failed_logins` counts wrong passwords per client address (default: 5 a minute, in this process)."""
        self.sessions, self.desk, self.hub, self.outbox, self.clock = sessions, desk, hub, outbox, clock
        self.lifetime = timedelta(hours=session_hours)
        self.trusted_proxies = tuple(trusted_proxies)
        self.session_check_seconds = session_check_seconds
        self.failed_logins = failed_logins or MemorySharedLimiter(FAILED_LOGINS)

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await in_transaction(self.sessions, work)

    async def _login_of(self, request: web.Request) -> Login | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        now = self.clock.now()

        def work(session: Session) -> Login | None:
            row = session_for_token(session, token, now)
            if row is None:
                return None
            agent = row.agent
            return Login(Actor(agent.id, agent.display_name, agent.role or "agent"), token, row.expires_at)

        return await self._db(work)

    def protected(self, handler: LoggedInHandler) -> Handler:
        """`handler` for a logged-in agent only; a state-changing request must also pass `_forgery`."""

        async def wrapper(request: web.Request) -> web.StreamResponse:
            login = await self._login_of(request)
            if login is None:
                return _json_error(401, "Log in first.")
            if request.method not in SAFE_METHODS:
                refused = self._forgery(request, login.token)
                if refused is not None:
                    return refused
            return await handler(request, login)

        return wrapper

    # --- request checks ---------------------------------------------------------

    def _from_trusted_proxy(self, request: web.Request) -> bool:
        return "*" in self.trusted_proxies or (request.remote or "") in self.trusted_proxies

    def _forwarded(self, request: web.Request, header: str) -> str:
        """The first value of a proxy's header, only when the peer is a trusted proxy."""
        if not self._from_trusted_proxy(request):
            return ""
        return request.headers.get(header, "").split(",")[0].strip().lower()

    def _is_https(self, request: web.Request) -> bool:
        return request.secure or self._forwarded(request, "X-Forwarded-Proto") == "https"

    def _same_site(self, request: web.Request) -> bool:
        """A browser's `Origin`, if it sent one, is this site (browsers send it on every cross-site POST
        and websocket); a request without one (a script, curl) still needs the CSRF token."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        try:
            parts = urlsplit(origin)
        except ValueError:  # e.g. "http://[": not a site at all
            return False
        hosts = {request.host.lower(), self._forwarded(request, "X-Forwarded-Host")} - {""}
        return parts.scheme in ("http", "https") and parts.netloc.lower() in hosts

    def _forgery(self, request: web.Request, token: str) -> web.Response | None:
        """A refusal for a request another site may have made in the agent's name, else None."""
        if not self._same_site(request):
            return _json_error(403, "Requests from another site are refused.")
        if not csrf_matches(token, request.headers.get(CSRF_HEADER)):
            return _json_error(403, "This request lacks the console's security token: reload the console.")
        return None

    def _set_cookie(self, request: web.Request, response: web.Response, token: str) -> None:
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            secure=self._is_https(request),
            max_age=int(self.lifetime.total_seconds()),
            path="/",
        )

    # --- routes -----------------------------------------------------------------

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text=_console_page(), content_type="text/html")

    async def login(self, request: web.Request) -> web.Response:
        if not self._same_site(request):
            return _json_error(403, "Requests from another site are refused.")
        client = request_address(request, self.trusted_proxies)
        if await self.failed_logins.events(client) >= self.failed_logins.rule.limit:
            return _json_error(429, "Too many attempts; wait a minute.")
        try:
            body = await request.json()
            username, password = str(body["username"]), str(body["password"])
        except (ValueError, KeyError, TypeError):
            return _json_error(400, "Send username and password as JSON.")
        now = self.clock.now()

        def work(session: Session) -> tuple[str, Actor] | None:
            agent = authenticate(session, username, password)
            if agent is None:
                return None
            token = open_session(session, agent, now, self.lifetime)
            return token, Actor(agent.id, agent.display_name, agent.role or "agent")

        result = await self._db(work)
        if result is None:
            await self.failed_logins.add(client)
            return _json_error(401, "Wrong username or password.")
        token, actor = result
        response = web.json_response(_whoami(actor, token))
        self._set_cookie(request, response, token)
        return response

    async def logout(self, request: web.Request) -> web.Response:
        """End this login session and close its live consoles (a forged logout is refused like any POST)."""
        token = request.cookies.get(COOKIE)
        if token:
            if await self._login_of(request) is not None:
                refused = self._forgery(request, token)
                if refused is not None:
                    return refused
            await self._db(lambda s: close_session(s, token))
            await self.hub.end_session(token_digest(token))
        response = web.json_response({"ok": True})
        response.del_cookie(COOKIE, path="/")
        return response

    async def me(self, request: web.Request, login: Login) -> web.Response:
        return web.json_response(_whoami(login.actor, login.token))

    async def queue(self, request: web.Request, login: Login) -> web.Response:
        waiting = await self.desk.queue(login.actor)
        return web.json_response({"waiting": waiting, "agents_online": await self.hub.count_online()})

    async def conversation(self, request: web.Request, login: Login) -> web.Response:
        try:
            return web.json_response(await self.desk.conversation(login.actor, request.match_info["id"]))
        except DeskRefusal as refusal:
            return _json_error(refusal.status, str(refusal))

    async def change(self, request: web.Request, login: Login) -> web.Response:
        change = CHANGES.get(request.match_info["change"])
        if change is None:
            return _json_error(404, "Unknown action.")
        try:
            owner = await self.desk.change_owner(login.actor, request.match_info["id"], change, self.outbox)
        except DeskRefusal as refusal:
            return _json_error(refusal.status, str(refusal))
        return web.json_response({"owner": owner})

    async def reply(self, request: web.Request, login: Login) -> web.Response:
        try:
            text = str((await request.json())["text"]).strip()
        except (ValueError, KeyError, TypeError):
            return _json_error(400, 'Send the reply as JSON: {"text": ...}.')
        if not text or len(text) > MAX_MESSAGE_CHARS:
            return _json_error(400, f"A reply has 1 to {MAX_MESSAGE_CHARS} characters.")
        try:
            await self.desk.agent_message(login.actor, request.match_info["id"], text, self.outbox)
        except DeskRefusal as refusal:
            return _json_error(refusal.status, str(refusal))
        return web.json_response({"ok": True})

    async def canned(self, request: web.Request, login: Login) -> web.Response:
        """FAQ answers from kb/ for the conversation's shop, in its language."""
        try:
            shop, language = await self.desk.context(login.actor, request.match_info["id"])
        except DeskRefusal as refusal:
            return _json_error(refusal.status, str(refusal))
        answers = [
            {"topic": topic, "title": entry.titles[language], "text": entry.answer(shop, language)}
            for topic, entry in sorted(_faq().items())
        ]
        return web.json_response({"answers": answers})

    async def live(self, request: web.Request, login: Login) -> web.StreamResponse:
        """Live events for this agent's console, until the socket or the login session ends."""
        if not self._same_site(request):
            return _json_error(403, "Requests from another site are refused.")
        socket = web.WebSocketResponse(heartbeat=30)
        await socket.prepare(request)
        await self.hub.add(socket, login.actor, token_digest(login.token))
        watcher = asyncio.create_task(self._end_with_session(socket, login))
        try:
            async for message in socket:
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            watcher.cancel()
            await self.hub.remove(socket)
        return socket

    async def _end_with_session(self, socket: web.WebSocketResponse, login: Login) -> None:
        """Close `socket` once its session has expired, or was closed or its agent deactivated elsewhere."""
        while not socket.closed:
            left = (login.expires_at - self.clock.now()).total_seconds()
            await asyncio.sleep(max(0.0, min(self.session_check_seconds, left)))
            try:
                valid = await self._db(lambda s: session_for_token(s, login.token, self.clock.now()) is not None)
            except Exception as exc:  # the database is down: keep the console, check again later
                logger.warning("cannot check a console's session: %s", type(exc).__name__)
                await asyncio.sleep(self.session_check_seconds)
                continue
            if not valid:
                await end_socket(socket)
                return

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


def _whoami(actor: Actor, token: str) -> dict[str, Any]:
    """What the console page needs: the name to show, the role, and the CSRF token to send back."""
    return {"id": actor.id, "name": actor.name, "role": actor.role, "csrf": csrf_token(token)}
