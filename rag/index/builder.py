"""Build or update an index folder: incremental by content hash, vectors reused by text; each loaded file is
put into the folder's writer (rag.index.backends.local_write), which writes a new folder and swaps it in atomically."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable
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
from . import store
from .backends.base import FileChunks
from .backends.local_write import FolderSettings, LocalFolderWriter, PreviousFolder, file_days
from .guard import check_replaceable

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


@dataclass(frozen=True)
class _Entry:
    """A file loaded by this build: what is put into the index once its chunks have vectors."""

    record: store.FileRecord
    articles: list[dict]
    chunks: list[Chunk]
    hashes: list[str]


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
        old = PreviousFolder(index_dir, settings.embedder, _chunking(settings), check=not rebuild) \
            if (index_dir / "manifest.json").exists() else None
        try:
            return _build(index_dir, paths, settings, embedder, rebuild, old, report_progress, started)
        finally:
            if old is not None:
                old.close()


def _chunking(settings: IndexSettings) -> tuple[int, int, int]:
    return settings.chunking.size, settings.chunking.overlap, settings.chunking.max_size


def _build(index_dir: Path, paths: list[Path], settings: IndexSettings, embedder: Embedder | None,
           rebuild: bool, old: PreviousFolder | None, progress: ProgressFn | None, started: float) -> BuildReport:
    stages: dict[str, float] = {}
    t = time.perf_counter()
    found, problems = find_files(paths)
    roots = {str(p.resolve()) for p in paths if p.is_dir()} | {str(p.resolve().parent) for p in paths if p.is_file()}
    reuse_files = old is not None and not rebuild
    entries: dict[str, _Entry] = {}  # the files loaded now: put into the index
    kept: set[str] = set()  # files the index keeps as they are (unchanged, or the last good version)
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
            kept.add(name)
            entries.pop(name, None)  # a name found twice: the last one found wins
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
                kept.add(name)  # keep the last good version
                entries.pop(name, None)
            continue
        record = store.FileRecord(name, str(path.resolve()), root, sha, source.encoding, len(doc.articles),
                                  len(doc.chunks), datetime.now(timezone.utc).isoformat(timespec="seconds"))
        entries[name] = _Entry(record, [store.article_payload(a) for a in doc.articles], list(doc.chunks),
                               [text_hash(c) for c in doc.chunks])
        kept.discard(name)
        (changed if previous is not None else added).append(name)
    if progress and len(found) > 1:
        progress("files", len(found), len(found))
    removed: list[str] = []
    if old is not None and rebuild:
        removed = [name for name in old.files if name not in entries]
    elif old is not None:
        for name, rec in old.files.items():
            if name in entries or name in kept:
                continue
            if rec.root in roots and not Path(rec.path).exists():
                removed.append(name)
            else:
                kept.add(name)
                unchanged.append(name)
    stages["load+segment+chunk"] = time.perf_counter() - t
    stages["load+segment+chunk/segment+chunk"] = segment_seconds  # "a/b": the part b of stage a
    return _write(index_dir, settings, embedder, old, entries, kept, progress, stages, started,
                  added, changed, removed, unchanged, problems, paths, rebuild)


def _write(index_dir: Path, settings: IndexSettings, embedder: Embedder | None, old: PreviousFolder | None,
           entries: dict[str, _Entry], kept: set[str], progress: ProgressFn | None, stages: dict[str, float],
           started: float, added, changed, removed, unchanged, problems, paths: list[Path],
           rebuild: bool) -> BuildReport:
    """Embed the loaded files, then hand each to the folder's writer (put_file/delete_file) and commit it."""
    ordered = [entries[name] for name in sorted(entries)]
    chunks = [c for e in ordered for c in e.chunks]
    hashes = [h for e in ordered for h in e.hashes]
    writer = LocalFolderWriter(index_dir, old, FolderSettings(settings.embedder, _chunking(settings),
                                                              settings.dense_kind),
                               sources=_sources(old, paths, rebuild),
                               empty_dimension=embedder.dimension if embedder is not None else None, started=started)
    try:
        writer.prepare(chunks)  # BM25 tokens beside the embedding
        t = time.perf_counter()
        try:
            vectors, embedded, reused, embedder = _vectors(settings, embedder, old, chunks, hashes, progress, stages)
        finally:
            stages["embed"] = time.perf_counter() - t
        row = 0
        for e in ordered:
            writer.put_file(FileChunks(e.record, e.articles, e.chunks, vectors[row:row + len(e.chunks)], e.hashes,
                                       file_days(e.articles, e.chunks)))
            row += len(e.chunks)
        for name in removed:
            writer.delete_file(name)
        del vectors  # the writer drops the put files' rows once copied: no second copy of them beside FAISS
    except BaseException:
        writer.abort()
        raise
    manifest = writer.commit()
    stages.update(writer.stage_seconds)
    reused += sum(old.files[name].chunks for name in kept)  # unchanged files keep every vector
    return BuildReport(index_dir, tuple(added), tuple(changed), tuple(removed), tuple(sorted(unchanged)),
                       tuple(problems), manifest.files, manifest.articles, manifest.chunks, embedded, reused,
                       round(time.perf_counter() - started, 3), {k: round(v, 3) for k, v in stages.items()})


def _sources(old: PreviousFolder | None, paths: list[Path], rebuild: bool) -> list[str]:
    """The paths this index is built from: the ones given now, plus the earlier ones unless starting over."""
    earlier = old.manifest.sources if old is not None and not rebuild else []
    return list(dict.fromkeys(earlier + [str(Path(p).resolve()) for p in paths]))


def _vectors(settings: IndexSettings, embedder: Embedder | None, old: PreviousFolder | None, chunks: list[Chunk],
             hashes: list[str], progress: ProgressFn | None, stages: dict | None = None):
    """Vectors for the loaded files' chunks: cached texts from the old index, embeddings for the rest."""
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


__all__ = ["BuildReport", "IndexSettings", "IndexMismatchError", "build_index", "recover_interrupted_swap"]
