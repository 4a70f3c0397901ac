"""The gateway process: aiohttp + python-socketio on one port, the only public service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp
import socketio
from aiohttp import web

from harmony.db.engine import create_schema, make_engine, session_factory
from harmony.gateway.agent_desk import AgentDesk
from harmony.gateway.agents_hub import AgentsHub
from harmony.gateway.console import FAILED_LOGINS, Console
from harmony.gateway.customer_socket import register_customer_events
from harmony.gateway.delivery import WidgetDelivery
from harmony.gateway.limits import Rule, gateway_limits
from harmony.gateway.pages import page_routes
from harmony.gateway.service import MAX_MESSAGE_CHARS, ChatService
from harmony.gateway.shared import shared_state, socket_manager
from harmony.settings import Settings, load_settings
from harmony.web_assets import webchat_bundle

logger = logging.getLogger("harmony.gateway")
SOCKET_BUFFER_BYTES = 16 * MAX_MESSAGE_CHARS * 4  # room for a too-long message to be refused politely
SECURITY_HEADERS = {
    # Our pages load nothing from elsewhere (the widget's CSS would fetch web fonts otherwise).
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SocketOutbox:
    """Delivers to the customer's widget (its socket.io room) and to the agents' consoles."""

    def __init__(self, widgets: WidgetDelivery, hub: AgentsHub) -> None:
        self.widgets, self.hub = widgets, hub

    async def to_customer(self, conversation_id: str, message: dict[str, Any], message_id: int | None = None) -> None:
        await self.widgets.send(conversation_id, message, message_id)

    async def to_customer_all(
        self, conversation_id: str, messages: Sequence[tuple[dict[str, Any], int | None]]
    ) -> None:
        await self.widgets.send_all(conversation_id, messages)

    async def to_agents(self, event: dict[str, Any]) -> None:
        await self.hub.broadcast(event)


@web.middleware
async def _safe_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """HTTP errors as short text; anything unexpected logged by type only, never shown."""
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:
        logger.error("request failed: %s", type(exc).__name__)
        return web.json_response({"error": "Something went wrong; please try again."}, status=500)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def build_app(settings: Settings) -> web.Application:
    engine = make_engine(settings.database_url, ping_before_use=False)  # see harmony.gateway.transactions
    create_schema(engine)
    sessions = session_factory(engine)
    shared = shared_state(settings.redis_url)
    hub = AgentsHub(ownership=lambda conversation_id: desk.ownership(conversation_id), shared=shared)  # desk: below
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=socket_manager(settings.redis_url),
        cors_allowed_origins=list(settings.allowed_origins),
        max_http_buffer_size=SOCKET_BUFFER_BYTES,
    )
    app = web.Application(middlewares=[_safe_errors], client_max_size=64 * 1024)
    sio.attach(app)
    widgets = WidgetDelivery(sio, sessions, shared)
    outbox = SocketOutbox(widgets, hub)
    limits = gateway_limits(
        shared.limiter, {name: Rule(events, seconds) for name, events, seconds in settings.rate_limits}
    )
    service = ChatService(
        sessions,
        settings.rasa_url,
        settings.http_timeout_seconds,
        settings.default_shop,
        hub.online,
        limits=limits,
        client_secret=settings.client_key_secret(),
    )
    register_customer_events(sio, service, outbox, widgets, settings.trusted_proxies)
    desk = AgentDesk(sessions, service.clock)
    console = Console(
        sessions,
        desk,
        hub,
        outbox,
        settings.agent_session_hours,
        service.clock,
        settings.trusted_proxies,
        failed_logins=shared.limiter("failed_logins", FAILED_LOGINS),
    )

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        service.http = aiohttp.ClientSession()
        await shared.start()
        yield
        await shared.close()
        await service.http.close()
        engine.dispose()

    app.cleanup_ctx.append(lifecycle)
    app.add_routes(page_routes(settings.default_shop))
    app.router.add_get("/health", _health)
    app.add_routes(console.routes())
    app.router.add_static("/static/webchat/", webchat_bundle().parent)
    return app


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s  %(message)s")
    settings = load_settings()
    web.run_app(build_app(settings), host=settings.gateway_host, port=settings.gateway_port, access_log=None)


if __name__ == "__main__":
    main()
