"""`make eval DATA=file.csv`: accuracy and macro-F1 per language, confusions, JSON report.

Runs in the Rasa environment: `.venv/rasa/bin/python -m harmony.nlu_eval DATA [--model M]`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from harmony.nlu_eval.dataset import DatasetError, Utterance, read_csv
from harmony.nlu_eval.metrics import report
from harmony.settings import PROJECT_ROOT, load_settings

REPORTS = PROJECT_ROOT / "reports"


def default_model() -> Path:
    from harmony.launcher.training import model_path

    return model_path(load_settings().models_dir)


def evaluate(rows: list[Utterance], model: Path) -> tuple[dict[str, Any], list[str]]:
    from harmony.nlu_eval.predict import Predictor

    predictor = Predictor(model)
    try:
        predicted = [predictor.label(row.text) for row in rows]
    finally:
        predictor.close()
    result = report([r.lang for r in rows], [r.label for r in rows], predicted)
    return result, predicted


def write_report(name: str, result: dict[str, Any]) -> Path:
    """`reports/eval-<name>.json` (not committed: it lists the misclassified texts)."""
    REPORTS.mkdir(exist_ok=True)
    out = REPORTS / f"eval-{name}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def print_summary(name: str, result: dict[str, Any]) -> None:
    print(f"\n{name}")
    print(f"{'':10}{'accuracy':>10}{'macro-F1':>10}{'n':>7}")
    for scope, values in [("overall", result["overall"]), *result["by_language"].items()]:
        if values["n"]:
            print(f"{scope:10}{values['accuracy']:>10.3f}{values['macro_f1']:>10.3f}{values['n']:>7}")
    print("\nmost confused (gold -> predicted: count)")
    for pair in result["confused_pairs"]:
        print(f"  {pair['gold']} -> {pair['predicted']}: {pair['count']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make eval DATA=file.csv", description=__doc__)
    parser.add_argument("data", type=Path, help="CSV file with columns lang,label,text")
    parser.add_argument("--model", type=Path, help="trained model (default: the current one in models/)")
    parser.add_argument("--name", help="report name (default: the CSV file name without extension)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        rows = read_csv(args.data)
    except DatasetError as exc:
        print(exc, file=sys.stderr)
        return 2
    model = args.model or default_model()
    if not model.exists():
        print(f"{model} does not exist: run `make train` first", file=sys.stderr)
        return 2
    result, predicted = evaluate(rows, model)
    name = args.name or args.data.stem
    result["data"], result["model"] = str(args.data), model.name
    result["errors"] = [
        {"lang": r.lang, "gold": r.label, "predicted": p, "text": r.text}
        for r, p in zip(rows, predicted, strict=True)
        if r.label != p
    ]
    out = write_report(name, result)
    print_summary(name, result)
    print(f"\nreport: {out.relative_to(PROJECT_ROOT)}")
    return 0
