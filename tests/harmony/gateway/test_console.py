"""The agent console's API on the real gateway app (served on a port, real aiohttp clients, SQLite and
PostgreSQL): logins, who sees and does what, the audit log, CSRF, cookies and the live console's end."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from yarl import URL

from harmony.agents.accounts import create_agent, deactivate_agent, find_agent, open_session
from harmony.db.engine import create_schema, make_engine, session_factory
from harmony.db.models import AuditRecord
from harmony.gateway.agent_desk import ANOTHER_AGENT, NOT_FOUND
from harmony.gateway.agents_hub import SESSION_ENDED
from harmony.gateway.app import build_app
from harmony.gateway.console import SESSION_CHECK_SECONDS
from harmony.gateway.models import Conversation
from harmony.gateway.transcripts import open_conversation, transcript
from harmony.kb.handoff import handoff_text
from harmony.kb.markets import PageContext
from harmony.settings import load_settings

PASSWORD = "a long enough password"  # noqa: S105 - a test account
WAIT = 20.0  # seconds to wait for something the gateway does by itself (a live console closed)
CSRF_REFUSED = "This request lacks the console's security token: reload the console."


@dataclass
class Stage:
    """The gateway on a port, three accounts (marie and paul agents, ada admin) and conversations:
    `waiting` (two, handed off), `bot` (never handed off), `closed` (taken and closed by marie)."""

    url: str
    sessions: sessionmaker[Session]
    ids: dict[str, int]
    waiting: list[str] = field(default_factory=list)
    bot: str = ""
    closed: str = ""

    def owner(self, conversation_id: str) -> tuple[str, int | None]:
        with self.sessions() as session:
            conversation = session.get(Conversation, conversation_id)
            assert conversation is not None
            return conversation.owner, conversation.agent_id

    def audit(self) -> list[tuple[str, str, str | None, str, dict[str, Any]]]:
        with self.sessions() as session:
            rows = session.scalars(select(AuditRecord).order_by(AuditRecord.id))
            return [(r.actor, r.action, r.conversation_id, r.outcome, json.loads(r.detail or "{}")) for r in rows]

    def texts(self, conversation_id: str) -> list[str]:
        with self.sessions() as session:
            return [m.text for m in transcript(session, conversation_id)]


class Console:
    """One agent's browser: its own cookie jar, and the CSRF token the page keeps."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def login(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        async with self.http.post(
            self.url + "/api/agent/login", json={"username": username, "password": password}
        ) as r:
            body: dict[str, Any] = await r.json()
            assert r.status == 200, body
        self.csrf = body["csrf"]
        return body

    async def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        sent = {"X-CSRF-Token": self.csrf} if headers is None else headers
        async with self.http.request(method, self.url + path, json=body, headers=sent) as response:
            return response.status, await response.json()

    async def take(self, conversation_id: str) -> tuple[int, Any]:
        return await self.call("POST", f"/api/agent/conversations/{conversation_id}/take", {})

    async def reply(self, conversation_id: str, text: str) -> tuple[int, Any]:
        return await self.call("POST", f"/api/agent/conversations/{conversation_id}/messages", {"text": text})

    async def close(self) -> None:
        await self.http.close()


