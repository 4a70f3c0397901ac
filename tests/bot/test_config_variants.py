"""The pipeline variants of the NLU comparison differ from config.yml only where they say."""

from typing import Any

import yaml

from harmony.settings import PROJECT_ROOT


def _load(path: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / path).read_text(encoding="utf-8"))
    return loaded


def test_fr_vectors_variant_is_config_yml_plus_french_vectors() -> None:
    chosen, variant = _load("config.yml"), _load("bot/config_variants/fr_vectors.yml")
    vectors = {"name": "bot.components.french_vectors.FrenchWordVectors"}
    classifier = "bot.components.linear_intent_classifier.LinearIntentClassifier"
    assert vectors in variant["pipeline"] and vectors not in chosen["pipeline"]
    uses_vectors = next(c for c in variant["pipeline"] if c["name"] == classifier)
    assert uses_vectors.pop("dense_features") is True
    assert [c for c in variant["pipeline"] if c != vectors] == chosen["pipeline"]
    assert variant["policies"] == chosen["policies"]


def test_diet_variant_keeps_the_policies_of_config_yml() -> None:
    chosen, variant = _load("config.yml"), _load("bot/config_variants/diet.yml")
    names = [c["name"] for c in variant["pipeline"]]
    assert "DIETClassifier" in names and "ResponseSelector" in names
    assert variant["policies"] == chosen["policies"]


def test_e5_variant_is_config_yml_plus_sentence_embeddings() -> None:
    chosen, variant = _load("config.yml"), _load("bot/config_variants/e5.yml")
    featurizer = "bot.components.sentence_embeddings.SentenceEmbeddingFeaturizer"
    classifier = "bot.components.linear_intent_classifier.LinearIntentClassifier"
    assert featurizer in [c["name"] for c in variant["pipeline"]]
    uses_embeddings = next(c for c in variant["pipeline"] if c["name"] == classifier)
    assert uses_embeddings.pop("dense_features") is True
    assert uses_embeddings.pop("dense_unit_length") is False
    assert [c for c in variant["pipeline"] if c["name"] != featurizer] == chosen["pipeline"]
    assert variant["policies"] == chosen["policies"]
