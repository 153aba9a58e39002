"""The index backend contract: chunks keyed by chunk id, per-file updates, sparse and dense search, filters.

Two surfaces. `IndexBackend` is what a store offers (by chunk id: write and delete the chunks of a file, look up
chunks, articles and files, search each retriever, filter, count). `SearchableIndex` is what the search path
(`rag.retrieval.search.run_search`) fuses over; its keys are whatever the backend addresses chunks by (a row
number for the local folder, so its speed does not change; the chunk id for Milvus).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ...models import Chunk

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
class IndexStats:
    """What an index holds, for the page, `rag eval` and the summary lines."""

    backend: str
    location: str
    files: int
    articles: int
    chunks: int
    embedder: str
    dimension: int


@dataclass(frozen=True)
class SparseCandidates:
    """BM25's best chunks, and a scorer giving BM25's score of any other chunk (0 when no query word is in it)."""

    keys: list
    scores: np.ndarray
    score_of: Callable[[Sequence], np.ndarray]


@dataclass(frozen=True)
class FileChunks:
    """Everything one file contributes: its record, article payloads, chunks with their vectors and dates."""

    record: Any  # rag.index.store.FileRecord
    articles: list[dict]
    chunks: list[Chunk]
    vectors: np.ndarray  # (len(chunks), dimension) unit float32
    text_hashes: list[str]  # per chunk: the vector-reuse key (rag.index.builder.text_hash)
    published_days: list[int]  # per chunk, rag.index.published.UNKNOWN when unknown


class SearchableIndex(Protocol):
    """What the search path needs; `restriction` is the backend's own form of a ChunkFilter (None: none)."""

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


class IndexBackend(SearchableIndex, Protocol):
    """A store of chunks keyed by chunk id; `manifest` says what it was built with (checked on open)."""

    name: str
    location: str

    @property
    def manifest(self): ...

    def put_file(self, item: FileChunks) -> None: ...

    def delete_file(self, name: str) -> None: ...

    def files(self) -> list: ...

    def article(self, article_id: str) -> dict | None: ...

    def chunks_of_file(self, name: str) -> list[Chunk]: ...

    def stats(self) -> IndexStats: ...

    def search(self, query: str, k: int | None = None, mode: str | None = None, settings=None) -> list: ...

    def close(self) -> None: ...
