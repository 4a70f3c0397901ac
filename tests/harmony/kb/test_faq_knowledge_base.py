"""The FAQ knowledge base: complete for intents.yml, and every kind of defect is caught."""

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from harmony.kb.faq import FAQ_DIR, faq_topics_of_label_set, knowledge_base_problems, load_faq
from harmony.settings import LANGUAGES, MARKETS


def test_the_knowledge_base_is_complete_and_valid() -> None:
    assert knowledge_base_problems() == []
    entries = load_faq()
    assert sorted(entries) == sorted(faq_topics_of_label_set())
    assert len(entries) == 38


def test_market_variants_carry_each_shops_facts() -> None:
    shipping = load_faq()["shipping_cost"]
    assert "99" in shipping.answer("fr", "fr")
    assert "200" in shipping.answer("ro", "ro") and "500" in shipping.answer("ro", "ro")
    assert "149" in shipping.answer("intl", "en")
    returns = load_faq()["return_policy"]
    assert "14" in returns.answer("fr", "en")
    assert "30" in returns.answer("ro", "fr")


def test_romanian_uses_comma_below_letters() -> None:
    for entry in load_faq().values():
        for market in MARKETS:
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
        (lambda d: d["answers"]["fr"].update(fr="x " * 300), "characters, at most 450"),
        (lambda d: d.update(sources=["999_unknown.txt"]), "unknown seed '999_unknown.txt'"),
        (lambda d: d["answers"]["intl"].update(ro="TODO"), "intl/ro: unresolved placeholder"),
    ],
)
def test_defects_are_reported(kb_copy: Path, change: Callable[[dict[str, Any]], object], expected: str) -> None:
    _edit(kb_copy, "shipping_cost", change)
    problems = knowledge_base_problems(kb_copy)
    assert any(expected in p for p in problems), problems


def test_a_missing_topic_is_reported(kb_copy: Path) -> None:
    (kb_copy / "jobs.yml").unlink()
    assert any(p.startswith("jobs: no entry") for p in knowledge_base_problems(kb_copy))


def test_every_language_and_market_is_required() -> None:
    assert LANGUAGES == ("fr", "en", "ro") and MARKETS == ("fr", "ro", "intl")
