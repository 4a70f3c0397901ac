"""The order flows' texts, `kb/orders/messages.yml`: read, validated, filled for one language.

Three sections, each in every language of the product:
- `messages`: templates with `{placeholders}`, the same ones in each language;
- `categories`: the names of the item categories a shop excludes from returns;
- `durations`: a number of days as a reply names it ("14 jours ouvrables", "30 de zile"),
  one text per CLDR plural form of the language (Babel picks it from the number).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale

from harmony.kb.markets import LANGUAGES
from harmony.kb.paths import KB_DIR

MESSAGES_FILE = KB_DIR / "orders" / "messages.yml"
MAX_MESSAGE_CHARS = 300  # a chat message of a few lines, not pasted terms and conditions
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


class MessageCatalogError(ValueError):
    """A text misses a language, its languages disagree on the placeholders, or it is too long."""


@dataclass(frozen=True)
class OrderTexts:
    messages: dict[str, dict[str, str]]  # key -> language -> template
    categories: dict[str, dict[str, str]]  # category -> language -> name
    durations: dict[str, dict[str, dict[str, str]]]  # unit -> language -> plural form -> template


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def _text_problems(where: str, texts: Any) -> list[str]:
    texts = texts if isinstance(texts, dict) else {}
    missing = [lang for lang in LANGUAGES if not str(texts.get(lang) or "").strip()]
    if missing:
        return [f"{where}: no text in {', '.join(missing)}"]
    problems = [
        f"{where}.{lang}: over {MAX_MESSAGE_CHARS} characters"
        for lang in LANGUAGES
        if len(texts[lang]) > MAX_MESSAGE_CHARS
    ]
    fields = {lang: placeholders(texts[lang]) for lang in LANGUAGES}
    if len({frozenset(f) for f in fields.values()}) != 1:
        problems.append(f"{where}: languages use different placeholders {fields}")
    return problems


def _duration_problems(unit: str, forms_by_language: Any) -> list[str]:
    forms_by_language = forms_by_language if isinstance(forms_by_language, dict) else {}
    problems: list[str] = []
    for language in LANGUAGES:
        forms = forms_by_language.get(language)
        where = f"durations.{unit}.{language}"
        if not isinstance(forms, dict) or "other" not in forms:
            problems.append(f"{where}: needs plural forms, at least `other`")
            continue
        problems += [f"{where}: unknown plural form {form!r}" for form in forms if form not in PLURAL_FORMS]
        problems += [
            f"{where}.{form}: must contain {{count}} and nothing else in braces"
            for form, text in forms.items()
            if placeholders(str(text)) != {"count"}
        ]
    return problems


@lru_cache(maxsize=4)
def load_order_texts(path: Path = MESSAGES_FILE) -> OrderTexts:
    """The whole file, checked; every problem is reported at once."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    for section in ("messages", "categories"):
        for key, texts in (raw.get(section) or {}).items():
            problems += _text_problems(f"{section}.{key}", texts)
    for unit, forms in (raw.get("durations") or {}).items():
        problems += _duration_problems(unit, forms)
    if problems:
        raise MessageCatalogError(f"{path.name}: " + "; ".join(problems))
    return OrderTexts(raw["messages"], raw["categories"], raw["durations"])


def message(key: str, language: str, **values: str) -> str:
    """The message `key` in `language`, its placeholders filled with `values` (extra ones ignored)."""
    return load_order_texts().messages[key][language].format(**values)


def category_name(category: str, language: str) -> str:
    return load_order_texts().categories.get(category, {}).get(language, category)


def duration(unit: str, count: int, language: str) -> str:
    """`count` days of `unit` in `language`: `14 jours ouvrables`, `14 working days`, `30 de zile`."""
    forms = load_order_texts().durations[unit][language]
    form = Locale.parse(language).plural_form(count)
    return forms.get(form, forms["other"]).format(count=count)
