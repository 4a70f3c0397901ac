"""The training data's layout (bot/data/nlu/<language>/<area>.yml) and how the evaluation reads it."""

import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from harmony.nlu_eval.dataset import LANGUAGES, training_utterances
from harmony.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "bot" / "data"


def test_the_language_of_an_example_is_its_folder(tmp_path: Path) -> None:
    for lang in ("fr", "ro"):
        (tmp_path / "nlu" / lang).mkdir(parents=True)
        (tmp_path / "nlu" / lang / "conversation.yml").write_text(
            'version: "3.1"\nnlu:\n  - intent: thanks\n    examples: |\n      - ms\n'
        )
    (tmp_path / "rules.yml").write_text('version: "3.1"\nrules: []\n')
    rows = training_utterances(tmp_path)
    assert sorted((r.lang, r.label, r.text) for r in rows) == [("fr", "thanks", "ms"), ("ro", "thanks", "ms")]


def test_each_label_has_one_block_in_one_file_per_language() -> None:
    places: Counter[tuple[str, str]] = Counter()
    for path in sorted((DATA / "nlu").rglob("*.yml")):
        assert path.parent.name in (*LANGUAGES, "mixed"), path
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            places[(block["intent"], path.parent.name)] += 1
    assert [key for key, n in places.items() if n > 1] == []
    labels = {label for label, _ in places}
    assert all((label, lang) in places for label in labels for lang in LANGUAGES)


def _normalised(text: str) -> str:
    """Lower case, NFKC, no accents, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).lower())
    text = "".join(c for c in text if not unicodedata.combining(c) and not unicodedata.category(c).startswith("P"))
    return " ".join(text.split())


def test_no_example_twice_and_none_under_two_labels() -> None:
    rows = training_utterances(DATA)
    twice = [key for key, n in Counter((r.label, _normalised(r.text)) for r in rows).items() if n > 1]
    labels: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        labels[_normalised(row.text)].add(row.label)
    assert twice == []
    assert {text: found for text, found in labels.items() if len(found) > 1} == {}
