"""Order numbers and e-mail addresses as customers type them, and masking for replies."""

from __future__ import annotations

import re

# "HM-100106", "hm 100106", "hm100106", "HM - 100 106": prefix, optional dash, six digits.
_ORDER_NUMBER = re.compile(r"(?<![\w@.])hm\s*[-‐–—_]?\s*(\d{3})\s?(\d{3})(?!\d)", re.IGNORECASE)
_BARE_DIGITS = re.compile(r"(?<![\w@.+-])(\d{6})(?![\w@])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def find_order_number(text: str, accept_bare_digits: bool = False) -> str | None:
    """The first order number in `text`, normalised to `HM-123456`.

    Six digits alone ("c'est le 100106") count only when the bot has just asked for the
    number (`accept_bare_digits`), since postcodes and phone numbers also have digits.
    """
    match = _ORDER_NUMBER.search(text)
    if match:
        return f"HM-{match[1]}{match[2]}"
    if accept_bare_digits:
        digits = _BARE_DIGITS.findall(text)
        if len(digits) == 1:
            return f"HM-{digits[0]}"
    return None


def find_email(text: str) -> str | None:
    """The first e-mail address in `text`, lowercased."""
    match = _EMAIL.search(text)
    return match[0].lower() if match else None


def mask_email(email: str) -> str:
    """`claire.martin@example.fr` -> `c***@example.fr`: enough to recognise, not to reuse."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def looks_like_order_details(text: str) -> bool:
    """An order number with an e-mail, or either one with hardly any other word.

    Such a message identifies an order whatever the NLU guessed (an e-mail next to an order
    number is not a password question); an order number inside a real question is not.
    """
    number, email = find_order_number(text), find_email(text)
    if number and email:
        return True
    if not (number or email):
        return False
    return words_besides_details(text) <= 2


def words_besides_details(text: str) -> int:
    """How many words the message has once its order number and e-mail are taken out."""
    return len(re.findall(r"\w+", _EMAIL.sub(" ", _ORDER_NUMBER.sub(" ", text))))
