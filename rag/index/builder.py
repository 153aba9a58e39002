"""Build or update an index folder: incremental by content hash, vectors reused by text, atomic swap."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..chunking import ChunkSettings
from ..embedders import Embedder, make_embedder
from ..errors import IndexMismatchError, LoadError
from ..ingest import ingest_sources
from ..loading import LoadProblem, find_files, load_texts
from ..models import Chunk
from ..tokenize import tokenize
from . import dense, published, sparse, store
from .guard import check_replaceable, remove_index_folder
from .manifest import Manifest

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class IndexSettings:
    """What an index is built with; loading refuses an index built otherwise."""

    embedder: str = "e5"
    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    dense_kind: str = "auto"
    record_fields: object | None = None  # rag.loaders.records.RecordFields for dumps with other field names


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the summary line and for tests."""

    index_dir: Path
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    problems: tuple[LoadProblem, ...]
    files: int
    articles: int
    chunks: int
    embedded: int
    reused_vectors: int
    seconds: float
    stage_seconds: dict[str, float]

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class _Entry:
    record: store.FileRecord
    articles: list[dict]
    chunks: list[Chunk]
    hashes: list[str]
    tokens: list[list[str]]
    old_rows: list[int] | None  # rows in the old index when the file is unchanged


def text_hash(chunk: Chunk) -> str:
    return hashlib.sha1(chunk.embed_text().encode("utf-8")).hexdigest()


def recover_interrupted_swap(index_dir: Path) -> None:
    """A crash between the two renames of a swap leaves only the old folder: put it back."""
    if index_dir.exists():
        return
    olds = sorted(index_dir.parent.glob(f".{index_dir.name}.old-*"), key=_swap_stamp)
    if olds:
        os.rename(olds[-1], index_dir)


def _swap_stamp(folder: Path) -> int:
    """The milliseconds in `.NAME.old-PID-MS`: the newest folder set aside wins, whatever its pid."""
    tail = folder.name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def remove_leftovers(index_dir: Path) -> None:
    """Under the build lock, temp folders of killed builds and old folders left aside are garbage."""
    leftovers = list(index_dir.parent.glob(f".{index_dir.name}.tmp-*"))
    if index_dir.exists():
        leftovers += index_dir.parent.glob(f".{index_dir.name}.old-*")
    for folder in leftovers:
        shutil.rmtree(folder, ignore_errors=True)


def lock_path(index_dir: Path) -> Path:
    """`.NAME.lock` beside the index: it exists only while a build holds it (or after a killed one)."""
    return index_dir.parent / f".{index_dir.name}.lock"


@contextmanager
def build_lock(index_dir: Path):
    """One build of an index at a time; the lock file is removed when the build ends, even when it fails."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(index_dir)
    while True:
        fh = open(path, "a")
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        mine = os.fstat(fh.fileno())
        if current is not None and (current.st_ino, current.st_dev) == (mine.st_ino, mine.st_dev):
            break
        # the holder we waited for removed the file: this lock guards nothing, take the new file's
        fh.close()
    try:
        yield
    finally:
        path.unlink(missing_ok=True)  # while still holding the lock, so a waiter sees the file is gone
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


class _OldIndex:
    """The index being replaced: its files, articles, chunks and vectors (the embedding cache)."""

    def __init__(self, folder: Path, settings: IndexSettings, rebuild: bool):
        self.manifest = Manifest.read(folder)
        chunking = settings.chunking
        if not rebuild:
            self.manifest.check(folder, embedder=settings.embedder,
                                chunking=(chunking.size, chunking.overlap, chunking.max_size))
        self.same_embedder = self.manifest.embedder == settings.embedder
        self.conn = store.connect(folder / "store.sqlite", readonly=True)
        self.files = store.read_files(self.conn)
        self.vectors = np.load(folder / "vectors.npy", mmap_mode="r") if self.same_embedder else None
        self.hash_rows = store.hash_rows(self.conn) if self.same_embedder else {}

    def close(self) -> None:
        self.conn.close()


PROGRESS_UNITS = {"embedding": "chunk", "files": "file"}  # other stages are a loader's pages ("OCR scan.pdf")


def _tqdm_progress(enabled: bool) -> ProgressFn | None:
    if not enabled:
        return None
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit=PROGRESS_UNITS.get(stage, "page"), file=sys.stderr, dynamic_ncols=True)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def build_index(index_dir: Path, paths: list[Path], settings: IndexSettings = IndexSettings(),
                embedder: Embedder | None = None, rebuild: bool = False,
                progress: bool | ProgressFn = True) -> BuildReport:
    """Add new and changed files, drop deleted ones, keep the rest; the old index stays usable until the swap."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    report_progress = progress if callable(progress) else _tqdm_progress(progress)
    check_replaceable(index_dir)  # before the lock file or anything else is written beside it
    with build_lock(index_dir):
        recover_interrupted_swap(index_dir)
        check_replaceable(index_dir)
        remove_leftovers(index_dir)
        old = _OldIndex(index_dir, settings, rebuild) if (index_dir / "manifest.json").exists() else None
        try:
            return _build(index_dir, paths, settings, embedder, rebuild, old, report_progress, started)
        finally:
            if old is not None:
                old.close()


