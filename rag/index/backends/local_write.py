"""The local folder's write side of the backend contract: put_file/delete_file stage the folder's next version,
commit() writes it into a temporary folder beside the index and swaps it in atomically (the old one stays usable
until the rename). The caller holds the build lock (rag.index.builder.build_lock) for the whole session."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ...errors import RagError
from ...models import Chunk
from ...tokenize import tokenize
from .. import dense, published, sparse, store
from ..guard import check_replaceable, remove_index_folder
from ..manifest import Manifest
from .base import FileChunks


@dataclass(frozen=True)
class FolderSettings:
    """What the folder is written with: the manifest's embedder and chunking, and the dense index kind."""

    embedder: str
    chunking: tuple[int, int, int]  # size, overlap, max_size
    dense_kind: str = "auto"


class PreviousFolder:
    """The index folder being replaced, read-only: its files, and its vectors by text hash (the embedding cache)."""

    def __init__(self, folder: Path, embedder: str, chunking: tuple[int, int, int], check: bool = True):
        self.folder = folder
        self.manifest = Manifest.read(folder)
        if check:
            self.manifest.check(folder, embedder=embedder, chunking=chunking)
        self.same_embedder = self.manifest.embedder == embedder
        self.conn = store.connect(folder / "store.sqlite", readonly=True)
        self.files = store.read_files(self.conn)
        self.vectors = np.load(folder / "vectors.npy", mmap_mode="r") if self.same_embedder else None
        self.hash_rows = store.hash_rows(self.conn) if self.same_embedder else {}

    def close(self) -> None:
        self.conn.close()


@dataclass(frozen=True)
class _Part:
    """One file's rows in the new folder, in file order."""

    record: store.FileRecord
    articles: list[dict]
    chunks: list[Chunk]
    hashes: list[str]
    vectors: np.ndarray | None  # a put file's; None for a kept file (read from the previous folder's rows)
    cached_rows: list[int]  # a kept file's vector rows in the previous folder
    dimension: int
    days: list[int]
    tokens: list[list[str]] | None  # None: not tokenised yet


def file_days(articles: list[dict], chunks: list[Chunk]) -> list[int]:
    """Each chunk's publication day, from its article (UNKNOWN when the article has no date)."""
    by_article = {a["id"]: published.to_days(a.get("published")) for a in articles}
    return [by_article.get(c.article_id, published.UNKNOWN) for c in chunks]


