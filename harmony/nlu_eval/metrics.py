"""Accuracy, macro-F1, per-label scores and the most confused label pairs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from harmony.nlu_eval.dataset import LANGUAGES


def scores(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Macro-F1 is averaged over the labels present in the gold data."""
    if not gold:
        return {"accuracy": None, "macro_f1": None, "n": 0}
    labels = sorted(set(gold))
    return {
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)), 4),
        "n": len(gold),
    }


def by_label(gold: list[str], predicted: list[str]) -> dict[str, dict[str, float]]:
    labels = sorted(set(gold) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    return {
        label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4), "n": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }


def confused_pairs(gold: list[str], predicted: list[str], top: int = 15) -> list[dict[str, Any]]:
    pairs = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return [{"gold": g, "predicted": p, "count": n} for (g, p), n in pairs.most_common(top)]


def report(langs: list[str], gold: list[str], predicted: list[str]) -> dict[str, Any]:
    by_language = {}
    for language in LANGUAGES:
        index = [i for i, lang in enumerate(langs) if lang == language]
        by_language[language] = scores([gold[i] for i in index], [predicted[i] for i in index])
    return {
        "overall": scores(gold, predicted),
        "by_language": by_language,
        "by_label": by_label(gold, predicted),
        "confused_pairs": confused_pairs(gold, predicted),
    }
