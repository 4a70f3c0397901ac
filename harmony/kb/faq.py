"""FAQ entries of the knowledge base (`kb/faq/<topic>.yml`): load and validate.

One entry per FAQ topic of `intents.yml`: a short title and an answer per market
(fr, ro, intl) in each language (fr, en, ro). An answer is one chat message or a list of
two; each message is at most `MAX_MESSAGE_CHARS` characters. The bot's responses are
generated from these files (`harmony.kb.faq_domain`); the agents' canned replies read
them too (`FaqEntry.answer`, the whole answer as one text).

The group's beauty salon (seed 003) has no shop page: an entry may hold its answer under
`answers.salon`, and an answer names it with the word `salon`, either for a whole market
(`intl: salon`) or as one message of a language's list (`fr: ["...", salon]`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from harmony.kb.markets import LANGUAGES, market_codes
from harmony.kb.paths import KB_DIR
from harmony.settings import PROJECT_ROOT

FAQ_DIR = KB_DIR / "faq"
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"
INTENTS_FILE = PROJECT_ROOT.parent / "shared" / "intents.yml"
SALON = "salon"  # the variant of the salon, and the word that puts its answer in a shop's answer
SALON_SEED_PREFIX = "003_"  # seeds/README.md: 003 is the beauty salon's terms
MAX_MESSAGES = 2
MAX_MESSAGE_CHARS = 300
MAX_MESSAGE_LINES = 5
MAX_NOTE_CHARS = 400
PARAGRAPH = "\n\n"  # between the messages of an answer given as one text
PLACEHOLDER = re.compile(r"[{}]|\bTODO\b|\bTBD\b|XXX|\[\.\.\.\]|<[a-z_]+>|\$\{")
SEED_NUMBER = re.compile(r"\b(\d{3})\b")

Messages = tuple[str, ...]


@dataclass(frozen=True)
class FaqEntry:
    topic: str
    titles: dict[str, str]
    sources: tuple[str, ...]
    source_notes: tuple[str, ...]
    offer_agent: frozenset[str]  # shops whose answer has a "talk to a support agent" button
    answers: dict[str, dict[str, Messages]]  # market -> language -> chat messages (the salon's resolved)
    hand_off: frozenset[str] = frozenset()  # shops where the policy cannot settle it: a support agent takes over

    def parts(self, market: str, language: str) -> Messages:
        """The answer as the chat messages the bot sends, in order (one or two)."""
        return self.answers[market][language]

    def answer(self, market: str, language: str) -> str:
        """The whole answer as one text (the messages separated by a blank line)."""
        return PARAGRAPH.join(self.parts(market, language))


def faq_topics_of_label_set(intents_file: Path = INTENTS_FILE) -> list[str]:
    """FAQ topic names of `intents.yml`, read line by line (the file is not strict YAML)."""
    topics: list[str] = []
    in_faq = False
    for line in intents_file.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\S", line):
            in_faq = line.startswith("faq:")
            continue
        match = re.match(r"^  ([a-z_]+):", line)
        if in_faq and match:
            topics.append(match.group(1))
    return topics


def entry_problems(topic: str, raw: Any, seeds_dir: Path = SEEDS_DIR) -> list[str]:
    """Everything wrong with one entry; empty when it is usable."""
    if not isinstance(raw, dict):
        return [f"{topic}: not a mapping"]
    problems: list[str] = []
    if raw.get("topic") != topic:
        problems.append(f"{topic}: 'topic' is {raw.get('topic')!r}, expected {topic!r}")
    titles: dict[str, Any] = raw["title"] if isinstance(raw.get("title"), dict) else {}
    for language in LANGUAGES:
        if not str(titles.get(language) or "").strip():
            problems.append(f"{topic}: title in {language} is missing")
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        problems.append(f"{topic}: 'sources' must list the seed files the answers come from")
        sources = []
    else:
        problems += [f"{topic}: unknown seed {s!r}" for s in sources if not (seeds_dir / str(s)).is_file()]
    problems += _note_problems(topic, raw.get("source_notes", []), [str(s) for s in sources])
    for field in ("offer_agent", "hand_off"):
        shops = raw.get(field, [])
        if not isinstance(shops, list) or not set(shops) <= set(market_codes()):
            problems.append(f"{topic}: '{field}' must be a list of markets")
    answers: dict[str, Any] = raw["answers"] if isinstance(raw.get("answers"), dict) else {}
    problems += [f"{topic}: unknown answer variant {key!r}" for key in answers if key not in (*market_codes(), SALON)]
    if SALON in answers:
        problems += _variant_problems(f"{topic}: {SALON}", answers[SALON], None)
        if not any(str(s).startswith(SALON_SEED_PREFIX) for s in sources):
            problems.append(f"{topic}: a salon answer needs the salon's seed ({SALON_SEED_PREFIX}...) in 'sources'")
    for market in market_codes():
        by_language = answers.get(market)
        if by_language is None:
            problems.append(f"{topic}: no answer for market {market}")
        else:
            problems += _variant_problems(f"{topic}: {market}", by_language, answers.get(SALON))
    return problems


def _note_problems(topic: str, notes: Any, sources: list[str]) -> list[str]:
    """Source notes: short strings, each naming the seed (by its number) of the passage it locates."""
    if not isinstance(notes, list):
        return [f"{topic}: 'source_notes' must be a list of short texts"]
    problems = []
    numbers = {s[:3] for s in sources}
    for index, note in enumerate(notes):
        where = f"{topic}: source_notes[{index}]"
        if not isinstance(note, str) or not note.strip():
            problems.append(f"{where}: empty")
        elif len(note) > MAX_NOTE_CHARS:
            problems.append(f"{where}: {len(note)} characters, at most {MAX_NOTE_CHARS}")
        elif not set(SEED_NUMBER.findall(note)) & numbers:
            problems.append(f"{where}: names none of the entry's seeds by number ({', '.join(sorted(numbers))})")
    return problems


def _variant_problems(where: str, by_language: Any, salon: Any) -> list[str]:
    if by_language == SALON:
        return [] if salon is not None else [f"{where}: says '{SALON}' but the entry has no salon answer"]
    if not isinstance(by_language, dict):
        return [f"{where}: must map each language to its answer"]
    problems: list[str] = []
    for language in LANGUAGES:
        text = by_language.get(language)
        salon_text = salon.get(language) if isinstance(salon, dict) else None
        if isinstance(text, list) and SALON in text and salon_text is None:
            problems.append(f"{where}/{language}: says '{SALON}' but the entry has no salon answer")
            continue
        problems += _messages_problems(f"{where}/{language}", _messages(text, salon_text))
    return problems


def _messages(text: Any, salon_text: Any = None) -> list[Any]:
    """A language's answer as its list of messages, the salon's put in place of the word `salon`."""
    if isinstance(text, list):
        found: list[Any] = []
        for item in text:
            found += _messages(salon_text) if item == SALON else [item]
        return found
    return [text]


def _messages_problems(where: str, messages: list[Any]) -> list[str]:
    if not messages or len(messages) > MAX_MESSAGES:
        return [f"{where}: {len(messages)} messages, an answer is 1 to {MAX_MESSAGES} chat messages"]
    problems: list[str] = []
    for number, text in enumerate(messages, start=1):
        label = where if len(messages) == 1 else f"{where} message {number}"
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{label}: answer is missing or empty")
            continue
        if PLACEHOLDER.search(text):
            problems.append(f"{label}: unresolved placeholder in {text[:60]!r}")
        if len(text.strip()) > MAX_MESSAGE_CHARS:
            problems.append(f"{label}: {len(text.strip())} characters, at most {MAX_MESSAGE_CHARS} for a chat message")
        if len(text.strip().splitlines()) > MAX_MESSAGE_LINES:
            problems.append(f"{label}: more than {MAX_MESSAGE_LINES} lines")
    return problems


def read_raw_entries(faq_dir: Path = FAQ_DIR) -> dict[str, Any]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(faq_dir.glob("*.yml"))}


def knowledge_base_problems(faq_dir: Path = FAQ_DIR, intents_file: Path = INTENTS_FILE) -> list[str]:
    """Missing topics, extra files and every entry's problems."""
    raw = read_raw_entries(faq_dir)
    expected = faq_topics_of_label_set(intents_file)
    problems = [f"{topic}: no entry in {faq_dir}" for topic in expected if topic not in raw]
    problems += [f"{name}: not a FAQ topic of intents.yml" for name in raw if name not in expected]
    for topic, entry in raw.items():
        problems += entry_problems(topic, entry)
    return problems


