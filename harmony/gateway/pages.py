"""The demo shop pages: one site per shop, in each of its languages, with the stock widget.

`/shop/<shop>[/<page>][?lang=<language>]`. The page gives the widget its shop and language
twice: in the socket's address (`?shop=..&lang=..`, read when the socket connects, before
the widget asks for its conversation) and in `customData` (sent with every message, the
stock way for pages that only set that). The demo serves every shop from one origin, so
the page keeps each shop's conversation under its own storage key, as separate websites would.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path
from string import Template
from urllib.parse import urlencode

from aiohttp import web

from harmony.kb.markets import PageContext, load_markets, named_page
from harmony.kb.pages import language_name, page_names, page_texts

TEMPLATE = Path(__file__).parent / "static" / "shop.html"
WIDGET_STORAGE_KEY = "chat_session"  # where rasa-webchat 1.0.1 keeps its conversation


@lru_cache(maxsize=1)
def _template() -> Template:
    return Template(TEMPLATE.read_text(encoding="utf-8"))


def _link(shop: str, page: str, language: str, label: str) -> str:
    path = f"/shop/{shop}" if page == page_names()[0] else f"/shop/{shop}/{page}"
    return f'<a href="{html.escape(path)}?lang={html.escape(language)}">{html.escape(label)}</a>'


def shop_page(context: PageContext, page: str) -> str:
    shop, language = context.shop, context.language
    market = load_markets()[shop]
    texts = page_texts(shop, page, language)
    nav = " ".join(_link(shop, name, language, page_texts(shop, name, language).title) for name in page_names())
    languages = " · ".join(
        _link(shop, page, other, language_name(other)) for other in market.languages if other != language
    )
    props = {
        "socketPath": "/socket.io/",
        "customData": {"shop": shop, "language": language},
        "title": market.name,
        "subtitle": texts.widget_subtitle,
        "inputTextFieldHint": texts.widget_hint,
        "params": {"storage": "local"},
        "initPayload": "/greet",  # a new conversation opens with the bot's greeting
        "showMessageDate": False,
        # Botfront's "rules" (props sent by the server at session_confirm) are not used here; with them
        # on, the widget's own session_confirm handler is the only one it allows, and the page's
        # cursor (shop.html) needs one.
        "withRules": False,
    }
    return _template().substitute(
        language=language,
        shop_name=html.escape(market.name),
        page_title=html.escape(texts.title),
        page_text=html.escape(texts.text),
        nav=nav,
        languages=languages,
        widget_props=_script_json(props),
        socket_query=_script_json("?" + urlencode({"shop": shop, "lang": language})),
        storage_key=_script_json(WIDGET_STORAGE_KEY),
        shop_json=_script_json(shop),
    )


def _script_json(value: object) -> str:
    """`value` as JavaScript inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def page_routes(default_shop: str) -> list[web.RouteDef]:
    def respond(request: web.Request, shop: str, page: str) -> web.Response:
        context = named_page(shop, request.query.get("lang"))
        if context is None or page not in page_names():
            raise web.HTTPNotFound(text="No such page.")
        return web.Response(text=shop_page(context, page), content_type="text/html")

    async def root(request: web.Request) -> web.Response:
        return respond(request, default_shop, page_names()[0])

    async def shop(request: web.Request) -> web.Response:
        return respond(request, request.match_info["shop"], request.match_info.get("page") or page_names()[0])

    return [
        web.get("/", root),
        web.get("/shop/{shop}", shop),
        web.get("/shop/{shop}/{page}", shop),
    ]
