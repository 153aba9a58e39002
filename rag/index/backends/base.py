"""The index backend contract: chunks keyed by chunk id, per-file updates, sparse and dense search, filters.

Two surfaces. `IndexBackend` is what a store offers (by chunk id: write and delete the chunks of a file, look up
chunks, articles and files, search each retriever, filter, count). `SearchableIndex` (rag.retrieval.contract) is
what the search path (`rag.retrieval.search.run_search`) fuses over; its keys are whatever the backend addresses
chunks by (a row number for the local folder, so its speed does not change; the chunk id for Milvus).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ...models import Chunk

# the search path's side of the contract is defined where it is used; re-exported here for the backends
from ...retrieval.contract import ChunkFilter, Key, SearchableIndex, SparseCandidates

__all__ = ["ChunkFilter", "FileChunks", "IndexBackend", "IndexStats", "Key", "SearchableIndex", "SparseCandidates"]


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
class FileChunks:
    """Everything one file contributes: its record, article payloads, chunks with their vectors and dates."""

    record: Any  # rag.index.store.FileRecord
    articles: list[dict]
    chunks: list[Chunk]
    vectors: np.ndarray  # (len(chunks), dimension) unit float32
    text_hashes: list[str]  # per chunk: the vector-reuse key (rag.index.builder.text_hash)
    published_days: list[int]  # per chunk, rag.index.published.UNKNOWN when unknown


class IndexBackend(SearchableIndex, Protocol):
    """A store of chunks keyed by chunk id; `manifest` says what it was built with (checked on open)."""

    name: str
    location: str

    @property
    def manifest(self): ...

    def put_file(self, item: FileChunks) -> None: ...

    def delete_file(self, name: str) -> None: ...

    def commit(self) -> None:
        """Make the puts and deletes since the last commit durable and searchable: the local folder writes a new
        folder and swaps it in (nothing is visible before), Milvus flushes (each write is visible as it is made)."""

    def files(self) -> list: ...

    def article(self, article_id: str) -> dict | None: ...

    def chunks_of_file(self, name: str) -> list[Chunk]: ...

    def stats(self) -> IndexStats: ...

    def search(self, query: str, k: int | None = None, mode: str | None = None, settings=None) -> list: ...

    def close(self) -> None: ...
