"""Button titles read from kb/: the hand-off button and the plain intents' titles."""

from pathlib import Path

import pytest

from harmony.kb.button_titles import handoff_button_titles, intent_titles


def test_the_handoff_button_names_the_support_agent_in_each_language() -> None:
    assert handoff_button_titles() == {
        "fr": "Parler à un conseiller",
        "en": "Talk to a support agent",
        "ro": "Vorbiți cu un consultant",
    }


def test_the_order_intents_have_a_title_in_each_language() -> None:
    titles = intent_titles()
    for intent in ("track_order", "cancel_order", "modify_order", "return_order"):
        assert set(titles[intent]) == {"fr", "en", "ro"}
    assert titles["human_handoff"] == handoff_button_titles()


def test_a_missing_language_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "intent_titles.yml"
    path.write_text("track_order: {fr: Suivre ma commande, en: Track my order}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="track_order: no title in ro"):
        intent_titles(path)
    handoff = tmp_path / "handoff.yml"
    handoff.write_text("button_title: {fr: Parler à un conseiller, ro: Vorbiți cu un consultant}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="button_title: no title in en"):
        handoff_button_titles(handoff)
