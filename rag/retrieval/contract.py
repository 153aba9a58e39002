"""What the search path needs from an index, whichever backend: candidates per retriever, filters, lookups by key.

It lives with the search path, not with the backends, so the search path imports nothing of `rag.index`: the
backends implement it (rag.index.backends.local, .milvus) and `rag.index.backends.base` re-exports it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..models import Chunk

Key = Hashable


@dataclass(frozen=True)
class ChunkFilter:
    """Which chunks a search may return: one file (with its pages/records `name#…`) and a publication range."""

    source: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.source or self.since or self.until)


@dataclass(frozen=True)
class SparseCandidates:
    """BM25's best chunks, and a scorer giving BM25's score of any other chunk (0 when no query word is in it)."""

    keys: list
    scores: np.ndarray
    score_of: Callable[[Sequence], np.ndarray]


class SearchableIndex(Protocol):
    """What the search path needs; `restriction` is the backend's own form of a ChunkFilter (None: none).
    Keys are whatever the backend addresses chunks by (a row of the local folder, a Milvus chunk id)."""

    size: int
    has_dates: bool

    @property
    def embedder(self): ...

    def restriction(self, chunk_filter: ChunkFilter) -> Any | None: ...

    def restriction_is_empty(self, restriction: Any) -> bool: ...

    def sparse_candidates(self, query: str, depth: int, restriction: Any | None) -> SparseCandidates: ...

    def dense_candidates(self, vector: np.ndarray, depth: int, restriction: Any | None
                         ) -> tuple[np.ndarray, list]: ...

    def dense_scores(self, keys: Sequence, vector: np.ndarray) -> np.ndarray: ...

    def chunks_by_keys(self, keys: Sequence) -> dict[Key, Chunk]: ...

    def published_days(self, keys: Sequence) -> dict[Key, int]: ...
