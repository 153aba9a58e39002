"""The local folder (SQLite + FAISS + bm25s) behind the search contract; keys are chunk rows, so nothing of the
folder's format or speed changes. Writes: rag.index.backends.local_write (put_file/delete_file stage, commit writes a
new folder and swaps it in), used by rag.index.builder and by `Index.put_file/delete_file/commit`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...tokenize import tokenize
from .. import dense, published, sparse
from .base import ChunkFilter, SparseCandidates


class LocalSearchable:
    """An opened `rag.index.Index` as a SearchableIndex: restrictions are boolean row masks."""

    name = "local"

    def __init__(self, index):
        self.index = index
        self.size = index.size
        self.has_dates = index.has_dates

    @property
    def embedder(self):
        return self.index.embedder

    def restriction(self, chunk_filter: ChunkFilter) -> np.ndarray | None:
        if not chunk_filter.active:
            return None
        mask = published.within(self.index.published_days, chunk_filter.since, chunk_filter.until) \
            if chunk_filter.since or chunk_filter.until else np.ones(self.size, dtype=bool)
        if chunk_filter.source:
            in_file = np.zeros(self.size, dtype=bool)
            in_file[self._rows_of_file(chunk_filter.source)] = True
            mask &= in_file
        return mask

    def _rows_of_file(self, name: str) -> list[int]:
        from .. import store

        with self.index._lock:  # the handle's one SQLite connection is shared by the page's threads
            return store.rows_of_source(self.index.conn, name)

    def restriction_is_empty(self, restriction: np.ndarray) -> bool:
        return not restriction.any()

    def sparse_candidates(self, query: str, depth: int, restriction: np.ndarray | None) -> SparseCandidates:
        every = sparse.scores(self.index.bm25, tokenize(query), restriction)
        scores, rows = sparse.top(every, depth)

        def score_of(keys: Sequence[int]) -> np.ndarray:
            return every[np.asarray(keys, dtype=np.int64)] if every is not None else np.zeros(len(keys))

        return SparseCandidates([int(r) for r in rows], scores, score_of)

    def dense_candidates(self, vector: np.ndarray, depth: int, restriction: np.ndarray | None):
        scores, rows = dense.search(self.index.dense, vector, depth, restriction)
        return scores, [int(r) for r in rows]

    def dense_scores(self, keys: Sequence[int], vector: np.ndarray) -> np.ndarray:
        rows = np.asarray(keys, dtype=np.int64)
        values = np.asarray(self.index.vectors[np.sort(rows)], dtype=np.float32) @ vector.astype(np.float32)
        return values[np.argsort(np.argsort(rows))]  # back from sorted-row order (faster mmap reads)

    def chunks_by_keys(self, keys: Sequence[int]):
        return self.index.chunks_by_rows(list(keys))

    def published_days(self, keys: Sequence[int]) -> dict[int, int]:
        days = self.index.published_days
        return {k: int(days[k]) for k in keys}
