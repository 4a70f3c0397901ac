"""Train an NLU model with a given config and measure it: held-out split and/or CSV files.

`make heldout [CONFIG=config.yml]`: 80/20 split of the team's data, stratified by label
and language (seed 42, or `--seed N` for another split); trains on 80 %, evaluates on
20 %. With `--eval FILE ...` and no split, trains on all the data and evaluates the files
(pipeline comparisons).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

from harmony.launcher.environments import rasa_process_env
from harmony.nlu_eval.dataset import Utterance, read_csv, training_utterances, write_csv
from harmony.nlu_eval.main import REPORTS, evaluate, print_summary, write_report
from harmony.settings import PROJECT_ROOT

TEST_SHARE = 0.2
DEFAULT_SEED = 42


def split(rows: list[Utterance], seed: int = DEFAULT_SEED) -> tuple[list[Utterance], list[Utterance]]:
    groups: dict[tuple[str, str], list[Utterance]] = defaultdict(list)
    for row in rows:
        groups[(row.label, row.lang)].append(row)
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not security
    train: list[Utterance] = []
    test: list[Utterance] = []
    for key in sorted(groups):
        members = groups[key][:]
        rng.shuffle(members)
        cut = round(len(members) * TEST_SHARE) if len(members) >= 5 else 0
        test += members[:cut]
        train += members[cut:]
    return train, test


def write_nlu(path: Path, rows: list[Utterance]) -> None:
    by_label: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_label[row.label].append(row.text)
    blocks = [
        {"intent": label, "examples": "".join(f"- {text}\n" for text in texts)}
        for label, texts in sorted(by_label.items())
    ]
    path.write_text(yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False))


def train_nlu(config: Path, nlu: Path, out: Path) -> Path:
    env = rasa_process_env()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            str(nlu),
            "--domain",
            "bot/domain",
            "--out",
            str(out),
            "--fixed-model-name",
            "experiment",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    return out / "experiment.tar.gz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harmony.nlu_eval.experiment", description=__doc__)
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml")
    parser.add_argument("--heldout", action="store_true", help="train on 80 %% and evaluate the other 20 %%")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the held-out split")
    parser.add_argument("--eval", type=Path, nargs="*", default=[], help="CSV files to evaluate")
    parser.add_argument("--keep-model", type=Path, help="also save the trained model there")
    args = parser.parse_args(argv)
    rows = training_utterances(PROJECT_ROOT / "bot" / "data")
    train, test = split(rows, args.seed) if args.heldout else (rows, [])
    tag = args.config.stem if args.seed == DEFAULT_SEED else f"{args.config.stem}-seed{args.seed}"
    with tempfile.TemporaryDirectory(prefix="harmony-nlu-") as tmp:
        nlu = Path(tmp) / "train.yml"
        write_nlu(nlu, [r for r in train if not r.label.startswith("message_")])
        model = train_nlu(args.config, nlu, Path(tmp))
        if args.keep_model:
            args.keep_model.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(model, args.keep_model)
        sets: list[tuple[str, list[Utterance]]] = []
        if test:
            write_csv(REPORTS / f"heldout-{tag}.csv", test)
            sets.append((f"{tag}-heldout", test))
        sets += [(f"{tag}-{path.stem}", read_csv(path)) for path in args.eval]
        for name, data in sets:
            result, _ = evaluate(data, model)
            result["config"] = str(args.config.name)
            write_report(name, result)
            print_summary(name, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
