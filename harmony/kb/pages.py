"""Texts of the demo shop pages (`kb/pages.yml`): page titles, each shop's intro, the widget's words."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from harmony.kb.markets import LANGUAGES, load_markets
from harmony.kb.paths import KB_DIR

PAGES_FILE = KB_DIR / "pages.yml"


@dataclass(frozen=True)
class PageTexts:
    """Everything a shop page shows in one language."""

    title: str
    text: str
    widget_hint: str
    widget_subtitle: str


@lru_cache(maxsize=2)
def _load(path: Path = PAGES_FILE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def page_names() -> tuple[str, ...]:
    """The pages of every shop, the home page first."""
    return tuple(_load()["pages"])


def language_name(language: str) -> str:
    """A language's own name ("Română"), for a link to that language's page."""
    name: str = _load()["language_names"][language]
    return name


def page_texts(shop: str, page: str, language: str) -> PageTexts:
    data = _load()
    entry = data["pages"][page]
    text = entry["text"][language] if "text" in entry else data["intro"][shop][language]
    return PageTexts(
        title=entry["title"][language],
        text=text,
        widget_hint=data["widget"]["hint"][language],
        widget_subtitle=data["widget"]["subtitle"][language],
    )


def pages_problems(path: Path = PAGES_FILE) -> list[str]:
    """Missing texts: every page, shop and widget text in every language."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    wanted: list[tuple[str, Any]] = [(f"language_names/{lang}", data["language_names"].get(lang)) for lang in LANGUAGES]
    for page, entry in data["pages"].items():
        for field in ("title", "text"):
            if field in entry or field == "title":
                wanted += [(f"pages/{page}/{field}/{lang}", (entry.get(field) or {}).get(lang)) for lang in LANGUAGES]
    for shop in load_markets():
        wanted += [(f"intro/{shop}/{lang}", (data["intro"].get(shop) or {}).get(lang)) for lang in LANGUAGES]
    for field in ("hint", "subtitle"):
        wanted += [(f"widget/{field}/{lang}", data["widget"][field].get(lang)) for lang in LANGUAGES]
    return [f"{where}: missing" for where, value in wanted if not (isinstance(value, str) and value.strip())]
