"""The FAQ knowledge base: complete for intents.yml, and every kind of defect is caught."""

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from harmony.kb.faq import (
    FAQ_DIR,
    MAX_MESSAGE_CHARS,
    faq_topics_of_label_set,
    knowledge_base_problems,
    load_faq,
)
from harmony.kb.markets import LANGUAGES, market_codes


def test_the_knowledge_base_is_complete_and_valid() -> None:
    assert knowledge_base_problems() == []
    entries = load_faq()
    assert sorted(entries) == sorted(faq_topics_of_label_set())
    assert len(entries) == 38


def test_every_chat_message_is_short_and_an_answer_is_one_or_two_of_them() -> None:
    for entry in load_faq().values():
        for market in market_codes():
            for language in LANGUAGES:
                parts = entry.parts(market, language)
                assert 1 <= len(parts) <= 2, (entry.topic, market, language)
                assert all(0 < len(part) <= MAX_MESSAGE_CHARS for part in parts), (entry.topic, market, language)


def test_the_whole_answer_joins_its_messages_with_a_blank_line() -> None:
    payment = load_faq()["payment_methods"]
    parts = payment.parts("ro", "en")
    assert len(parts) == 2
    assert payment.answer("ro", "en") == parts[0] + "\n\n" + parts[1]
    shipping = load_faq()["shipping_cost"]
    assert shipping.answer("fr", "fr") == shipping.parts("fr", "fr")[0]


def test_market_variants_carry_each_shops_facts() -> None:
    shipping = load_faq()["shipping_cost"]
    assert "99" in shipping.answer("fr", "fr")
    assert "200" in shipping.answer("ro", "ro") and "500" in shipping.answer("ro", "ro")
    assert "149" in shipping.answer("intl", "en")
    returns = load_faq()["return_policy"]
    assert "30" in returns.answer("ro", "fr")


def test_romanian_uses_comma_below_letters() -> None:
    for entry in load_faq().values():
        for market in market_codes():
            text = entry.answer(market, "ro")
            assert not set(text) & {"ş", "ţ", "Ş", "Ţ"}, (entry.topic, market)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "faq"
    shutil.copytree(FAQ_DIR, target)
    return target


def _edit(kb: Path, topic: str, change: Callable[[dict[str, Any]], object]) -> None:
    path = kb / f"{topic}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["answers"]["ro"].pop("en"), "shipping_cost: ro/en: answer is missing or empty"),
        (lambda d: d["answers"].pop("intl"), "shipping_cost: no answer for market intl"),
        (
            lambda d: d["answers"]["fr"].update(fr="Livraison offerte dès {threshold} €."),
            "fr/fr: unresolved placeholder",
        ),
        (lambda d: d["answers"]["fr"].update(en="   "), "shipping_cost: fr/en: answer is missing or empty"),
        (lambda d: d["title"].pop("ro"), "shipping_cost: title in ro is missing"),
        (lambda d: d["answers"]["fr"].update(fr="x " * 160), "fr/fr: 319 characters, at most 300"),
        (lambda d: d["answers"]["fr"].update(fr=["Un.", "x " * 160]), "fr/fr message 2: 319 characters, at most 300"),
        (lambda d: d["answers"]["fr"].update(fr=["Un.", "Deux.", "Trois."]), "fr/fr: 3 messages, an answer is 1 to 2"),
        (lambda d: d["answers"]["fr"].update(fr=[]), "fr/fr: 0 messages"),
        (lambda d: d["answers"]["ro"].update(en=["Un.", ""]), "ro/en message 2: answer is missing or empty"),
        (lambda d: d.update(sources=["999_unknown.txt"]), "unknown seed '999_unknown.txt'"),
        (lambda d: d["answers"]["intl"].update(ro="TODO"), "intl/ro: unresolved placeholder"),
        (lambda d: d["answers"].update(intl="salon"), "intl: says 'salon' but the entry has no salon answer"),
        (lambda d: d["answers"].update(shop_de="Hallo"), "unknown answer variant 'shop_de'"),
        (lambda d: d.update(source_notes=["§4, no seed named"]), "source_notes[0]: names none of the entry's seeds"),
        (lambda d: d.update(source_notes="a text"), "'source_notes' must be a list"),
        (lambda d: d.update(hand_off=["de"]), "'hand_off' must be a list of markets"),
        (lambda d: d.update(offer_agent="fr"), "'offer_agent' must be a list of markets"),
    ],
)
def test_defects_are_reported(kb_copy: Path, change: Callable[[dict[str, Any]], object], expected: str) -> None:
    _edit(kb_copy, "shipping_cost", change)
    problems = knowledge_base_problems(kb_copy)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["answers"]["salon"].pop("ro"), "payment_methods: salon/ro: answer is missing or empty"),
        (
            lambda d: d["answers"]["salon"].update(en=["A.", "B."]),
            "payment_methods: fr/en: 3 messages, an answer is 1 to 2",
        ),
        (
            lambda d: d.update(sources=["001_1853cfc8148f3cd3.txt"], source_notes=[]),
            "payment_methods: a salon answer needs the salon's seed",
        ),
    ],
)
def test_defects_of_the_salon_answer_are_reported(
    kb_copy: Path, change: Callable[[dict[str, Any]], object], expected: str
) -> None:
    _edit(kb_copy, "payment_methods", change)
    problems = knowledge_base_problems(kb_copy)
    assert any(expected in p for p in problems), problems


def test_an_invalid_entry_is_not_loaded(kb_copy: Path) -> None:
    _edit(kb_copy, "jobs", lambda d: d["answers"]["ro"].pop("fr"))
    with pytest.raises(ValueError, match="jobs: ro/fr: answer is missing or empty"):
        load_faq(kb_copy)


def test_a_missing_topic_is_reported(kb_copy: Path) -> None:
    (kb_copy / "jobs.yml").unlink()
    assert any(p.startswith("jobs: no entry") for p in knowledge_base_problems(kb_copy))


def test_every_language_and_market_is_required() -> None:
    assert LANGUAGES == ("fr", "en", "ro") and market_codes() == ("fr", "ro", "intl")
