"""An opened index: the object the CLI, the page and the evaluation search through."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from ..embedders import Embedder
from ..embedders.registry import shared_embedder
from ..errors import EmptyIndexError, IndexDamagedError
from ..models import Chunk, Hit
from . import published, store
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
        self.has_dates = published.any_dated(self.published_days)
        self._embedder = embedder
        self._lock = threading.Lock()
        self._writing: tuple | None = None  # (LocalFolderWriter, ExitStack holding the build lock) while staging

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

    def file_chunks(self, record: store.FileRecord):
        """Everything one file contributes, read back as the contract's FileChunks (to copy it to another backend
        or put it through a writer): its articles, chunks, stored vectors, text hashes and publication days."""
        from .backends.base import FileChunks

        with self._lock:
            rows = store.chunks_of_source(self.conn, record.name)
            articles = store.articles_of_source(self.conn, record.name)
        index_rows = np.asarray([r for r, _, _, _ in rows], dtype=np.int64)
        vectors = np.asarray(self.vectors[index_rows], dtype=np.float32) if len(rows) else np.zeros((0, 1))
        days = [int(d) for d in np.asarray(self.published_days)[index_rows]] if len(rows) else []
        return FileChunks(record=record, articles=articles, chunks=[c for _, c, _, _ in rows], vectors=vectors,
                          text_hashes=[h for _, _, h, _ in rows], published_days=days)

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

    # --- the contract's writes: staged by put_file/delete_file, written and swapped in by commit() -------------
    def put_file(self, item) -> None:
        """Stage one file's new version (FileChunks); searches see it after commit(). Holds the build lock from
        the first staged write until commit() or close()."""
        self._writer().put_file(item)

    def delete_file(self, name: str) -> None:
        """Stage the removal of one file; searches stop seeing it after commit()."""
        self._writer().delete_file(name)

    def commit(self) -> None:
        """Write the staged files into a new folder, swap it in atomically and reopen on it (nothing staged: no-op)."""
        if self._writing is None:
            return
        writer, held = self._writing
        self._writing = None
        with held:  # the build lock and the previous folder's store are released however the write ends
            writer.commit()
        self._reopen()

    def _writer(self):
        if self._writing is not None:
            return self._writing[0]
        from .backends.local_write import FolderSettings, LocalFolderWriter, PreviousFolder
        from .builder import build_lock, remove_leftovers
        from .guard import check_replaceable

        held = ExitStack()
        try:
            held.enter_context(build_lock(self.folder))
            recover_interrupted_swap(self.folder)
            check_replaceable(self.folder)
            remove_leftovers(self.folder)
            m = self.manifest
            chunking = (m.chunk_size, m.chunk_overlap, m.chunk_max_size)
            previous = PreviousFolder(self.folder, m.embedder, chunking)  # the folder as it is now, under the lock
            held.callback(previous.close)
            # the folder keeps the dense index kind it was built with (a `rag index` run picks it anew)
            writer = LocalFolderWriter(self.folder, previous, FolderSettings(m.embedder, chunking, m.dense_kind),
                                       sources=previous.manifest.sources)
            held.callback(writer.abort)
        except BaseException:
            held.close()
            raise
        self._writing = (writer, held)
        return writer

    def _reopen(self) -> None:
        """Open the parts of the folder a commit swapped in (the old parts' files were removed)."""
        manifest = read_manifest(self.folder)
        parts = open_parts(self.folder, manifest)
        with self._lock:
            self.conn.close()
            self.manifest = manifest
            self.conn, self.dense, self.bm25, self.vectors, self.published_days = parts
            self.has_dates = published.any_dated(self.published_days)

    def close(self) -> None:
        """Close the store; writes staged and not committed are dropped (the folder stays as it was)."""
        if self._writing is not None:
            self._writing[1].close()
            self._writing = None
        self.conn.close()
