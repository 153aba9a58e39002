"""An opened index: the object the CLI, the page and the evaluation search through."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from ..embedders import Embedder
from ..embedders.registry import shared_embedder
from ..errors import EmptyIndexError, IndexDamagedError
from ..models import Chunk, Hit
from . import store
from .builder import recover_interrupted_swap
from .files import damaged, open_parts, read_manifest
from .manifest import Manifest


class Index:
    """Read-only view of an index folder; `search` is safe to call from several threads."""

    def __init__(self, folder: Path, manifest: Manifest, embedder: Embedder | None = None):
        self.folder = folder
        self.manifest = manifest
        # each part is checked against the manifest: a damaged file is named with the rebuild command
        self.conn, self.dense, self.bm25, self.vectors, self.published_days = open_parts(folder, manifest)
        self.has_dates = bool(len(self.published_days)) and bool((self.published_days >= 0).any())
        self._embedder = embedder
        self._lock = threading.Lock()

    @classmethod
    def open(cls, folder: Path | str, embedder: str | None = None, chunking: tuple[int, int, int] | None = None,
             embedder_instance: Embedder | None = None) -> Index:
        """Open an index, refusing one built with another embedder or chunking (the message says how to rebuild)."""
        folder = Path(folder)
        recover_interrupted_swap(folder)
        manifest = read_manifest(folder)
        manifest.check(folder, embedder=embedder, chunking=chunking)
        return cls(folder, manifest, embedder_instance)

    @property
    def size(self) -> int:
        return self.manifest.chunks

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = shared_embedder(self.manifest.embedder)
        return self._embedder

    def chunks_by_rows(self, rows: list[int]) -> dict[int, Chunk]:
        with self._lock:  # one SQLite connection shared by the page's worker threads
            try:
                return store.chunks_by_rows(self.conn, rows)
            except sqlite3.DatabaseError as exc:  # a page damaged past the checks made when opening
                raise IndexDamagedError(damaged(self.folder, "store.sqlite", exc)) from None

    def files(self) -> list[store.FileRecord]:
        with self._lock:
            return list(store.read_files(self.conn).values())

    def article(self, article_id: str) -> dict | None:
        with self._lock:
            return store.article_data(self.conn, article_id)

    def chunks_of_file(self, name: str) -> list[Chunk]:
        """The chunks of one file (all its pages or records), in order: the backend contract's lookup by file."""
        with self._lock:
            return [chunk for _, chunk, _, _ in store.chunks_of_source(self.conn, name)]

    def searchable(self):
        """This folder as the search path's SearchableIndex (keys are chunk rows)."""
        from .backends.local import LocalSearchable

        return LocalSearchable(self)

    def stats(self):
        from .backends.base import IndexStats

        m = self.manifest
        return IndexStats("local", str(self.folder), m.files, m.articles, m.chunks, m.embedder, m.dimension)

    def search(self, query: str, k: int | None = None, mode: str | None = None, settings=None) -> list[Hit]:
        """Top-k hits: `Index.open(dir).search("问题", k=5, mode="hybrid")` or `.search("问题", settings=...)`;
        giving both is a RagError (put k and mode into the settings)."""
        from ..limits import check_question
        from ..retrieval.search import run_search
        from ..retrieval.settings import search_settings

        settings = search_settings(k, mode, settings)
        check_question(query)  # one pasted document must not hold a worker for many seconds
        if self.manifest.chunks == 0:
            raise EmptyIndexError(f"index {self.folder} is empty: all its files were removed; add files with "
                                  f"`rag index FILES --index {self.folder}`")
        return run_search(self, query, settings)

    def close(self) -> None:
        self.conn.close()
