"""Texts of the demo shop pages: every page, shop and widget text in every language."""

from pathlib import Path

import yaml

from harmony.kb.markets import LANGUAGES, market_codes
from harmony.kb.pages import PAGES_FILE, page_names, page_texts, pages_problems


def test_every_text_exists_in_every_language() -> None:
    assert pages_problems() == []
    for shop in market_codes():
        for page in page_names():
            for language in LANGUAGES:
                assert page_texts(shop, page, language).title


def test_a_missing_language_is_reported(tmp_path: Path) -> None:
    data = yaml.safe_load(PAGES_FILE.read_text(encoding="utf-8"))
    del data["intro"]["ro"]["en"]
    del data["widget"]["hint"]["fr"]
    broken = tmp_path / "pages.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert pages_problems(broken) == ["intro/ro/en: missing", "widget/hint/fr: missing"]


def test_each_shop_introduces_itself() -> None:
    assert "Wellness" in page_texts("ro", "home", "en").text
    assert "sneakers" in page_texts("intl", "home", "en").text
    assert "médical" in page_texts("fr", "home", "fr").text
