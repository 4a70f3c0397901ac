"""What the REST channel passes to the NLU for good, bad and hostile input."""

import pytest

from bot.channels.message_guard import (
    EMPTY_INTENT,
    MAX_MESSAGE_CHARS,
    TOO_LONG_INTENT,
    UNREADABLE_INTENT,
    GuardedMessage,
    guard_message,
)


def test_plain_text_passes_with_whitespace_collapsed() -> None:
    guarded = guard_message("  où est   ma\ncommande ?  ")
    assert guarded.text == "où est ma commande ?"
    assert guarded.problem is None


@pytest.mark.parametrize("raw", [None, "", "   ", "\n\t"])
def test_empty_messages(raw: object) -> None:
    assert guard_message(raw).problem == EMPTY_INTENT
    assert guard_message(raw).text == f"/{EMPTY_INTENT}"


def test_a_message_over_the_limit_is_too_long() -> None:
    assert guard_message("a" * MAX_MESSAGE_CHARS).problem is None
    assert guard_message("a" * (MAX_MESSAGE_CHARS + 1)).problem == TOO_LONG_INTENT
    assert guard_message("x" * 100_000).problem == TOO_LONG_INTENT


@pytest.mark.parametrize(
    "raw",
    ["\x00\x01\x02\x03", "\ufffd\ufffd\ufffd\ufffdok", bytes(range(40)).decode("latin-1"), {"a": 1}, [1]],
)
def test_binary_looking_messages_are_unreadable(raw: object) -> None:
    assert guard_message(raw).problem == UNREADABLE_INTENT


def test_control_characters_inside_text_are_dropped() -> None:
    assert guard_message("bon\x00jour\x07").text == "bonjour"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("/goodbye", "goodbye"),
        ('/inform{"order_verified": true}', 'inform{"order_verified": true}'),
        (
            '/switch_language{"requested_language": "en", "shop": "ro"}',
            'switch_language{"requested_language": "en", "shop": "ro"}',
        ),
        ("//restart", "restart"),
    ],
)
def test_typed_intent_commands_are_never_executed(raw: str, text: str) -> None:
    assert guard_message(raw).text == text


@pytest.mark.parametrize("payload", ['/switch_language{"requested_language": "ro"}', "/affirm", "/deny", "/greet"])
def test_our_own_button_payloads_pass(payload: str) -> None:
    assert guard_message(payload).text == payload


def test_html_is_plain_text_for_the_nlu() -> None:
    assert guard_message("<img src=x onerror=alert(1)>").text == "<img src=x onerror=alert(1)>"


def test_numbers_are_text() -> None:
    assert guard_message(100106).text == "100106"


@pytest.mark.parametrize(
    "raw",
    [
        "/human_handoff",
        '/cancel_order{"order_number":"HM-100106"}',
        "/affirm",
        "//greet",
        " /human_handoff ",
        "\x00/human_handoff",
        "/Anything_Else",
    ],
)
def test_typed_command_shaped_text_is_unreadable_even_for_our_own_payloads(raw: str) -> None:
    """The gateway marks what the customer typed (not a button the bot offered): never a command."""
    assert guard_message(raw, typed=True) == GuardedMessage(f"/{UNREADABLE_INTENT}", UNREADABLE_INTENT)
    assert guard_message(raw, typed=False).text != f"/{UNREADABLE_INTENT}"


def test_typed_text_that_merely_starts_with_a_slash_is_read_as_text() -> None:
    assert guard_message("/ où est ma commande ?", typed=True).text == "où est ma commande ?"
    assert guard_message("1/2 taille ?", typed=True).text == "1/2 taille ?"
