"""Labelled utterances: evaluation CSV files (`lang,label,text`) and the team's training data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml

LANGUAGES = ("fr", "en", "ro")
REQUIRED_COLUMNS = ("lang", "label", "text")


@dataclass(frozen=True)
class Utterance:
    lang: str
    label: str
    text: str


class DatasetError(ValueError):
    """The CSV file cannot be evaluated; the message says where and why."""


def read_csv(path: Path) -> list[Utterance]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise DatasetError(f"{path}: file not found") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DatasetError(f"{path}: missing column(s) {', '.join(missing)}; expected lang,label,text")
        rows = []
        for number, row in enumerate(reader, start=2):
            lang, label, text = (str(row.get(c) or "").strip() for c in REQUIRED_COLUMNS)
            if lang not in LANGUAGES:
                raise DatasetError(f"{path}:{number}: lang {lang!r} is not one of {', '.join(LANGUAGES)}")
            if not label or not text:
                raise DatasetError(f"{path}:{number}: empty label or text")
            rows.append(Utterance(lang, label, text))
    if not rows:
        raise DatasetError(f"{path}: no rows")
    return rows


def write_csv(path: Path, rows: list[Utterance]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REQUIRED_COLUMNS)
        writer.writerows((r.lang, r.label, r.text) for r in rows)


def _examples(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")]


def training_utterances(data_dir: Path) -> list[Utterance]:
    """The team's NLU examples with their language: the folder's (bot/data/nlu/<lang>/), else guessed."""
    from bot.components.language_detection import LanguageGuesser

    guesser = LanguageGuesser(min_confidence=0.0, min_margin=0.0, min_letters=1)
    rows: list[Utterance] = []
    for path in sorted(data_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        folder = path.parent.name if path.parent.name in LANGUAGES else None
        for block in document.get("nlu") or []:
            if "intent" not in block:
                continue
            for text in _examples(block.get("examples", "")):
                lang = folder or guesser.guess(text).language or "en"
                rows.append(Utterance(lang, block["intent"], text))
    return rows
