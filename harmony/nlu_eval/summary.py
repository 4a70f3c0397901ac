"""Markdown rows of evaluation reports, for docs/nlu-quality.md (numbers only, no texts)."""

from __future__ import annotations

import json
import sys

from harmony.nlu_eval.main import REPORTS


def row(name: str) -> str:
    report = json.loads((REPORTS / f"eval-{name}.json").read_text(encoding="utf-8"))
    cells = [name, report.get("model") or report.get("config", "")]
    for scope in ("overall", "fr", "en", "ro"):
        values = report["overall"] if scope == "overall" else report["by_language"][scope]
        cells.append(f"{values['accuracy']:.3f} / {values['macro_f1']:.3f} ({values['n']})" if values["n"] else "–")
    return "| " + " | ".join(cells) + " |"


def oos_row(name: str) -> str:
    """In-scope accuracy and out-of-scope recall (for sets dominated by out_of_scope)."""
    report = json.loads((REPORTS / f"eval-{name}.json").read_text(encoding="utf-8"))
    labels = report["by_label"]
    oos = labels.get("out_of_scope", {"recall": 0.0, "n": 0})
    in_scope_n = report["overall"]["n"] - oos["n"]
    in_scope_correct = sum(v["recall"] * v["n"] for k, v in labels.items() if k != "out_of_scope")
    in_scope = in_scope_correct / in_scope_n if in_scope_n else float("nan")
    return f"| {name} | {in_scope:.3f} ({in_scope_n}) | {oos['recall']:.3f} ({oos['n']}) |"


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(row(name))
    print()
    for name in sys.argv[1:]:
        print(oos_row(name))
