"""Whether a customer's message names an e-mail address (the whole address, any case)."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def is_email(value: str) -> bool:
    """A whole address (`name@domain.tld`): a bare word would match every message that contains it."""
    return EMAIL.fullmatch(value.strip()) is not None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def mentions(text: str, email: str) -> bool:
    """True when `text` holds `email` as a whole address: "bob@x.fr" is not in "tbob@x.fr" nor in
    "bob@x.fr.com", but is in "c'est Bob@X.fr." (a sentence's final period is not part of it)."""
    needle = normalise_email(email)
    if not needle:
        return False
    pattern = rf"(?<![\w.+\-]){re.escape(needle)}(?![\w\-]|\.\w)"
    return re.search(pattern, text.lower()) is not None
