"""The evaluation command's parts: CSV reading, labels from parse results, metrics, split."""

from pathlib import Path

import pytest

from harmony.nlu_eval.dataset import DatasetError, Utterance, read_csv
from harmony.nlu_eval.experiment import split
from harmony.nlu_eval.metrics import report
from harmony.nlu_eval.predict import label_of


def test_faq_predictions_are_labelled_with_their_topic() -> None:
    parse = {
        "intent": {"name": "faq"},
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/invoice"}}},
    }
    assert label_of(parse) == "faq/invoice"


@pytest.mark.parametrize("intent", ["nlu_fallback", "message_empty", None])
def test_fallback_and_internal_intents_count_as_out_of_scope(intent: str | None) -> None:
    assert label_of({"intent": {"name": intent}}) == "out_of_scope"


def test_plain_intents_are_kept() -> None:
    assert label_of({"intent": {"name": "track_order"}}) == "track_order"


def test_report_per_language_and_confusions() -> None:
    langs = ["fr", "fr", "en", "en"]
    gold = ["greet", "faq/invoice", "greet", "thanks"]
    predicted = ["greet", "faq/contact", "greet", "thanks"]
    result = report(langs, gold, predicted)
    assert result["overall"] == {"accuracy": 0.75, "macro_f1": pytest.approx(0.6667, abs=1e-3), "n": 4}
    assert result["by_language"]["fr"]["accuracy"] == 0.5
    assert result["by_language"]["en"]["accuracy"] == 1.0
    assert result["by_language"]["ro"]["n"] == 0
    assert result["confused_pairs"] == [{"gold": "faq/invoice", "predicted": "faq/contact", "count": 1}]


def test_csv_reading_and_clear_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text('lang,label,text,source\nfr,greet,"bonjour, ça va",x\n', encoding="utf-8")
    assert read_csv(good) == [Utterance("fr", "greet", "bonjour, ça va")]
    bad = tmp_path / "bad.csv"
    bad.write_text("lang,label,text\nde,greet,hallo\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad.csv:2: lang 'de'"):
        read_csv(bad)
    missing = tmp_path / "missing.csv"
    missing.write_text("language,text\nfr,x\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="missing column"):
        read_csv(missing)


def test_split_is_stratified_and_reproducible() -> None:
    rows = [
        Utterance(lang, label, f"{label} {lang} {i}")
        for label in ("a", "b")
        for lang in ("fr", "ro")
        for i in range(10)
    ]
    train, test = split(rows)
    assert len(test) == 8 and len(train) == 32
    assert {(r.label, r.lang) for r in test} == {("a", "fr"), ("a", "ro"), ("b", "fr"), ("b", "ro")}
    assert split(rows) == (train, test)
    assert not set(train) & set(test)
    _, other_test = split(rows, seed=1)
    assert len(other_test) == 8 and set(other_test) != set(test)


def _parse(intent: str, confidence: float, second: float, topic_confidence: float) -> dict:
    return {
        "intent_ranking": [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": second}],
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/jobs", "confidence": topic_confidence}}},
    }


def test_relabel_applies_the_pipeline_thresholds() -> None:
    from harmony.nlu_eval.threshold_sweep import relabel

    assert relabel(_parse("faq", 0.9, 0.05, 0.5), 0.5, 0.1, 0.3) == "faq/jobs"
    assert relabel(_parse("faq", 0.9, 0.05, 0.2), 0.5, 0.1, 0.3) == "out_of_scope"
    assert relabel(_parse("faq", 0.9, 0.05, 0.2), 0.5, 0.1, 0.1) == "faq/jobs"
    assert relabel(_parse("faq", 0.4, 0.05, 0.9), 0.5, 0.1, 0.3) == "out_of_scope"
    assert relabel(_parse("track_order", 0.55, 0.5, 0.9), 0.5, 0.1, 0.3) == "out_of_scope"  # ambiguous
    assert relabel(_parse("track_order", 0.8, 0.1, 0.0), 0.5, 0.1, 0.3) == "track_order"
