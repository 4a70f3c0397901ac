"""The prepared n-gram rows are scikit-learn's TF-IDF rows: same columns, same values, same predictions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion, make_union
from sklearn.svm import LinearSVC

from bot.components.ngram_rows import NgramRows

TRAINING = [
    "où est ma commande ?",
    "Où est mon colis HM-100106 ?",
    "where is my order",
    "where is my parcel, it's late late late",
    "unde e comanda mea?",
    "cât costă transportul în România?",
    "combien coûte la livraison",
    "how much is shipping to the US",
    "bonjour",
    "hello there",
]

# messages as customers type them: unseen words, repeats, accents or none, emoji, nothing at all
MESSAGES = [
    "OU EST MA COMMANDE",
    "ou est ma commande commande commande ???",
    "unde este coletul meu? comanda HM-100106",
    "😡😡 where is it",
    "",
    "   ",
    "???",
    "zzzz qqqq",
    "Combien coûte la livraison en Roumanie, svp ?",
]


def _union(**options: object) -> FeatureUnion:
    return make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), strip_accents="unicode", **options),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), strip_accents="unicode", **options),
    ).fit(TRAINING)


@pytest.mark.parametrize("sublinear_tf", [True, False])
def test_rows_equal_scikit_learns_transform(sublinear_tf: bool) -> None:
    features = _union(sublinear_tf=sublinear_tf)
    rows = NgramRows.for_features(features)
    assert rows is not None

    expected = features.transform(MESSAGES)
    got = rows(MESSAGES)

    assert got.shape == expected.shape
    assert (got != 0).sum() == (expected != 0).sum()
    assert np.allclose(got.toarray(), expected.toarray(), rtol=0, atol=1e-12)
    assert np.array_equal(np.sort(got.indices), np.sort(expected.indices))


def test_a_classifier_gives_the_same_scores() -> None:
    features = _union(sublinear_tf=True)
    labels = ["track"] * 5 + ["shipping"] * 3 + ["greet"] * 2
    svm = LinearSVC().fit(features.transform(TRAINING), labels)
    rows = NgramRows.for_features(features)
    assert rows is not None

    assert np.allclose(svm.decision_function(rows(MESSAGES)), svm.decision_function(features.transform(MESSAGES)))


def test_one_row_per_message_even_without_any_known_n_gram() -> None:
    rows = NgramRows.for_features(_union(sublinear_tf=True))
    assert rows is not None

    matrix = rows(["", "ⵣⵣⵣ"])

    assert matrix.shape[0] == 2
    assert matrix.nnz == 0


@pytest.mark.parametrize(
    "features",
    [
        make_union(TfidfVectorizer(norm="l1"), TfidfVectorizer()),
        make_union(TfidfVectorizer(use_idf=False), TfidfVectorizer()),
        make_union(TfidfVectorizer(binary=True), TfidfVectorizer()),
        make_union(CountVectorizer(), TfidfVectorizer()),
        FeatureUnion([("a", TfidfVectorizer()), ("b", TfidfVectorizer())], transformer_weights={"a": 2.0}),
    ],
    ids=["l1-norm", "no-idf", "binary", "counts", "weighted-union"],
)
def test_settings_it_does_not_reproduce_are_left_to_scikit_learn(features: FeatureUnion) -> None:
    features.fit(TRAINING)

    assert NgramRows.for_features(features) is None


def test_an_unfitted_union_is_left_to_scikit_learn() -> None:
    assert NgramRows.for_features(make_union(TfidfVectorizer(), TfidfVectorizer())) is None
