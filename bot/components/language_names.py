"""The language a customer asks for by name ("in English please", "vorbiți română?")."""

from __future__ import annotations

import re

from bot.components.language_detection import fold_accents

# Stems of the names of our three languages, in fr, en and ro, accents folded.
_NAMES = {
    "en": r"english|anglais|anglaise|engleza|englezeste|englezește",
    "fr": r"french|francais|francaise|franceza|frantuzeste|french",
    "ro": r"romanian|roumain|roumaine|romana|romaneste|romanian|limba romana",
}
_PATTERN = re.compile(
    r"\b(?:" + "|".join(f"(?P<{code}>{names})" for code, names in _NAMES.items()) + r")\b",
    re.IGNORECASE,
)


def requested_language(text: str) -> str | None:
    """The last of fr/en/ro named in `text` ("not French, English please" -> en), else None."""
    found = None
    for match in _PATTERN.finditer(fold_accents(text)):
        found = match.lastgroup
    return found
