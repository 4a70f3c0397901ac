"""A message names an e-mail address only when it holds the whole address."""

import pytest

from harmony.privacy.mentions import is_email, mentions


@pytest.mark.parametrize(
    "text",
    [
        "jean.dupont@example.fr",
        "C'est Jean.Dupont@Example.FR.",
        "mail: <jean.dupont@example.fr>, merci",
        "HM-1 jean.dupont@example.fr",
    ],
)
def test_the_address_in_any_case_and_sentence(text: str) -> None:
    assert mentions(text, "jean.dupont@example.fr")


@pytest.mark.parametrize(
    "text",
    [
        "xjean.dupont@example.fr",
        "a.jean.dupont@example.fr",
        "jean.dupont@example.fr.com",
        "jean.dupont@example.frx",
        "",
    ],
)
def test_not_a_longer_address(text: str) -> None:
    assert not mentions(text, "jean.dupont@example.fr")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("jean.dupont@example.fr", True),
        (" Jean@Example.FR ", True),
        ("jean", False),
        ("jean@", False),
        ("@x.fr", False),
    ],
)
def test_only_a_whole_address_is_an_email(value: str, expected: bool) -> None:
    assert is_email(value) is expected
