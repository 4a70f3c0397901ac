"""The one list of markets, and the one rule that turns a page's shop and language into a start."""

import pytest

from harmony.kb.markets import (
    PageContext,
    known_context,
    known_language,
    known_shop,
    load_markets,
    market_codes,
    named_page,
    page_context,
)
from harmony.settings import SettingsError, load_settings


def test_markets_come_from_the_knowledge_base() -> None:
    assert market_codes() == ("fr", "ro", "intl")
    assert load_markets()["ro"].currency == "RON"
    assert load_markets()["intl"].languages == ("en", "fr")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("fr", "fr"), ("fr-FR", "fr"), (" RO ", "ro"), ("en_GB", "en"), ("de", None), ("", None), (7, None), (None, None)],
)
def test_a_page_language_is_read_the_same_way_everywhere(raw: object, expected: str | None) -> None:
    assert known_language(raw) == expected


@pytest.mark.parametrize(
    ("shop", "language", "expected"),
    [
        ("ro", "en-GB", PageContext("ro", "en")),
        ("ro", None, PageContext("ro", "ro")),
        ("intl", "klingon", PageContext("intl", "en")),
        ("mars", "fr", PageContext("fr", "fr")),
        (["ro"], 7, PageContext("fr", "fr")),
    ],
)
def test_page_context_falls_back_to_the_shop_then_the_default(
    shop: object, language: object, expected: PageContext
) -> None:
    assert page_context(shop, language, "fr") == expected


def test_the_default_shop_must_be_a_market() -> None:
    assert known_shop("intl") == "intl" and known_shop("INTL") is None
    assert load_settings({"HARMONY_DEFAULT_SHOP": "ro"}).default_shop == "ro"
    with pytest.raises(SettingsError, match="fr, ro, intl"):
        load_settings({"HARMONY_DEFAULT_SHOP": "de"})


def test_a_page_that_names_no_market_names_nothing() -> None:
    assert named_page("ro", None) == PageContext("ro", "ro")
    assert named_page("intl", "fr-FR") == PageContext("intl", "fr")
    assert named_page("mars", "fr") is None and named_page(None, "en") is None


def test_a_reported_context_needs_both_a_market_and_a_language() -> None:
    assert known_context("ro", "en") == PageContext("ro", "en")
    assert known_context("ro", "de") is None and known_context("mars", "en") is None
