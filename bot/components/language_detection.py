"""Which of fr/en/ro a message is written in, or None when that is not clear.

Pure logic on top of lingua (no Rasa import), so it is unit-tested on its own.
Short chat messages are the hard case: lingua alone calls "ok" English and "thx"
French. So words that every language uses are removed first, a small lexicon
decides messages made only of unmistakable words, and lingua decides the rest only
when it is clearly ahead. Unsure means None: the conversation keeps its language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGE_CODES = {Language.FRENCH: "fr", Language.ENGLISH: "en", Language.ROMANIAN: "ro"}

# Said the same way by customers of all three shops: never a sign of a language.
NEUTRAL_WORDS = frozenset(
    (
        "ok okay oki okey okk k kk thx ty lol mdr haha hihi hm hmm hmmm ah oh eh uh wow yo "
        "super cool top bravo ciao pa stop info email mail site web merci mersi salut da no "
        "sms pdf url app online paypal visa mastercard"
    ).split()
)

# Unmistakable words for messages too short for statistics (accents folded).
# ("mersi" is left out: it is Romanian and also French slang.)
LEXICON: dict[str, str] = {
    **dict.fromkeys("hello hi hey hiya thanks thank you yes yeah yep nope goodbye bye please".split(), "en"),
    **dict.fromkeys("bonjour bonsoir coucou oui ouais non revoir svp stp beaucoup".split(), "fr"),
    **dict.fromkeys("buna neata multumesc multumim multam salutare".split(), "ro"),
}

NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|\bHM[-\s]?\d{6}\b|[\d_]+", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class LanguageGuess:
    """`language` is set only when the guess is confident enough to change the conversation."""

    language: str | None
    confidence: float
    method: str


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(text: str) -> list[str]:
    """Lower-cased words, without URLs, e-mails, order numbers and digits."""
    return [w.lower() for w in WORD.findall(NOISE.sub(" ", text))]


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LANGUAGE_CODES).with_preloaded_language_models().build()


class LanguageGuesser:
    """Confident fr/en/ro detection with explicit thresholds (see module docstring)."""

    def __init__(
        self,
        min_confidence: float = 0.5,
        min_margin: float = 0.25,
        min_letters: int = 3,
    ) -> None:
        self.min_confidence = min_confidence
        self.min_margin = min_margin
        self.min_letters = min_letters

    def guess(self, text: str) -> LanguageGuess:
        all_words = words_of(text)
        words = [w for w in all_words if fold_accents(w) not in NEUTRAL_WORDS]
        lexical = {LEXICON.get(fold_accents(w)) for w in words}
        if len(lexical) == 1 and None not in lexical:
            return LanguageGuess(lexical.pop(), 1.0, "lexicon")
        if sum(len(w) for w in words) < self.min_letters:
            return LanguageGuess(None, 0.0, "too short")
        values = _detector().compute_language_confidence_values(" ".join(all_words))
        best, second = values[0], values[1]
        confident = best.value >= self.min_confidence and best.value - second.value >= self.min_margin
        language = LANGUAGE_CODES[best.language] if confident else None
        return LanguageGuess(language, round(best.value, 3), "statistics")
