"""Order numbers and e-mails as customers type them."""

import pytest

from harmony.orders.references import find_email, find_order_number, looks_like_order_details, mask_email


@pytest.mark.parametrize(
    "text",
    [
        "HM-100106",
        "hm-100106",
        "hm 100106",
        "HM100106",
        "ma commande hm – 100 106 svp",
        "order #HM_100106!",
        "c'est la HM-100106.",
    ],
)
def test_order_numbers_are_found_and_normalised(text: str) -> None:
    assert find_order_number(text) == "HM-100106"


@pytest.mark.parametrize("text", ["HM-1001067", "HM-10010", "AHM-100106", "mon code postal 100106", "tel 0724325234"])
def test_other_numbers_are_not_order_numbers(text: str) -> None:
    assert find_order_number(text) is None


def test_six_digits_alone_count_only_when_the_number_was_asked() -> None:
    assert find_order_number("c'est le 100106") is None
    assert find_order_number("c'est le 100106", accept_bare_digits=True) == "HM-100106"
    assert find_order_number("100106 ou 100107 ?", accept_bare_digits=True) is None


def test_emails_are_found_lowercased_next_to_other_words() -> None:
    assert find_email("mon mail: Claire.Martin@Example.FR, merci") == "claire.martin@example.fr"
    assert find_email("HM-100106 lucas.moreau@example.fr") == "lucas.moreau@example.fr"
    assert find_email("no address here @ all") is None


def test_masking_keeps_the_first_letter_and_the_domain() -> None:
    assert mask_email("claire.martin@example.fr") == "c***@example.fr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HM-100104 / sophie.bernard@example.fr", True),
        ("sure, it's hm-100104 and my email is sophie.bernard@example.fr", True),
        ("c'est HM-100104", True),
        ("sophie.bernard@example.fr", True),
        ("comment obtenir la facture de la commande HM-100104 ?", False),
        ("j'ai oublié mon mot de passe, mon compte est sophie.bernard@example.fr", False),
        ("bonjour", False),
    ],
)
def test_messages_that_identify_an_order(text: str, expected: bool) -> None:
    assert looks_like_order_details(text) is expected
