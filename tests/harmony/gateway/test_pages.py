"""The demo shop pages: each shop's site in each of its languages tells the widget its shop and language."""

import json
import re

import pytest

from harmony.gateway.pages import shop_page
from harmony.kb.markets import PageContext


def _widget_props(page: str) -> dict[str, object]:
    match = re.search(r"var props = (\{.*?\});\n", page)
    assert match, "the page configures the widget"
    props: dict[str, object] = json.loads(match.group(1))
    return props


@pytest.mark.parametrize(
    ("shop", "language"), [("fr", "fr"), ("fr", "en"), ("ro", "ro"), ("ro", "en"), ("intl", "en"), ("intl", "fr")]
)
def test_the_page_gives_the_widget_its_shop_and_language(shop: str, language: str) -> None:
    page = shop_page(PageContext(shop, language), "home")
    assert f'<html lang="{language}">' in page
    assert _widget_props(page)["customData"] == {"shop": shop, "language": language}
    assert f'"?shop={shop}&lang={language}"' in page  # in the socket's address, read at connect
    assert f'}})("chat_session", "{shop}");' in page  # this shop's conversation under its own storage key


def test_the_page_links_to_its_other_languages_and_pages() -> None:
    page = shop_page(PageContext("ro", "ro"), "home")
    assert '<a href="/shop/ro?lang=en">English</a>' in page
    assert '<a href="/shop/ro/delivery?lang=ro">Livrare</a>' in page
    assert "Français" not in page  # the Romanian shop serves Romanian and English
    english = shop_page(PageContext("ro", "en"), "delivery")
    assert "Customer service assistant" in english and '<a href="/shop/ro/delivery?lang=ro">Română</a>' in english
