import pytest

from bot.components.language_names import requested_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("can we speak English?", "en"),
        ("parlez-vous anglais ?", "en"),
        ("vorbiți română?", "ro"),
        ("vorbiti romana?", "ro"),
        ("en roumain svp", "ro"),
        ("je préfère en français", "fr"),
        ("je prefere en francais", "fr"),
        ("puteți vorbi în engleză", "en"),
        ("switch to FRENCH please", "fr"),
        ("not French, English please", "en"),
    ],
)
def test_a_named_language_is_found(text: str, language: str) -> None:
    assert requested_language(text) == language


@pytest.mark.parametrize("text", ["can you speak another language?", "bonjour", "", "England is nice"])
def test_no_language_named(text: str) -> None:
    assert requested_language(text) is None