class LocalFolderWriter:
    """One write session on an index folder: files not put or deleted keep their rows, vectors and tokens."""

    name = "local"

    def __init__(self, index_dir: Path, previous: PreviousFolder | None, settings: FolderSettings,
                 sources: list[str], empty_dimension: int | None = None, started: float | None = None):
        self.index_dir = Path(index_dir)
        self.previous = previous
        self.settings = settings
        self.sources = sources
        self.empty_dimension = empty_dimension  # the manifest's dimension when no vector says it
        self.started = time.perf_counter() if started is None else started
        self.stage_seconds: dict[str, float] = {}
        self.manifest: Manifest | None = None  # the committed folder's
        self._put: dict[str, FileChunks] = {}
        self._deleted: set[str] = set()
        self._tokens: dict[str, list[str]] = {}
        self._tokenizing: Future | None = None
        # one thread: BM25 tokenising runs beside the embedder (its threads release the GIL in the model)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bm25")
        self._closed = False

    # --- the contract's writes --------------------------------------------------------------------------------
    def prepare(self, chunks: Iterable[Chunk]) -> None:
        """Start the BM25 tokens of chunks about to be put, so they are ready when commit() needs them."""
        texts = [c.embed_text() for c in chunks]
        self._tokenizing = self._pool.submit(self._tokenize_ahead, texts)

    def _tokenize_ahead(self, texts: list[str]) -> float:
        t = time.perf_counter()
        import bm25s  # noqa: F401  (its import is half a second; paid here, beside the embedder, not in commit)

        for text in texts:
            if text not in self._tokens:
                self._tokens[text] = tokenize(text)
        return time.perf_counter() - t

    def put_file(self, item: FileChunks) -> None:
        """Stage one file's new version (it replaces the file's rows when the session commits)."""
        self._check_open()
        n = len(item.chunks)
        vectors = np.asarray(item.vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != n or len(item.text_hashes) != n or len(item.published_days) != n:
            raise RagError(f"put_file({item.record.name!r}): {n} chunks but {vectors.shape[0]} vectors, "
                           f"{len(item.text_hashes)} text hashes and {len(item.published_days)} days; give one "
                           f"of each per chunk")
        self._put[item.record.name] = item
        self._deleted.discard(item.record.name)

    def delete_file(self, name: str) -> None:
        """Stage the removal of one file (a name the folder does not hold is nothing to remove)."""
        self._check_open()
        self._put.pop(name, None)
        self._deleted.add(name)

    def commit(self) -> Manifest:
        """Write the staged folder into a temporary folder and swap it in; on any failure the old folder stays."""
        self._check_open()
        self._closed = True
        try:
            return self._write()
        finally:
            self._pool.shutdown(wait=True)

    def abort(self) -> None:
        """End the session without writing (the folder is left as it was)."""
        self._closed = True
        self._pool.shutdown(wait=True)

    def _check_open(self) -> None:
        if self._closed:
            raise RagError(f"the write session on {self.index_dir} has ended (committed or aborted); start a new "
                           f"one to write again")

    # --- writing the folder -------------------------------------------------------------------------------------
    def _parts(self) -> list[_Part]:
        """Every file of the new folder by name: the staged ones and the previous folder's others."""
        kept = {} if self.previous is None else {n: r for n, r in self.previous.files.items()
                                                 if n not in self._deleted and n not in self._put}
        parts = []
        for name in sorted(set(kept) | set(self._put)):
            item = self._put.get(name)
            if item is not None:
                vectors = np.asarray(item.vectors, dtype=np.float32)
                parts.append(_Part(item.record, list(item.articles), list(item.chunks), list(item.text_hashes),
                                   vectors, [], vectors.shape[1], [int(d) for d in item.published_days], None))
            else:
                parts.append(self._kept(kept[name]))
        return parts

    def _kept(self, record: store.FileRecord) -> _Part:
        previous = self.previous
        if previous.vectors is None:
            raise RagError(f"{self.index_dir}: file {record.name} would keep vectors made with embedder "
                           f"{previous.manifest.embedder}, not {self.settings.embedder}; put or delete every "
                           f"file when changing the embedder (`rag index --rebuild`)")
        rows = store.chunks_of_source(previous.conn, record.name)
        articles = store.articles_of_source(previous.conn, record.name)
        chunks, hashes = [c for _, c, _, _ in rows], [h for _, _, h, _ in rows]
        # one vector per text, as the embedding cache hands out: the row the cache keeps for the hash
        cached = [previous.hash_rows[h] for h in hashes]
        tokens = [tok for _, _, _, tok in rows]
        return _Part(record, articles, chunks, hashes, None, cached, previous.vectors.shape[1],
                     file_days(articles, chunks), tokens if len(tokens) == len(chunks) else None)

    def _dimension(self, parts: list[_Part]) -> int:
        dims = {p.dimension for p in parts}
        if len(dims) > 1:
            raise RagError(f"{self.index_dir}: vectors of dimensions {sorted(dims)} in one index; embed every file "
                           f"with one embedder (`rag index --rebuild`)")
        if dims:
            return dims.pop()
        if self.empty_dimension is not None:
            return self.empty_dimension
        if self.previous is not None and self.previous.vectors is not None:
            return self.previous.vectors.shape[1]
        return 384

    def _vectors(self, parts: list[_Part], dim: int) -> np.ndarray:
        """All vectors in row order: the put files' and the kept files' rows of the previous folder."""
        vectors = np.empty((sum(len(p.chunks) for p in parts), dim), dtype=np.float32)
        row = 0
        for p in parts:
            if p.vectors is not None:
                vectors[row:row + len(p.chunks)] = p.vectors
            elif p.cached_rows:
                vectors[row:row + len(p.chunks)] = self.previous.vectors[p.cached_rows]
            row += len(p.chunks)
        return vectors

    def _write(self) -> Manifest:
        stages = self.stage_seconds
        t = time.perf_counter()
        tokenize_seconds = self._tokenizing.result() if self._tokenizing is not None else 0.0
        stages["bm25/wait-after-embed"] = time.perf_counter() - t
        parts = self._parts()
        t = time.perf_counter()
        tokens: list[list[str]] = []
        for p in parts:
            if p.tokens is not None:
                tokens.extend(p.tokens)
            else:
                tokens.extend(self._tokens.get(text) or tokenize(text) for text in (c.embed_text() for c in p.chunks))
        tokenize_seconds += time.perf_counter() - t
        dim = self._dimension(parts)
        vectors = self._vectors(parts, dim)
        parts = [replace(p, vectors=None) for p in parts]  # the put files' arrays are not needed twice
        self._put.clear()
        n = len(vectors)
        tmp = self.index_dir.parent / f".{self.index_dir.name}.tmp-{os.getpid()}-{int(time.time() * 1000)}"
        tmp.mkdir(parents=True)
        try:
            # the BM25 index builds beside the dense index and the store (numpy and FAISS release the GIL)
            sparse_job = self._pool.submit(_timed, sparse.build, tokens)
            t = time.perf_counter()
            kind = dense.resolve_kind(self.settings.dense_kind, n)
            dense.save(dense.build(vectors, kind), tmp / "dense.faiss")
            stages["faiss"] = time.perf_counter() - t
            t = time.perf_counter()
            np.save(tmp / "vectors.npy", vectors, allow_pickle=False)
            published.save(np.asarray([d for p in parts for d in p.days], dtype=np.int32), tmp)
            _write_store(tmp / "store.sqlite", parts, tokens)
            save_seconds = time.perf_counter() - t
            bm25, build_seconds = sparse_job.result()
            stages["bm25"] = tokenize_seconds + build_seconds
            stages["bm25/tokenize"] = tokenize_seconds
            t = time.perf_counter()
            sparse.save(bm25, tmp / "bm25")
            stages["bm25/save"] = time.perf_counter() - t
            t = time.perf_counter()
            size, overlap, max_size = self.settings.chunking
            manifest = Manifest(embedder=self.settings.embedder, dimension=dim, chunk_size=size,
                                chunk_overlap=overlap, chunk_max_size=max_size, dense_kind=kind, files=len(parts),
                                articles=sum(len(p.articles) for p in parts), chunks=n,
                                built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                extra={"sources": self.sources},
                                build_seconds=round(time.perf_counter() - self.started, 3))
            manifest.write(tmp)
            stages["save"] = save_seconds + time.perf_counter() - t
            swap(tmp, self.index_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.manifest = manifest
        return manifest


def _timed(fn, *args):
    t = time.perf_counter()
    return fn(*args), time.perf_counter() - t


def _write_store(path: Path, parts: list[_Part], tokens: list[list[str]]) -> None:
    """files, articles (positions in file order) and chunks (row = vector row) in one transaction."""
    conn = store.create(path)
    try:
        with conn:
            row = 0
            position = 0
            for p in parts:
                store.write_file(conn, p.record)
                for payload in p.articles:
                    store.write_article(conn, payload, position)
                    position += 1
                for chunk, h in zip(p.chunks, p.hashes):
                    store.write_chunk(conn, row, chunk, h, tokens[row])
                    row += 1
    finally:
        conn.close()


def swap(tmp: Path, index_dir: Path) -> None:
    """Rename the new folder into place; the old one is renamed aside first and removed last."""
    check_replaceable(index_dir)  # files may have been put into the folder while the build ran
    if index_dir.exists():
        aside = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}-{int(time.time() * 1000)}"
        os.rename(index_dir, aside)
        os.rename(tmp, index_dir)
        remove_index_folder(aside)
    else:
        os.rename(tmp, index_dir)


__all__ = ["FolderSettings", "LocalFolderWriter", "PreviousFolder", "file_days", "swap"]
