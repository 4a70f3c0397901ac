"""The n-gram TF-IDF rows of a few messages, computed directly from the fitted vectorizers.

At serving time the classifier featurizes one message per turn. Through scikit-learn's
`FeatureUnion.transform`, most of that time is not the n-grams: each call checks that every
vectorizer is fitted, rebuilds its analyzer and recomputes the IDF vector from a diagonal sparse
matrix (12 % of the Rasa server's time at 8 concurrent conversations, against 4 % for the n-grams
themselves). `NgramRows` does that preparation once and then computes, for each message, what
`TfidfVectorizer.transform` computes: term counts over the vocabulary, `1 + log(count)` when
`sublinear_tf`, times IDF, at unit length per vectorizer, the blocks side by side as
`FeatureUnion` stacks them. The values equal scikit-learn's up to floating-point rounding
(tests/bot/components/test_ngram_rows.py).

Only the settings our classifier uses are supported (`analyzer` word or char n-grams, IDF on,
`norm="l2"`, counts not binary, no union weights); `NgramRows.for_features` returns None for
any other, and the caller keeps scikit-learn's transform.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion


@dataclass(frozen=True)
class _Block:
    """One fitted vectorizer, ready to use: its analyzer, vocabulary and IDF, and its first column."""

    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    sublinear_tf: bool
    offset: int

    def columns_and_values(self, text: str) -> tuple[list[int], list[float]]:
        vocabulary = self.vocabulary
        counts = Counter(vocabulary[term] for term in self.analyze(text) if term in vocabulary)
        columns = sorted(counts)
        if self.sublinear_tf:
            values = [(math.log(counts[c]) + 1.0) * self.idf[c] for c in columns]
        else:
            values = [counts[c] * self.idf[c] for c in columns]
        norm = math.sqrt(sum(v * v for v in values))
        if norm > 0:
            values = [v / norm for v in values]
        return [self.offset + c for c in columns], values


class NgramRows:
    """`features.transform(texts)` for a fitted `FeatureUnion` of `TfidfVectorizer`s, prepared once."""

    def __init__(self, blocks: Sequence[_Block], width: int) -> None:
        self._blocks = tuple(blocks)
        self._width = width

    @classmethod
    def for_features(cls, features: Any) -> NgramRows | None:
        """Prepared rows for `features`, or None when it is not a union this module reproduces."""
        if not isinstance(features, FeatureUnion) or features.transformer_weights:
            return None
        blocks = []
        offset = 0
        for _, vectorizer in features.transformer_list:
            if not _supported(vectorizer):
                return None
            vocabulary = dict(vectorizer.vocabulary_)
            blocks.append(
                _Block(
                    vectorizer.build_analyzer(),
                    vocabulary,
                    np.asarray(vectorizer.idf_, dtype=np.float64),
                    bool(vectorizer.sublinear_tf),
                    offset,
                )
            )
            offset += len(vocabulary)
        return cls(blocks, offset)

    def __call__(self, texts: Sequence[str]) -> scipy.sparse.csr_matrix:
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for text in texts:
            for block in self._blocks:
                columns, values = block.columns_and_values(text)
                indices.extend(columns)
                data.extend(values)
            indptr.append(len(indices))
        return scipy.sparse.csr_matrix(
            (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int32)),
            shape=(len(texts), self._width),
        )


def _supported(vectorizer: Any) -> bool:
    return (
        type(vectorizer) is TfidfVectorizer
        and vectorizer.analyzer in ("word", "char", "char_wb")
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and not vectorizer.binary
        and hasattr(vectorizer, "vocabulary_")
    )
