"""FAQ entries of the knowledge base (`kb/faq/<topic>.yml`): load and validate.

One entry per FAQ topic of `intents.yml`: a short title and an answer per market
(fr, ro, intl) in each language (fr, en, ro). The bot's responses are generated from
these files (`harmony.kb.faq_domain`); the agents' canned replies read them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harmony.settings import LANGUAGES, MARKETS, PROJECT_ROOT

FAQ_DIR = PROJECT_ROOT / "kb" / "faq"
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"
INTENTS_FILE = PROJECT_ROOT.parent / "shared" / "intents.yml"
MAX_ANSWER_CHARS = 450
MAX_ANSWER_LINES = 5
PLACEHOLDER = re.compile(r"[{}]|\bTODO\b|\bTBD\b|XXX|\[\.\.\.\]|<[a-z_]+>|\$\{")


@dataclass(frozen=True)
class FaqEntry:
    topic: str
    titles: dict[str, str]
    sources: tuple[str, ...]
    offer_agent: frozenset[str]
    answers: dict[str, dict[str, str]]  # market -> language -> text

    def answer(self, market: str, language: str) -> str:
        return self.answers[market][language]


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
    else:
        problems += [f"{topic}: unknown seed {s!r}" for s in sources if not (seeds_dir / str(s)).is_file()]
    offer = raw.get("offer_agent", [])
    if not isinstance(offer, list) or not set(offer) <= set(MARKETS):
        problems.append(f"{topic}: 'offer_agent' must be a list of markets")
    answers: dict[str, Any] = raw["answers"] if isinstance(raw.get("answers"), dict) else {}
    for market in MARKETS:
        by_language = answers.get(market)
        if not isinstance(by_language, dict):
            problems.append(f"{topic}: no answer for market {market}")
            continue
        for language in LANGUAGES:
            problems += _answer_problems(f"{topic}: {market}/{language}", by_language.get(language))
    return problems


def _answer_problems(where: str, text: Any) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        return [f"{where}: answer is missing or empty"]
    problems = []
    if PLACEHOLDER.search(text):
        problems.append(f"{where}: unresolved placeholder in {text[:60]!r}")
    if len(text) > MAX_ANSWER_CHARS:
        problems.append(f"{where}: {len(text)} characters, at most {MAX_ANSWER_CHARS} for a chat message")
    if len(text.strip().splitlines()) > MAX_ANSWER_LINES:
        problems.append(f"{where}: more than {MAX_ANSWER_LINES} lines")
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


def load_faq(faq_dir: Path = FAQ_DIR) -> dict[str, FaqEntry]:
    """All entries by topic; raises ValueError listing the problems of an invalid entry."""
    problems = [p for topic, raw in read_raw_entries(faq_dir).items() for p in entry_problems(topic, raw)]
    if problems:
        raise ValueError("the FAQ knowledge base is invalid:\n  " + "\n  ".join(problems))
    return {
        topic: FaqEntry(
            topic=topic,
            titles={lang: str(raw["title"][lang]).strip() for lang in LANGUAGES},
            sources=tuple(raw["sources"]),
            offer_agent=frozenset(raw.get("offer_agent") or []),
            answers={m: {lang: raw["answers"][m][lang].strip() for lang in LANGUAGES} for m in MARKETS},
        )
        for topic, raw in read_raw_entries(faq_dir).items()
    }
