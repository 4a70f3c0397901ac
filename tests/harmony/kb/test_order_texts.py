"""`kb/orders/messages.yml`: every text in fr/en/ro, short, one word for the support agent."""

import re
from pathlib import Path

import pytest
import yaml

from harmony.kb.markets import LANGUAGES
from harmony.kb.order_policies import load_policies
from harmony.kb.order_texts import (
    MAX_MESSAGE_CHARS,
    MESSAGES_FILE,
    MessageCatalogError,
    category_name,
    duration,
    load_order_texts,
    placeholders,
)


def all_texts(language: str) -> list[str]:
    texts = load_order_texts()
    return [t[language] for t in texts.messages.values()] + [t[language] for t in texts.categories.values()]


def test_every_message_exists_in_each_language_with_the_same_placeholders() -> None:
    for key, texts in load_order_texts().messages.items():
        assert set(texts) >= set(LANGUAGES), key
        assert len({frozenset(placeholders(texts[lang])) for lang in LANGUAGES}) == 1, key
        assert all(len(texts[lang]) <= MAX_MESSAGE_CHARS for lang in LANGUAGES), key


def test_every_excluded_category_and_window_unit_of_the_policies_has_its_texts() -> None:
    for policy in load_policies().values():
        for category in policy.returns.excluded_categories:
            assert all(category_name(category, lang) != category for lang in LANGUAGES), category
        window = policy.returns.window
        if window is not None:
            assert all(duration(window.unit, window.length, lang) for lang in LANGUAGES)
            assert f"window_counting_{window.unit}" in load_order_texts().messages


@pytest.mark.parametrize(
    ("unit", "count", "language", "expected"),
    [
        ("working_days", 14, "fr", "14 jours ouvrables"),
        ("working_days", 14, "en", "14 working days"),
        ("working_days", 14, "ro", "14 zile lucrătoare"),
        ("calendar_days", 30, "fr", "30 jours"),
        ("calendar_days", 30, "en", "30 days"),
        ("calendar_days", 30, "ro", "30 de zile"),  # Romanian puts "de" after 20 and more
        ("calendar_days", 1, "ro", "1 zi"),
        ("calendar_days", 1, "en", "1 day"),
    ],
)
def test_durations_follow_the_languages_plural_rules(unit: str, count: int, language: str, expected: str) -> None:
    assert duration(unit, count, language) == expected


def test_the_ro_category_is_the_seeds_wording_and_food_is_gone() -> None:
    assert category_name("perishable", "ro") == "bunurile care se pot deteriora sau expira rapid"
    assert category_name("perishable", "en") == "goods that deteriorate or expire quickly"
    assert "food" not in load_order_texts().categories


def test_one_word_per_language_for_the_support_agent() -> None:
    fr, en, ro = (" ".join(all_texts(lang)) for lang in ("fr", "en", "ro"))
    assert "conseiller" in fr
    assert not re.search(r"opérateur|\bagent\b|\bpersonne\b", fr)
    assert "support agent" in en
    assert not re.search(r"\bperson\b|operator|(?<!support )\bagent\b", en)
    assert "consultant" in ro
    assert not re.search(r"operator|\bagent\b|persoan", ro)


def _catalog_with(tmp_path: Path, section: str, key: str, value: object) -> Path:
    raw = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    raw[section][key] = value
    path = tmp_path / "messages.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("section", "key", "value", "problem"),
    [
        ("messages", "x", {"fr": "a", "en": "b"}, "messages.x: no text in ro"),
        ("messages", "x", {"fr": "{number}", "en": "{number}", "ro": "{numar}"}, "different placeholders"),
        ("messages", "x", {"fr": "a" * 400, "en": "b", "ro": "c"}, "messages.x.fr: over"),
        ("categories", "x", {"fr": "a", "en": "", "ro": "c"}, "categories.x: no text in en"),
        (
            "durations",
            "x",
            {"fr": {"one": "{count} j"}, "en": {"other": "{count} d"}, "ro": {"other": "{count} z"}},
            "durations.x.fr: needs plural forms",
        ),
        (
            "durations",
            "x",
            {"fr": {"other": "j"}, "en": {"other": "{count} d"}, "ro": {"other": "{count} z"}},
            "durations.x.fr.other: must contain",
        ),
    ],
)
def test_a_bad_text_is_refused(tmp_path: Path, section: str, key: str, value: object, problem: str) -> None:
    with pytest.raises(MessageCatalogError, match=re.escape(problem)):
        load_order_texts(_catalog_with(tmp_path, section, key, value))
