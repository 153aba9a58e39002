"""Copy a local index folder into a Milvus collection without re-embedding: per file by content hash, so a second
copy after an incremental local build only rewrites the files that changed."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, replace

from ...errors import IndexMismatchError, RagError
from .. import store
from ..manifest import Manifest
from .location import IndexLocation
from .milvus import MilvusIndex
from .milvus_schema import META_SUFFIX, connect, load_collections, milvus_error


@dataclass(frozen=True)
class CopyReport:
    """What a copy did, for the summary line and for tests."""

    location: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    chunks: int
    copied_chunks: int
    seconds: float

    def summary(self) -> str:
        parts = [f"{len(names)} {label}" for label, names in (("added", self.added), ("changed", self.changed),
                 ("removed", self.removed), ("unchanged", self.unchanged)) if names]
        return (f"{self.location}: {self.chunks} chunks ({', '.join(parts) or 'no files'}); {self.copied_chunks} "
                f"chunks copied with their vectors in {self.seconds:.1f}s")


def copy_local_index(local, location: IndexLocation, rebuild: bool = False,
                     files: Collection[str] | None = None) -> CopyReport:
    """Make the collection at `location` hold what the opened local index holds (files, articles, chunks,
    vectors, dates). An existing collection built with other settings is refused unless `rebuild`.

    With `files`, only those names are copied (or deleted when the local index no longer has them) and every
    other file of the collection stays: a page upload built in a staging folder that holds only the uploads."""
    started = time.perf_counter()
    source: Manifest = local.manifest
    target = _open_target(location, source, rebuild)
    try:
        with local._lock:  # the handle's SQLite connection is shared by threads
            local_files = store.read_files(local.conn)
        present = {f.name: f for f in target.files()}
        added, changed, unchanged, copied = [], [], [], 0
        for name, record in local_files.items():
            if files is not None and name not in files:
                continue
            old = present.get(name)
            if old is not None and old.sha256 == record.sha256 and old.chunks == record.chunks:
                unchanged.append(name)
                continue
            item = local.file_chunks(record)
            target.put_file(item)
            copied += len(item.chunks)
            (changed if old is not None else added).append(name)
        removed = [name for name in present if name not in local_files and (files is None or name in files)]
        for name in removed:
            target.delete_file(name)
        manifest = replace(source,  # dense_kind stays the staging folder's: what its next build uses
                           extra={**source.extra, "backend": "milvus", "copied_from": str(local.folder),
                                  "has_dates": bool(local.has_dates or target.has_dates and files is not None)})
        if location.is_lite and present and (added or changed or removed):
            target.flush()
            target.rewrite_chunks()  # one BM25 segment again (Milvus Lite scores BM25 per segment)
        target.write_manifest(manifest)
        target.commit()  # durable, and the manifest's counts those of the files the collection holds
        # a whole copy must hold what the local index holds; a partial one (`files`) holds more than the staging
        # folder, so it is checked against the counts commit() took from the files it holds
        expected = target.manifest.chunks if files is not None else manifest.chunks
        count = target.count_chunks()
        if count != expected:
            raise RagError(f"copy to {location} ended with {count} chunks, the local index has {expected}; "
                           f"run the copy again with --rebuild")
    finally:
        target.close()
    return CopyReport(str(location), tuple(added), tuple(changed), tuple(removed), tuple(sorted(unchanged)),
                      expected, copied, round(time.perf_counter() - started, 3))


def _open_target(location: IndexLocation, source: Manifest, rebuild: bool) -> MilvusIndex:
    """The collection to update, or a new one; one built with another embedder or chunking is refused."""
    from .milvus import read_manifest

    client = connect(location, create=True)
    try:
        exists = client.has_collection(location.collection) and client.has_collection(location.collection
                                                                                     + META_SUFFIX)
    except Exception as exc:
        raise milvus_error(location, exc) from None
    if exists and not rebuild:
        try:
            load_collections(client, location.collection)
        except Exception as exc:
            raise milvus_error(location, exc) from None
        current = read_manifest(client, location)
        try:
            current.check(f"milvus:{location.uri}", embedder=source.embedder,
                          chunking=(source.chunk_size, source.chunk_overlap, source.chunk_max_size))
        except IndexMismatchError as exc:
            raise IndexMismatchError(f"{exc} To replace it with this local index: `rag index --rebuild --index "
                                     f"milvus:{location.uri} --collection {location.collection} --from "
                                     f"FOLDER`") from None
        if current.dimension == source.dimension:
            return MilvusIndex(location, client, current)
    client.close()
    empty = replace(source, files=0, articles=0, chunks=0, extra={**source.extra, "backend": "milvus"})
    return MilvusIndex.create(location, empty)


__all__ = ["CopyReport", "copy_local_index"]
