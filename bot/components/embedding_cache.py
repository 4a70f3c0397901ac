"""Embeddings of training examples kept on disk by content hash, so a retrain re-embeds only new text.

Where: one SQLite file per cache directory, by default `var/embedding-cache/` of the
project (`HARMONY_VAR_DIR`): it outlives trainings, is shared by `make train`,
`make heldout` and `make crossval` (WAL mode lets them read and write at once), is not
committed and is not packed into the model. Rasa's model storage is per model and ships
inside the `.tar.gz`, and Rasa's own training cache is keyed by the whole training set,
so one changed example would re-embed all of them.

What: only training examples go through the cache (the featurizer's training path);
customer messages are embedded live and never written to disk. The key is the SHA-256
of the encoder's name (model, version, prefix) and the text, so another encoder or
prefix never reuses a vector. Entries are never evicted: ~1.6 kB each.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Dict, Iterable, List, Sequence

import numpy as np

from bot.components.sentence_encoder import SentenceEncoder

CACHE_FILE = "embeddings.sqlite3"
_CHUNK = 500  # keys per SELECT, under SQLite's bound-parameter limit
ENCODE_BATCH = 256


def content_key(encoder_name: str, text: str) -> bytes:
    return hashlib.sha256(f"{encoder_name}\0{text}".encode()).digest()


class EmbeddingCache:
    """Vectors by key in a SQLite file; a connection per call, so it is safe to share."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / CACHE_FILE
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS embedding (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=60)

    def get(self, keys: Sequence[bytes]) -> Dict[bytes, np.ndarray]:
        found: Dict[bytes, np.ndarray] = {}
        db = self._connect()
        try:
            for start in range(0, len(keys), _CHUNK):
                chunk = list(keys[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                for key, blob in db.execute(f"SELECT key, vector FROM embedding WHERE key IN ({marks})", chunk):  # noqa: S608 - only '?' marks
                    found[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
        finally:
            db.close()
        return found

    def put(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        rows = [(key, np.asarray(vector, dtype=np.float32).tobytes()) for key, vector in items]
        db = self._connect()
        try:
            with db:
                db.executemany("INSERT OR IGNORE INTO embedding (key, vector) VALUES (?, ?)", rows)
        finally:
            db.close()


class CachedEncoder:
    """A `SentenceEncoder` that asks its inner encoder only for texts the cache has not seen."""

    def __init__(self, encoder: SentenceEncoder, cache: EmbeddingCache) -> None:
        self._encoder = encoder
        self._cache = cache

    @property
    def name(self) -> str:
        return self._encoder.name

    @property
    def dimension(self) -> int:
        return self._encoder.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [content_key(self.name, text) for text in texts]
        vectors = self._cache.get(keys)
        missing: List[str] = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in vectors))
        for start in range(0, len(missing), ENCODE_BATCH):  # stored batch by batch: an interrupted run keeps its work
            batch = missing[start : start + ENCODE_BATCH]
            new = [(content_key(self.name, t), v) for t, v in zip(batch, self._encoder.encode(batch), strict=True)]
            self._cache.put(new)
            vectors.update(new)
        matrix = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, key in enumerate(keys):
            matrix[row] = vectors[key]
        return matrix
