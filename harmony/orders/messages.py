"""The order flows' texts from `kb/orders/messages.yml`, filled for one language."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from harmony.settings import LANGUAGES, PROJECT_ROOT

MESSAGES_FILE = PROJECT_ROOT / "kb" / "orders" / "messages.yml"


class MessageCatalogError(ValueError):
    """A message misses a language or its languages disagree on the placeholders."""


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@lru_cache(maxsize=4)
def load_catalog(path: Path = MESSAGES_FILE) -> dict[str, Any]:
    """The whole file, checked: every message and category name in every language."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for section in ("messages", "categories"):
        for key, texts in raw[section].items():
            missing = [lang for lang in LANGUAGES if not str((texts or {}).get(lang) or "").strip()]
            if missing:
                raise MessageCatalogError(f"{section}.{key}: no text in {', '.join(missing)}")
            fields = {lang: placeholders(texts[lang]) for lang in LANGUAGES}
            if len({frozenset(f) for f in fields.values()}) != 1:
                raise MessageCatalogError(f"{section}.{key}: languages use different placeholders {fields}")
    return raw


def message(key: str, language: str, **values: str) -> str:
    """The message `key` in `language`, its placeholders filled with `values`."""
    template: str = load_catalog()["messages"][key][language]
    return template.format(**values)


def category_name(category: str, language: str) -> str:
    names: dict[str, dict[str, str]] = load_catalog()["categories"]
    return names.get(category, {}).get(language, category)
