"""The Embedder contract: passages and queries to L2-normalised float32 vectors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

Progress = Callable[[int], None]


class Embedder(Protocol):
    """`name` identifies the model (stored in the manifest); vectors are unit length."""

    name: str
    dimension: int

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Unit-length rows (zero rows stay zero), as contiguous float32 for FAISS."""
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


def batches_by_length(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, so padding work is small."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