def _stage(database_url: str) -> tuple[sessionmaker[Session], dict[str, int], list[str], str, str]:
    engine = make_engine(database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    now = datetime.now().astimezone()
    with sessions.begin() as session:
        ids = {
            username: create_agent(session, username, name, PASSWORD, role=role).id
            for username, name, role in [
                ("marie", "Marie", "agent"),
                ("paul", "Paul", "agent"),
                ("ada", "Ada", "admin"),
            ]
        }
        waiting = []
        for minutes in (3, 1):
            conversation = open_conversation(session, PageContext("fr", "fr"), now)
            conversation.owner, conversation.handoff_reason = "waiting", "customer_request"
            conversation.waiting_since = now - timedelta(minutes=minutes)
            waiting.append(conversation.id)
        bot = open_conversation(session, PageContext("ro", "ro"), now)
        closed = open_conversation(session, PageContext("fr", "fr"), now)
        closed.owner, closed.agent_id, closed.agent_name = "closed", ids["marie"], "Marie"
        bot_id, closed_id = bot.id, closed.id
    return sessions, ids, waiting, bot_id, closed_id


def run_console(
    database_url: str,
    tmp_path: Path,
    scenario: Callable[[Stage], Awaitable[None]],
    env: dict[str, str] | None = None,
) -> None:
    """`scenario` against the real gateway app on a port, with the accounts and conversations of `Stage`."""
    sessions, ids, waiting, bot, closed = _stage(database_url)
    settings = load_settings({"HARMONY_VAR_DIR": str(tmp_path), "HARMONY_DATABASE_URL": database_url, **(env or {})})

    async def main() -> None:
        async with TestServer(build_app(settings), host="127.0.0.1") as server:
            url = str(server.make_url("")).rstrip("/")
            await scenario(Stage(url, sessions, ids, waiting, bot, closed))

    try:
        asyncio.run(main())
    finally:
        sessions.kw["bind"].dispose()


@asynccontextmanager
async def consoles(stage: Stage, *usernames: str) -> AsyncIterator[list[Console]]:
    """Logged-in consoles of `usernames`, closed afterwards."""
    opened = [Console(stage.url) for _ in usernames]
    try:
        for console, username in zip(opened, usernames, strict=True):
            await console.login(username)
        yield opened
    finally:
        for console in opened:
            await console.close()


# --- logins -----------------------------------------------------------------------


def test_five_wrong_passwords_then_the_client_waits(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        console = Console(stage.url)
        try:
            statuses = []
            for _ in range(6):
                body = {"username": "marie", "password": "wrong password!"}
                async with console.http.post(stage.url + "/api/agent/login", json=body) as response:
                    statuses.append(response.status)
            assert statuses == [401] * 5 + [429]
            body = {"username": "marie", "password": PASSWORD}  # even the right one, until the minute is over
            async with console.http.post(stage.url + "/api/agent/login", json=body) as response:
                assert response.status == 429
        finally:
            await console.close()

    run_console(database_url, tmp_path, scenario)


def test_behind_a_trusted_proxy_wrong_passwords_count_per_client_not_per_proxy(
    database_url: str, tmp_path: Path
) -> None:
    async def attempt(stage: Stage, http: aiohttp.ClientSession, client: str, password: str) -> int:
        body = {"username": "marie", "password": password}
        headers = {"X-Forwarded-For": client}
        async with http.post(stage.url + "/api/agent/login", json=body, headers=headers) as response:
            return response.status

    async def scenario(stage: Stage) -> None:
        async with aiohttp.ClientSession() as http:
            guesses = [await attempt(stage, http, "198.51.100.9", "wrong password!") for _ in range(6)]
            assert guesses == [401] * 5 + [429]  # the guesser waits
            assert (
                await attempt(stage, http, "203.0.113.7", PASSWORD) == 200
            )  # the agent behind the same nginx does not
            assert await attempt(stage, http, "198.51.100.9", PASSWORD) == 429

    run_console(database_url, tmp_path, scenario, env={"HARMONY_TRUSTED_PROXY": "127.0.0.1"})


def test_a_forwarded_address_from_an_untrusted_peer_does_not_escape_the_wait(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        async with aiohttp.ClientSession() as http:
            statuses = []
            for number in range(6):  # a new made-up address each time: still one client, the peer
                body = {"username": "marie", "password": "wrong password!"}
                headers = {"X-Forwarded-For": f"198.51.100.{number}"}
                async with http.post(stage.url + "/api/agent/login", json=body, headers=headers) as response:
                    statuses.append(response.status)
            assert statuses == [401] * 5 + [429]

    run_console(database_url, tmp_path, scenario)


def test_login_and_me_name_the_agent_and_give_the_csrf_token(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        async with consoles(stage, "marie", "ada") as (marie, ada):
            assert await marie.call("GET", "/api/agent/me") == (
                200,
                {"id": stage.ids["marie"], "name": "Marie", "role": "agent", "csrf": marie.csrf},
            )
            status, me = await ada.call("GET", "/api/agent/me")
            assert (status, me["role"]) == (200, "admin")
            assert len(marie.csrf) == 64 and marie.csrf != ada.csrf

    run_console(database_url, tmp_path, scenario)


# --- who sees what ------------------------------------------------------------------


def test_an_agent_sees_the_queue_and_what_they_took_and_nothing_else(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        async with consoles(stage, "marie", "paul") as (marie, paul):
            status, queue = await marie.call("GET", "/api/agent/queue")
            assert [row["id"] for row in queue["waiting"]] == stage.waiting  # longest wait first; no bot, no closed
            assert await marie.take(stage.waiting[0]) == (200, {"owner": "agent"})
            assert stage.owner(stage.waiting[0]) == ("agent", stage.ids["marie"])

            _, mine = await marie.call("GET", "/api/agent/queue")
            assert [(r["id"], r["owner"], r["agent"]) for r in mine["waiting"]] == [
                (stage.waiting[1], "waiting", None),
                (stage.waiting[0], "agent", "Marie"),
            ]
            _, his = await paul.call("GET", "/api/agent/queue")
            assert [r["id"] for r in his["waiting"]] == [stage.waiting[1]]  # Marie's is not in Paul's queue
            status, conversation = await marie.call("GET", f"/api/agent/conversations/{stage.waiting[0]}")
            assert (status, conversation["agent"]) == (200, "Marie")
            status, closed = await marie.call("GET", f"/api/agent/conversations/{stage.closed}")
            assert (status, closed["owner"]) == (200, "closed")  # she closed it: she may read it again

    run_console(database_url, tmp_path, scenario)


def test_agent_b_can_neither_read_take_reply_to_nor_hand_back_agent_as_conversation(
    database_url: str, tmp_path: Path
) -> None:
    async def scenario(stage: Stage) -> None:
        taken = stage.waiting[0]
        async with consoles(stage, "marie", "paul") as (marie, paul):
            assert (await marie.take(taken))[0] == 200
            assert (await marie.reply(taken, "Bonjour, ici Marie."))[0] == 200
            refused = (403, {"error": ANOTHER_AGENT})
            assert await paul.call("GET", f"/api/agent/conversations/{taken}") == refused
            assert await paul.call("GET", f"/api/agent/conversations/{taken}/canned") == refused
            assert await paul.take(taken) == refused
            assert await paul.reply(taken, "Paul was here") == refused
            for action in ("hand-back", "close"):
                assert await paul.call("POST", f"/api/agent/conversations/{taken}/{action}", {}) == refused
        assert stage.owner(taken) == ("agent", stage.ids["marie"])
        assert "Paul was here" not in stage.texts(taken)
        assert stage.texts(taken)[-1] == "Bonjour, ici Marie."

    run_console(database_url, tmp_path, scenario)


def test_an_agent_opening_a_conversation_the_bot_has_by_its_id_finds_nothing(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        async with consoles(stage, "marie", "ada") as (marie, ada):
            missing = (404, {"error": NOT_FOUND})
            assert await marie.call("GET", f"/api/agent/conversations/{stage.bot}") == missing
            assert await marie.call("GET", f"/api/agent/conversations/{stage.bot}/canned") == missing
            assert await marie.take(stage.bot) == missing
            assert await marie.reply(stage.bot, "hello") == missing
            assert await marie.call("POST", f"/api/agent/conversations/{stage.bot}/close", {}) == missing
            assert stage.owner(stage.bot) == ("bot", None)
            assert stage.texts(stage.bot) == []
            status, seen = await ada.call("GET", f"/api/agent/conversations/{stage.bot}")  # an admin sees all
            assert (status, seen["owner"], seen["language"]) == (200, "bot", "ro")

    run_console(database_url, tmp_path, scenario)


def test_an_admin_sees_every_agents_conversations_and_may_act_on_them(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        taken = stage.waiting[0]
        async with consoles(stage, "marie", "ada") as (marie, ada):
            assert (await marie.take(taken))[0] == 200
            _, queue = await ada.call("GET", "/api/agent/queue")
            assert [(r["id"], r["agent_id"]) for r in queue["waiting"]] == [
                (stage.waiting[1], None),
                (taken, stage.ids["marie"]),
            ]
            assert (await ada.reply(taken, "Ada, responsable, en renfort."))[0] == 200
            assert stage.owner(taken) == ("agent", stage.ids["marie"])  # writing in it does not take it over
            assert await ada.call("POST", f"/api/agent/conversations/{taken}/close", {}) == (200, {"owner": "closed"})
            assert stage.texts(taken)[-2:] == ["Ada, responsable, en renfort.", handoff_text("closed", "fr")]

    run_console(database_url, tmp_path, scenario)


def test_two_agents_taking_one_conversation_at_once_only_one_gets_it(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        async with consoles(stage, "marie", "paul") as (marie, paul):
            for conversation_id in stage.waiting:
                results = await asyncio.gather(marie.take(conversation_id), paul.take(conversation_id))
                statuses = sorted(status for status, _ in results)
                assert statuses[0] == 200 and statuses[1] in (403, 409), results
                winner = "marie" if results[0][0] == 200 else "paul"
                assert stage.owner(conversation_id) == ("agent", stage.ids[winner])
                notices = {handoff_text("agent_joined", "fr", agent=name) for name in ("Marie", "Paul")}
                joined = [text for text in stage.texts(conversation_id) if text in notices]
                assert joined == [handoff_text("agent_joined", "fr", agent=winner.capitalize())]  # told once, rightly

    run_console(database_url, tmp_path, scenario)


def test_a_reply_to_a_closed_conversation_is_refused_clearly_and_not_stored(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        async with consoles(stage, "marie") as (marie,):
            assert await marie.reply(stage.closed, "Bonjour !") == (
                409,
                {"error": "This conversation is closed: your reply was not sent."},
            )
            _, conversation = await marie.call("GET", f"/api/agent/conversations/{stage.closed}")
            assert "Bonjour !" not in [m["text"] for m in conversation["messages"]]

    run_console(database_url, tmp_path, scenario)


# --- audit --------------------------------------------------------------------------


def test_take_reply_hand_back_and_close_are_audited_by_agent_id_without_the_text(
    database_url: str, tmp_path: Path
) -> None:
    private = "Votre code est 4321, ne le partagez pas."

    async def scenario(stage: Stage) -> None:
        first, second = stage.waiting
        async with consoles(stage, "marie", "paul") as (marie, paul):
            assert (await marie.take(first))[0] == 200
            assert (await marie.reply(first, private))[0] == 200
            assert (await paul.reply(first, "intrusion"))[0] == 403
            assert (await marie.call("POST", f"/api/agent/conversations/{first}/hand-back", {}))[0] == 200
            assert (await marie.call("POST", f"/api/agent/conversations/{second}/close", {}))[0] == 200

        marie_id, paul_id = f"agent:{stage.ids['marie']}", f"agent:{stage.ids['paul']}"
        records = stage.audit()
        assert [(actor, action, cid, outcome) for actor, action, cid, outcome, _ in records] == [
            (marie_id, "conversation.take", first, "done"),
            (marie_id, "conversation.reply", first, "done"),
            (paul_id, "conversation.reply", first, "refused"),
            (marie_id, "conversation.hand_back", first, "done"),
            (marie_id, "conversation.close", second, "done"),
        ]
        assert records[0][4] == {"role": "agent", "before": "waiting", "after": "agent"}
        assert records[1][4] == {"role": "agent", "chars": len(private)}
        assert records[2][4] == {"role": "agent", "reason": ANOTHER_AGENT}
        assert all("4321" not in json.dumps(detail) and "intrusion" not in json.dumps(detail) for *_, detail in records)

    run_console(database_url, tmp_path, scenario)


# --- CSRF and cookies -----------------------------------------------------------------


def test_a_post_without_the_csrf_token_or_from_another_site_changes_nothing(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        target = stage.waiting[0]
        async with consoles(stage, "marie") as (marie,):
            take = f"/api/agent/conversations/{target}/take"
            assert await marie.call("POST", take, {}, headers={}) == (403, {"error": CSRF_REFUSED})
            assert await marie.call("POST", take, {}, headers={"X-CSRF-Token": "0" * 64}) == (
                403,
                {"error": CSRF_REFUSED},
            )
            assert await marie.call(
                "POST", f"/api/agent/conversations/{target}/messages", {"text": "hi"}, headers={}
            ) == (403, {"error": CSRF_REFUSED})
            from_elsewhere = {"X-CSRF-Token": marie.csrf, "Origin": "https://evil.example"}
            assert await marie.call("POST", take, {}, headers=from_elsewhere) == (
                403,
                {"error": "Requests from another site are refused."},
            )
            assert await marie.call("POST", "/api/agent/logout", {}, headers={}) == (403, {"error": CSRF_REFUSED})
            assert (await marie.call("GET", "/api/agent/me", headers={}))[0] == 200  # still logged in; reads need none
            assert stage.owner(target) == ("waiting", None)
            assert stage.texts(target) == []
            broken = {"X-CSRF-Token": marie.csrf, "Origin": "http://["}  # not even a URL: refused, no 500
            assert (await marie.call("POST", take, {}, headers=broken))[0] == 403
            with pytest.raises(aiohttp.WSServerHandshakeError) as hijack:  # cross-site websocket hijacking
                await marie.http.ws_connect(stage.url + "/api/agent/live", headers={"Origin": "https://evil.example"})
            assert hijack.value.status == 403
            own_site = {"X-CSRF-Token": marie.csrf, "Origin": stage.url}
            assert await marie.call("POST", take, {}, headers=own_site) == (200, {"owner": "agent"})

    run_console(database_url, tmp_path, scenario)


def test_the_session_cookie_is_httponly_strict_and_secure_behind_a_trusted_https_proxy(
    database_url: str, tmp_path: Path
) -> None:
    async def login_cookie(stage: Stage, headers: dict[str, str]) -> str:
        body = {"username": "marie", "password": PASSWORD}
        async with (
            aiohttp.ClientSession() as http,
            http.post(stage.url + "/api/agent/login", json=body, headers=headers) as response,
        ):
            assert response.status == 200
            return response.headers["Set-Cookie"]

    async def scenario(stage: Stage) -> None:
        plain = await login_cookie(stage, {})
        assert "HttpOnly" in plain and "SameSite=Strict" in plain and "Secure" not in plain
        assert "Secure" in await login_cookie(stage, {"X-Forwarded-Proto": "https"})
        origin = {"Origin": "https://console.example", "X-Forwarded-Host": "console.example"}
        assert (await login_cookie(stage, origin)).startswith("harmony_agent=")  # the proxy's public host

    run_console(database_url, tmp_path, scenario, env={"HARMONY_TRUSTED_PROXY": "127.0.0.1"})


def test_a_forwarded_https_header_from_an_untrusted_peer_is_ignored(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        body = {"username": "marie", "password": PASSWORD}
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "Origin": "https://evil.example"}
        async with aiohttp.ClientSession() as http:
            async with http.post(stage.url + "/api/agent/login", json=body, headers=headers) as response:
                assert response.status == 403  # the forged host does not make another site's page ours
            async with http.post(
                stage.url + "/api/agent/login", json=body, headers={"X-Forwarded-Proto": "https"}
            ) as response:
                assert response.status == 200 and "Secure" not in response.headers["Set-Cookie"]

    run_console(database_url, tmp_path, scenario)


# --- the live console ends with its session ------------------------------------------------


async def _closed_with(socket: aiohttp.ClientWebSocketResponse[bool]) -> int | None:
    """Read until the server closes `socket` (events before that are skipped); the code its close frame gave."""

    async def until_closed() -> int | None:
        while True:
            message = await socket.receive()
            if message.type is aiohttp.WSMsgType.CLOSE:
                return int(message.data)
            if message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                return None

    return await asyncio.wait_for(until_closed(), WAIT)


async def _refused(console: Console) -> int:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await console.http.ws_connect(console.url + "/api/agent/live")
    return refused.value.status


def test_logout_closes_the_live_console_and_it_cannot_reconnect(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        async with consoles(stage, "marie", "paul") as (marie, paul):
            socket = await marie.http.ws_connect(marie.url + "/api/agent/live")
            other = await paul.http.ws_connect(paul.url + "/api/agent/live")
            cookie = marie.http.cookie_jar.filter_cookies(URL(marie.url))["harmony_agent"].value
            assert await marie.call("POST", "/api/agent/logout", {}) == (200, {"ok": True})
            assert await _closed_with(socket) == SESSION_ENDED
            assert await _refused(marie) == 401
            async with aiohttp.ClientSession(cookies={"harmony_agent": cookie}) as stolen:  # the old cookie, replayed
                with pytest.raises(aiohttp.WSServerHandshakeError):
                    await stolen.ws_connect(marie.url + "/api/agent/live")
                async with stolen.get(marie.url + "/api/agent/queue") as response:
                    assert response.status == 401
            assert not other.closed  # Paul's console stays open
            await other.close()

    run_console(database_url, tmp_path, scenario)


def test_an_expired_session_is_refused_and_its_live_console_closes_when_it_expires(
    database_url: str, tmp_path: Path
) -> None:
    async def scenario(stage: Stage) -> None:
        with stage.sessions.begin() as session:
            marie = find_agent(session, "marie")
            now = datetime.now().astimezone()
            expired = open_session(session, marie, now - timedelta(hours=9), timedelta(hours=8))
            short = open_session(session, marie, now, timedelta(seconds=2))
        async with aiohttp.ClientSession(cookies={"harmony_agent": expired}) as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(stage.url + "/api/agent/live")
            assert refused.value.status == 401
        async with aiohttp.ClientSession(cookies={"harmony_agent": short}) as http:
            socket = await http.ws_connect(stage.url + "/api/agent/live")
            assert await _closed_with(socket) == SESSION_ENDED
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await http.ws_connect(stage.url + "/api/agent/live")

    run_console(database_url, tmp_path, scenario)


def test_deactivating_an_agent_closes_their_live_console(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        async with consoles(stage, "marie") as (marie,):
            socket = await marie.http.ws_connect(marie.url + "/api/agent/live")
            with stage.sessions.begin() as session:  # what `make deactivate-agent` does, from another process
                assert deactivate_agent(session, find_agent(session, "marie")) == 1
            loop = asyncio.get_running_loop()
            started = loop.time()
            assert await _closed_with(socket) == SESSION_ENDED
            assert loop.time() - started < SESSION_CHECK_SECONDS + 5
            assert (await marie.call("GET", "/api/agent/queue"))[0] == 401

    run_console(database_url, tmp_path, scenario)


def test_live_events_about_a_conversation_reach_only_those_who_may_see_it(database_url: str, tmp_path: Path) -> None:
    async def scenario(stage: Stage) -> None:
        first, second = stage.waiting
        async with consoles(stage, "marie", "paul", "ada") as (marie, paul, ada):
            assert (await marie.take(first))[0] == 200
            sockets = [await c.http.ws_connect(c.url + "/api/agent/live") for c in (marie, paul, ada)]
            assert (await marie.reply(first, "Je regarde."))[0] == 200  # about Marie's conversation
            assert (await marie.take(second))[0] == 200  # the queue changed: everyone hears of it
            seen = []
            for socket in sockets:
                events: list[dict[str, Any]] = []
                while not events or events[-1]["type"] != "queue_changed":
                    events.append(json.loads(await asyncio.wait_for(socket.receive_str(), WAIT)))
                seen.append([e["type"] for e in events])
                await socket.close()
            assert seen == [
                ["agent_message", "queue_changed"],
                ["queue_changed"],  # Paul never learns the id of Marie's conversation
                ["agent_message", "queue_changed"],
            ]

    run_console(database_url, tmp_path, scenario)