def _entry(topic: str, raw: dict[str, Any]) -> FaqEntry:
    answers = raw["answers"]
    salon = answers.get(SALON) or {}

    def resolved(market: str, language: str) -> Messages:
        by_language = salon if answers[market] == SALON else answers[market]
        return tuple(str(m).strip() for m in _messages(by_language[language], salon.get(language)))

    return FaqEntry(
        topic=topic,
        titles={lang: str(raw["title"][lang]).strip() for lang in LANGUAGES},
        sources=tuple(raw["sources"]),
        source_notes=tuple(str(note).strip() for note in raw.get("source_notes") or []),
        offer_agent=frozenset(raw.get("offer_agent") or []),
        hand_off=frozenset(raw.get("hand_off") or []),
        answers={m: {lang: resolved(m, lang) for lang in LANGUAGES} for m in market_codes()},
    )


def load_faq(faq_dir: Path = FAQ_DIR) -> dict[str, FaqEntry]:
    """All entries by topic; raises ValueError listing the problems of an invalid entry."""
    raw_entries = read_raw_entries(faq_dir)
    problems = [p for topic, raw in raw_entries.items() for p in entry_problems(topic, raw)]
    if problems:
        raise ValueError("the FAQ knowledge base is invalid:\n  " + "\n  ".join(problems))
    return {topic: _entry(topic, raw) for topic, raw in raw_entries.items()}


@lru_cache(maxsize=1)
def faq_entries() -> dict[str, FaqEntry]:
    """The entries of `kb/faq/`, read once per process (the files change with a deployment)."""
    return load_faq()
