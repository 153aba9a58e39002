"""Open an index folder's parts, each checked against the manifest; a damaged one is named with the fix."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import numpy as np

from ..errors import IndexDamagedError
from . import dense, published, sparse, store
from .manifest import Manifest


def damaged(folder: Path, name: str, why: object) -> str:
    """The one line for a damaged or missing index file: which file, what is wrong, the rebuild command."""
    reason = str(why).strip().splitlines()[0][:200] if str(why).strip() else type(why).__name__
    return (f"index file {Path(folder) / name} is damaged or missing ({reason}); rebuild the index with "
            f"`rag index --rebuild --index {folder}`")


def open_store(folder: Path, manifest: Manifest) -> sqlite3.Connection:
    """The SQLite store, read-only, after reading its last chunk row (cheap: the end of the rowid b-tree)."""
    path = folder / "store.sqlite"
    if not path.is_file():
        raise IndexDamagedError(damaged(folder, "store.sqlite", "no such file"))
    conn = store.connect(path, readonly=True)
    try:
        last = conn.execute("SELECT max(row) FROM chunks").fetchone()[0]
        conn.execute("SELECT count(*) FROM files").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise IndexDamagedError(damaged(folder, "store.sqlite", exc)) from None
    rows = 0 if last is None else last + 1
    if rows != manifest.chunks:
        conn.close()
        raise IndexDamagedError(damaged(folder, "store.sqlite", f"{rows} chunks, the manifest says {manifest.chunks}"))
    return conn


def open_vectors(folder: Path, manifest: Manifest) -> np.ndarray:
    """vectors.npy memory-mapped, with the manifest's shape."""
    try:
        vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise IndexDamagedError(damaged(folder, "vectors.npy", exc)) from None
    if vectors.shape != (manifest.chunks, manifest.dimension):
        raise IndexDamagedError(damaged(folder, "vectors.npy", f"shape {vectors.shape}, the manifest says "
                                                              f"({manifest.chunks}, {manifest.dimension})"))
    return vectors


def open_dense(folder: Path, manifest: Manifest):
    path = folder / "dense.faiss"
    if not path.is_file():
        raise IndexDamagedError(damaged(folder, "dense.faiss", "no such file"))
    try:
        index = dense.load(path)
    except RuntimeError as exc:  # FAISS reports a short or garbled file as a RuntimeError
        raise IndexDamagedError(damaged(folder, "dense.faiss", _faiss_reason(exc))) from None
    if index.ntotal != manifest.chunks or index.d != manifest.dimension:
        raise IndexDamagedError(damaged(folder, "dense.faiss", f"{index.ntotal} vectors of {index.d} dimensions, "
                                        f"the manifest says {manifest.chunks} of {manifest.dimension}"))
    return index


def _faiss_reason(exc: RuntimeError) -> str:
    text = str(exc)
    if "read" in text and ("ret ==" in text or "nread" in text or "returned" in text):
        return "the file ends too early"
    return text.splitlines()[-1] if text.strip() else "unreadable"


def open_bm25(folder: Path, manifest: Manifest):
    path = folder / "bm25"
    if not path.is_dir():
        raise IndexDamagedError(damaged(folder, "bm25/", "no such folder"))
    try:
        retriever = sparse.load(path)
        docs = int(retriever.scores["num_docs"])
    except Exception as exc:  # bm25s raises whatever its JSON/NumPy readers raise on a damaged file
        raise IndexDamagedError(damaged(folder, "bm25/", f"{type(exc).__name__}: {exc}")) from None
    if manifest.chunks and docs != manifest.chunks:
        raise IndexDamagedError(damaged(folder, "bm25/", f"{docs} documents, the manifest says {manifest.chunks}"))
    return retriever


def open_published(folder: Path, manifest: Manifest) -> np.ndarray:
    try:
        days = published.load(folder, manifest.chunks)
    except (OSError, ValueError, EOFError) as exc:
        raise IndexDamagedError(damaged(folder, published.FILE, exc)) from None
    if days.shape != (manifest.chunks,):
        raise IndexDamagedError(damaged(folder, published.FILE, f"{len(days)} rows, the manifest says {manifest.chunks}"))
    return days


def read_manifest(folder: Path) -> Manifest:
    """The manifest; one that exists but cannot be read is a damaged index (exit 1), not a usage error."""
    from ..errors import IndexMismatchError, RagError

    try:
        return Manifest.read(folder)
    except IndexMismatchError:
        raise
    except RagError as exc:
        if (folder / "manifest.json").exists():
            raise IndexDamagedError(str(exc)) from None
        raise


def check_readable(folder: Path) -> None:
    """An index file this user may not read is a permission problem (said as such), not damage."""
    from .guard import INDEX_ENTRIES

    for name in sorted(INDEX_ENTRIES):
        for path in [folder / name, *((folder / name).rglob("*") if (folder / name).is_dir() else ())]:
            if path.exists() and not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))


def open_parts(folder: Path, manifest: Manifest):
    """(SQLite connection, FAISS index, bm25s retriever, vectors, publication days) of a checked index."""
    check_readable(folder)
    conn = open_store(folder, manifest)
    try:
        return conn, open_dense(folder, manifest), open_bm25(folder, manifest), open_vectors(folder, manifest), \
            open_published(folder, manifest)
    except BaseException:
        conn.close()
        raise


def update_problem(folder: Path) -> str | None:
    """Why an update cannot read the index it replaces (its manifest, store and vectors), or None when it can."""
    try:
        manifest = read_manifest(Path(folder))
        open_store(Path(folder), manifest).close()
        open_vectors(Path(folder), manifest)
    except IndexDamagedError as exc:
        return str(exc)
    return None
