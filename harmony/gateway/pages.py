"""The demo shop pages (one per shop, two pages each) with the stock widget embedded."""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path
from string import Template

from aiohttp import web

from harmony.kb.markets import load_markets

TEMPLATE = Path(__file__).parent / "static" / "shop.html"
PAGES = {
    "home": {
        "fr": ("Accueil", "Matériel médical et de maintien à domicile. Une question ? Le chat est en bas à droite."),
        "en": ("Home", "Welcome to our shop. A question? The chat is at the bottom right."),
        "ro": ("Acasă", "Bine ați venit în magazinul nostru. O întrebare? Chatul este în dreapta jos."),
    },
    "delivery": {
        "fr": ("Livraison", "Tout sur la livraison de vos commandes."),
        "en": ("Delivery", "All about the delivery of your orders."),
        "ro": ("Livrare", "Totul despre livrarea comenzilor dumneavoastră."),
    },
}
WIDGET_TEXTS = {
    "fr": ("Posez votre question…", "Assistant du service client"),
    "en": ("Type your question…", "Customer service assistant"),
    "ro": ("Scrieți întrebarea…", "Asistentul serviciului clienți"),
}


@lru_cache(maxsize=1)
def _template() -> Template:
    return Template(TEMPLATE.read_text(encoding="utf-8"))


def shop_page(shop: str, page: str) -> str:
    market = load_markets()[shop]
    language = market.first_language
    title, text = PAGES[page][language]
    hint, subtitle = WIDGET_TEXTS[language]
    nav = " ".join(
        f'<a href="/shop/{html.escape(shop)}/{name}">{html.escape(PAGES[name][language][0])}</a>' for name in PAGES
    )
    props = {
        "socketPath": "/socket.io/",
        "customData": {"shop": shop, "language": language},
        "title": market.name,
        "subtitle": subtitle,
        "inputTextFieldHint": hint,
        "params": {"storage": "local"},
        "initPayload": "/greet",  # a new conversation opens with the bot's greeting
        "showMessageDate": False,
    }
    widget_props = json.dumps(props, ensure_ascii=False).replace("</", "<\\/")
    return _template().substitute(
        language=language,
        shop_name=html.escape(market.name),
        page_title=html.escape(title),
        page_text=html.escape(text),
        nav=nav,
        widget_props=widget_props,
    )


def page_routes(default_shop: str) -> list[web.RouteDef]:
    async def root(request: web.Request) -> web.Response:
        return web.Response(text=shop_page(default_shop, "home"), content_type="text/html")

    async def shop(request: web.Request) -> web.Response:
        code, page = request.match_info["shop"], request.match_info.get("page") or "home"
        if code not in load_markets() or page not in PAGES:
            raise web.HTTPNotFound(text="No such page.")
        return web.Response(text=shop_page(code, page), content_type="text/html")

    return [
        web.get("/", root),
        web.get("/shop/{shop}", shop),
        web.get("/shop/{shop}/{page}", shop),
    ]