def _build(index_dir: Path, paths: list[Path], settings: IndexSettings, embedder: Embedder | None,
           rebuild: bool, old: _OldIndex | None, progress: ProgressFn | None, started: float) -> BuildReport:
    stages: dict[str, float] = {}
    t = time.perf_counter()
    found, problems = find_files(paths)
    roots = {str(p.resolve()) for p in paths if p.is_dir()} | {str(p.resolve().parent) for p in paths if p.is_file()}
    reuse_files = old is not None and not rebuild
    entries: dict[str, _Entry] = {}
    added, changed, unchanged = [], [], []
    segment_seconds = 0.0
    for number, item in enumerate(found, start=1):
        if progress and len(found) > 1:
            progress("files", number - 1, len(found))  # before each file: a slow one (OCR) shows which
        path, name, root = item.path, item.name, item.root
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(LoadProblem(path, f"cannot read: {exc.strerror or exc}"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        previous = old.files.get(name) if old is not None else None
        if reuse_files and previous is not None and previous.sha256 == sha:
            entries[name] = _reuse_entry(old, previous)
            unchanged.append(name)
            continue
        try:
            sources, warnings = load_texts(path, name, progress, settings.record_fields)
            problems.extend(LoadProblem(path, w, partial=True) for w in warnings)  # bad records: named, the rest indexed
            source = sources[0]
            seg_t = time.perf_counter()
            try:
                doc = ingest_sources(sources, settings.chunking)
            except Exception as exc:  # a segmentation bug must not lose the other files
                raise LoadError(f"could not be split into articles ({type(exc).__name__}: {exc})") from exc
            segment_seconds += time.perf_counter() - seg_t
            if not doc.chunks:
                raise LoadError("no article text found")
        except LoadError as exc:
            problems.append(LoadProblem(path, str(exc)))
            if previous is not None and reuse_files:
                entries[name] = _reuse_entry(old, previous)  # keep the last good version
            continue
        record = store.FileRecord(name, str(path.resolve()), root, sha, source.encoding, len(doc.articles),
                                  len(doc.chunks), datetime.now(timezone.utc).isoformat(timespec="seconds"))
        entries[name] = _Entry(record, [store.article_payload(a) for a in doc.articles], list(doc.chunks),
                               [text_hash(c) for c in doc.chunks], [], None)
        (changed if previous is not None else added).append(name)
    if progress and len(found) > 1:
        progress("files", len(found), len(found))
    removed: list[str] = []
    if old is not None and rebuild:
        removed = [name for name in old.files if name not in entries]
    elif old is not None:
        for name, rec in old.files.items():
            if name in entries:
                continue
            if rec.root in roots and not Path(rec.path).exists():
                removed.append(name)
            else:
                entries[name] = _reuse_entry(old, rec)
                unchanged.append(name)
    stages["load+segment+chunk"] = time.perf_counter() - t
    stages["load+segment+chunk/segment+chunk"] = segment_seconds  # "a/b": the part b of stage a
    return _write(index_dir, settings, embedder, old, entries, progress, stages, started,
                  added, changed, removed, unchanged, problems, paths, rebuild)


def _reuse_entry(old: _OldIndex, rec: store.FileRecord) -> _Entry:
    rows = store.chunks_of_source(old.conn, rec.name)
    return _Entry(rec, store.articles_of_source(old.conn, rec.name), [c for _, c, _, _ in rows],
                  [h for _, _, h, _ in rows], [tok for _, _, _, tok in rows], [r for r, _, _, _ in rows])


def _write(index_dir: Path, settings: IndexSettings, embedder: Embedder | None, old: _OldIndex | None,
           entries: dict[str, _Entry], progress: ProgressFn | None, stages: dict[str, float], started: float,
           added, changed, removed, unchanged, problems, paths: list[Path], rebuild: bool) -> BuildReport:
    ordered = [entries[name] for name in sorted(entries)]
    chunks = [c for e in ordered for c in e.chunks]
    hashes = [h for e in ordered for h in e.hashes]
    # BM25 (jieba tokenising, bm25s) runs beside the embedder: the embedding threads release the GIL in the
    # model, so the sparse index costs almost no wall time instead of a serial stage after the embedding.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bm25") as pool:
        sparse_job = pool.submit(_sparse_index, ordered)
        t = time.perf_counter()
        try:
            vectors, embedded, reused, embedder = _vectors(settings, embedder, old, ordered, chunks, hashes,
                                                           progress, stages)
        finally:
            stages["embed"] = time.perf_counter() - t
        t = time.perf_counter()
        tokens, bm25, sparse_stages = sparse_job.result()
        stages["bm25/wait-after-embed"] = time.perf_counter() - t
    stages.update(sparse_stages)
    tmp = index_dir.parent / f".{index_dir.name}.tmp-{os.getpid()}-{int(time.time() * 1000)}"
    tmp.mkdir(parents=True)
    try:
        t = time.perf_counter()
        sparse.save(bm25, tmp / "bm25")
        stages["bm25/save"] = time.perf_counter() - t
        t = time.perf_counter()
        kind = dense.resolve_kind(settings.dense_kind, len(chunks))
        dense.save(dense.build(vectors, kind), tmp / "dense.faiss")
        stages["faiss"] = time.perf_counter() - t
        t = time.perf_counter()
        np.save(tmp / "vectors.npy", vectors, allow_pickle=False)
        published.save(_chunk_days(ordered), tmp)
        conn = store.create(tmp / "store.sqlite")
        with conn:
            row = 0
            position = 0
            for e in ordered:
                store.write_file(conn, e.record)
                for payload in e.articles:
                    store.write_article(conn, payload, position)
                    position += 1
                for chunk, h in zip(e.chunks, e.hashes):
                    store.write_chunk(conn, row, chunk, h, tokens[row])
                    row += 1
        conn.close()
        dim = vectors.shape[1]
        manifest = Manifest(embedder=settings.embedder, dimension=dim, chunk_size=settings.chunking.size,
                            chunk_overlap=settings.chunking.overlap, chunk_max_size=settings.chunking.max_size,
                            dense_kind=kind, files=len(ordered), articles=sum(len(e.articles) for e in ordered),
                            chunks=len(chunks), built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            extra={"sources": _sources(old, paths, rebuild)},
                            build_seconds=round(time.perf_counter() - started, 3))
        manifest.write(tmp)
        stages["save"] = time.perf_counter() - t
        _swap(tmp, index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BuildReport(index_dir, tuple(added), tuple(changed), tuple(removed), tuple(sorted(unchanged)),
                       tuple(problems), len(ordered), manifest.articles, len(chunks), embedded, reused,
                       round(time.perf_counter() - started, 3), {k: round(v, 3) for k, v in stages.items()})


def _sources(old: _OldIndex | None, paths: list[Path], rebuild: bool) -> list[str]:
    """The paths this index is built from: the ones given now, plus the earlier ones unless starting over."""
    earlier = old.manifest.sources if old is not None and not rebuild else []
    return list(dict.fromkeys(earlier + [str(Path(p).resolve()) for p in paths]))


def _chunk_days(ordered: list[_Entry]) -> np.ndarray:
    """Each chunk row's publication day, from its article (unchanged files keep theirs)."""
    days = []
    for e in ordered:
        by_article = {a["id"]: published.to_days(a.get("published")) for a in e.articles}
        days.extend(by_article.get(c.article_id, published.UNKNOWN) for c in e.chunks)
    return np.asarray(days, dtype=np.int32)


def _sparse_index(ordered: list[_Entry]):
    """Tokens of every chunk (reused for unchanged files) and the bm25s index over them, with their timings."""
    t = time.perf_counter()
    tokens: list[list[str]] = []
    for e in ordered:
        tokens.extend(e.tokens if e.old_rows is not None and len(e.tokens) == len(e.chunks)
                      else [tokenize(c.embed_text()) for c in e.chunks])
    tokenize_seconds = time.perf_counter() - t
    bm25 = sparse.build(tokens)
    return tokens, bm25, {"bm25": time.perf_counter() - t, "bm25/tokenize": tokenize_seconds}


def _vectors(settings: IndexSettings, embedder: Embedder | None, old: _OldIndex | None, ordered: list[_Entry],
             chunks: list[Chunk], hashes: list[str], progress: ProgressFn | None, stages: dict | None = None):
    """Vectors for all chunks: old rows for unchanged files, cached texts, and embeddings for the rest."""
    cache = old.hash_rows if old is not None and old.same_embedder else {}
    old_vectors = old.vectors if old is not None and old.same_embedder else None
    missing = [i for i, h in enumerate(hashes) if h not in cache]
    if missing and embedder is None:
        t = time.perf_counter()
        embedder = make_embedder(settings.embedder)
        if stages is not None:
            stages["embed/model-load"] = time.perf_counter() - t
    dim = embedder.dimension if embedder is not None else (old_vectors.shape[1] if old_vectors is not None else 384)
    vectors = np.zeros((len(chunks), dim), dtype=np.float32)
    cached = [i for i, h in enumerate(hashes) if h in cache]
    if cached:
        vectors[cached] = old_vectors[[cache[hashes[i]] for i in cached]]
    if missing:
        done = 0
        total = len(missing)

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress("embedding", done, total)

        if progress:
            progress("embedding", 0, total)
        vectors[missing] = embedder.embed_passages([chunks[i].embed_text() for i in missing], progress=tick)
    return vectors, len(missing), len(cached), embedder


def _swap(tmp: Path, index_dir: Path) -> None:
    """Rename the new folder into place; the old one is renamed aside first and removed last."""
    check_replaceable(index_dir)  # files may have been put into the folder while the build ran
    if index_dir.exists():
        aside = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}-{int(time.time() * 1000)}"
        os.rename(index_dir, aside)
        os.rename(tmp, index_dir)
        remove_index_folder(aside)
    else:
        os.rename(tmp, index_dir)


__all__ = ["BuildReport", "IndexSettings", "IndexMismatchError", "build_index", "recover_interrupted_swap"]
