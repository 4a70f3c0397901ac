"""Choose the fallback threshold on the team's held-out split.

`python -m harmony.nlu_eval.threshold_sweep MODEL HELDOUT.csv [CONFIG]`: parses every row
once and prints accuracy / macro-F1 / out-of-scope recall / in-scope accuracy for a range
of FallbackClassifier thresholds, re-applying the pipeline's fallback rules to the raw
rankings (the ambiguity threshold, and the FAQ-topic gate of the DIET variant, are read
from the config).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from harmony.nlu_eval.dataset import read_csv
from harmony.nlu_eval.metrics import scores
from harmony.nlu_eval.predict import INTERNAL_INTENTS, Predictor
from harmony.settings import PROJECT_ROOT

THRESHOLDS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
TOPIC_GATE = "bot.components.retrieval_fallback.RetrievalConfidenceFallback"


def fallback_settings(config: Path = PROJECT_ROOT / "config.yml") -> tuple[float, float, float]:
    """FallbackClassifier threshold and ambiguity threshold, FAQ-topic gate (0 without one)."""
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"]
    fallback = next(c for c in pipeline if c["name"] == "FallbackClassifier")
    gate: dict[str, Any] = next((c for c in pipeline if c["name"] == TOPIC_GATE), {})
    return (
        float(fallback["threshold"]),
        float(fallback.get("ambiguity_threshold", 0.1)),
        float(gate.get("threshold", 0.0)),
    )


def relabel(parse: dict[str, Any], intent_threshold: float, ambiguity: float, topic_threshold: float) -> str:
    """The label the pipeline would give with these thresholds."""
    ranking = [r for r in parse.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
    if not ranking:
        return "out_of_scope"
    best = ranking[0]
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    if best["confidence"] < intent_threshold or best["confidence"] - second < ambiguity:
        return "out_of_scope"
    if best["name"] in INTERNAL_INTENTS:
        return "out_of_scope"
    if best["name"] != "faq":
        return str(best["name"])
    response = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    if float(response.get("confidence") or 0.0) < topic_threshold or not response.get("intent_response_key"):
        return "out_of_scope"
    return str(response["intent_response_key"])


def main(argv: list[str]) -> int:
    model, data = Path(argv[0]), Path(argv[1])
    config = Path(argv[2]) if len(argv) > 2 else PROJECT_ROOT / "config.yml"
    rows = read_csv(data)
    predictor = Predictor(model)
    parses = [predictor.parse(row.text) for row in rows]
    current, ambiguity, topic_threshold = fallback_settings(config)
    gold = [row.label for row in rows]
    print(f"{data.name}: {len(rows)} rows; {config.name}: threshold now {current}, ambiguity {ambiguity}")
    print("threshold | accuracy | macro-F1 | oos recall | in-scope accuracy")
    for threshold in THRESHOLDS:
        predicted = [relabel(p, threshold, ambiguity, topic_threshold) for p in parses]
        result = scores(gold, predicted)
        oos = [p == "out_of_scope" for g, p in zip(gold, predicted, strict=True) if g == "out_of_scope"]
        ins = [g == p for g, p in zip(gold, predicted, strict=True) if g != "out_of_scope"]
        oos_recall = sum(oos) / len(oos) if oos else float("nan")
        in_scope = sum(ins) / len(ins) if ins else float("nan")
        print(
            f"{threshold:15} | {result['accuracy']:.3f} | {result['macro_f1']:.3f} | {oos_recall:.3f} | {in_scope:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
