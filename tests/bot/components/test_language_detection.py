"""The language guess behind the sticky `language` slot: confident or nothing."""

import pytest

from bot.components.language_detection import LanguageGuesser, words_of


@pytest.fixture(scope="module")
def guesser() -> LanguageGuesser:
    return LanguageGuesser()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour", "fr"),
        ("Hello", "en"),
        ("Bună ziua", "ro"),
        ("buna ziua", "ro"),
        ("unde e coletul", "ro"),
        ("livraison gratuite ?", "fr"),
        ("free shipping?", "en"),
        ("cat costa livrarea", "ro"),
        ("combien coute la livraison", "fr"),
        ("where is my order", "en"),
        ("vreau sa anulez comanda", "ro"),
        ("je veux annuler ma commande", "fr"),
        ("Mulțumesc frumos", "ro"),
        ("Good morning", "en"),
    ],
)
def test_clear_messages_are_detected(guesser: LanguageGuesser, text: str, language: str) -> None:
    assert guesser.guess(text).language == language


@pytest.mark.parametrize(
    "text",
    ["merci", "salut", "ok", "okay", "ok merci", "thx", "mersi", "da", "super", "cool", "ciao", "pa"],
)
def test_short_words_shared_by_languages_are_unsure(guesser: LanguageGuesser, text: str) -> None:
    assert guesser.guess(text).language is None


@pytest.mark.parametrize(
    "text", ["HM-100106", "hm 100106", "lucas.moreau@example.fr", "https://example.fr/x", "12/03/2026", "?!"]
)
def test_order_numbers_emails_links_and_digits_are_unsure(guesser: LanguageGuesser, text: str) -> None:
    assert guesser.guess(text).language is None


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x02", "🙂👍"])
def test_empty_and_symbol_messages_are_unsure(guesser: LanguageGuesser, text: str) -> None:
    guess = guesser.guess(text)
    assert guess.language is None
    assert guess.confidence == 0.0


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hello, vous parlez français ?", "fr"),
        ("ok thanks", "en"),
        ("bonjour, my order HM-100106 est en retard", "fr"),
        ("hello ça va", None),
        ("salut ce faci", None),
    ],
)
def test_mixed_messages_follow_the_main_language_or_stay_unsure(
    guesser: LanguageGuesser, text: str, language: str | None
) -> None:
    assert guesser.guess(text).language == language


def test_a_stricter_threshold_makes_borderline_messages_unsure() -> None:
    borderline = "are you a bot"
    assert LanguageGuesser().guess(borderline).language == "en"
    assert LanguageGuesser(min_confidence=0.9).guess(borderline).language is None


def test_words_ignore_noise() -> None:
    assert words_of("Commande HM-100101, mail: a@b.fr, lien https://x.y/z !") == ["commande", "mail", "lien"]
