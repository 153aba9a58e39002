"""What all sessions share: the open Index (swapped under a lock after an upload) and the build worker."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rag.chunking import ChunkSettings
from rag.index import Index, IndexSettings, build_index


def default_uploads_dir(index_dir: Path) -> Path:
    """`<index_dir>.uploads/` beside the index: outside it, so a rebuild never deletes what people uploaded."""
    index_dir = Path(index_dir)
    return index_dir.parent / f"{index_dir.name}.uploads"


class AppState:
    """The index every chat searches; uploads build a new one in the background and swap it in."""

    def __init__(self, index: Index, uploads_dir: Path | None = None):
        self._index = index
        self._lock = threading.Lock()
        # a Milvus index (rag.index.backends.milvus) is updated through its local staging folder, then copied
        self.location = getattr(index, "location", None)
        if self.location is not None:
            from rag.index.backends.milvus_build import staging_dir

            self.index_dir = staging_dir(self.location)
        else:
            self.index_dir = Path(index.folder)
        self.uploads_dir = Path(uploads_dir) if uploads_dir else default_uploads_dir(self.index_dir)
        # one build at a time: builds of the same folder would only wait on each other's file lock
        self.builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rag-ui-build")

    @property
    def index(self) -> Index:
        """The current index; a request keeps using the one it got even if a swap happens meanwhile."""
        with self._lock:
            return self._index

    def swap(self, index: Index) -> None:
        """Make `index` current. The old one is not closed: requests still searching it finish first,
        and its SQLite connection closes when the last of them drops it."""
        with self._lock:
            self._index = index

    def build(self, paths: list[Path], progress):
        """Index `paths` incrementally into the current index's backend; the BuildReport of what changed."""
        current = self.index
        if self.location is None:
            return build_index(self.index_dir, paths, self.index_settings(), embedder=current.embedder,
                               progress=progress)
        from rag.index.backends.milvus_build import index_into_milvus

        report, _ = index_into_milvus(self.location, paths, self.index_settings(), progress=progress,
                                      embedder=current.embedder, only_changed=True)
        return report

    def reopen(self):
        """The index as it is now on disk or in Milvus, with the current embedder (no second model load)."""
        current = self.index
        if self.location is None:
            return Index.open(self.index_dir, embedder_instance=current.embedder)
        from rag.index.backends.milvus import MilvusIndex

        return MilvusIndex.open(self.location, embedder_instance=current.embedder)

    def index_settings(self) -> IndexSettings:
        """The settings the current index was built with, so an update passes the manifest check."""
        m = self.index.manifest
        return IndexSettings(embedder=m.embedder, chunking=ChunkSettings(m.chunk_size, m.chunk_overlap,
                                                                         m.chunk_max_size),
                             dense_kind=m.dense_kind)

    def shutdown(self) -> None:
        self.builder.shutdown(wait=False, cancel_futures=True)
