"""`rag index … --index milvus:URI`: load, segment and embed into a local staging folder (incremental, with the
vector-reuse cache), then copy per file by content hash into the collection; or copy an existing folder (--from)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ...settings import cache_root
from .location import IndexLocation
from .milvus_sync import CopyReport, copy_local_index


def staging_dir(location: IndexLocation) -> Path:
    """The local folder a Milvus index is built through (one per address and collection, in the cache)."""
    where = str(Path(location.uri).expanduser().resolve()) if location.is_lite else location.uri
    key = hashlib.sha1(f"{where}|{location.collection}".encode()).hexdigest()[:16]
    return cache_root() / "milvus-staging" / f"{location.collection}-{key}"


def index_into_milvus(location: IndexLocation, paths: list[Path], settings, rebuild: bool = False,
                      progress=True, from_dir: Path | None = None, embedder=None, only_changed: bool = False):
    """(BuildReport of the staging build or None with --from, CopyReport of the copy into Milvus). With
    `only_changed`, only the files this build added, changed or removed are written to the collection (the page's
    uploads: the collection may hold files the staging folder never saw)."""
    from ..builder import build_index
    from ..handle import Index

    report = None
    if from_dir is None:
        staging = staging_dir(location)
        if not paths and (staging / "manifest.json").exists():
            from ..manifest import Manifest

            paths = [Path(p) for p in Manifest.read(staging).sources]
        if not paths:
            from ...settings import default_seeds

            paths = [default_seeds()]
        report = build_index(staging, paths, settings, embedder=embedder, rebuild=rebuild, progress=progress)
        from_dir = staging
    local = Index.open(from_dir)
    try:
        names = set(report.added + report.changed + report.removed) if only_changed and report else None
        copy: CopyReport = copy_local_index(local, location, rebuild=rebuild, files=names)
    finally:
        local.close()
    return report, copy
