"""Sentence similarity for scoring, with the embeddings of texts already seen kept in memory.

Rubric anchors and questions are embedded once per process; a batch of answers (the eval) is embedded in one
call, which is about fifteen times faster than one sentence at a time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from app.embeddings import Embedder, Vectors


class EmbeddingCache:
    def __init__(self, embedder: Embedder, max_size: int = 8192) -> None:
        self._embedder = embedder
        self._max_size = max_size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, in order (embedding only the texts not seen yet, in one batch)."""
        with self._lock:
            missing = list(dict.fromkeys(text for text in texts if text not in self._vectors))
            if missing:
                for text, vector in zip(missing, self._embedder.embed(missing), strict=True):
                    self._vectors[text] = vector
            for text in texts:
                self._vectors.move_to_end(text)
            rows = [self._vectors[text] for text in texts]
            while len(self._vectors) > self._max_size:
                self._vectors.popitem(last=False)
        if not rows:
            return np.zeros((0, self._embedder.dimension), dtype=np.float32)
        return np.stack(rows).astype(np.float32, copy=False)

    def similarities(self, text: str, others: Sequence[str]) -> list[float]:
        """Cosine similarity of `text` with each of `others`."""
        vectors = self.vectors([text, *others])
        return [float(value) for value in vectors[1:] @ vectors[0]]
