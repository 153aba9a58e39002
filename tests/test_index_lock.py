"""The build lock: one build of an index at a time, and no `.NAME.lock` file left beside the index afterwards."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from rag.errors import RagError
from rag.index.builder import build_lock, lock_path

REPO = Path(__file__).resolve().parents[1]


def test_no_lock_file_is_left_after_a_build_or_a_failed_one(tmp_path, e5_embedder):
    from rag.chunking import ChunkSettings
    from rag.index import IndexSettings, build_index

    index = tmp_path / "idx"
    build_index(index, [REPO / "seeds" / "003_c9ec65179e6f0b8a.txt"], embedder=e5_embedder, progress=False)
    assert (index / "manifest.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]
    other_chunking = IndexSettings(chunking=ChunkSettings(120, 20, 200))
    with pytest.raises(RagError):  # refused under the lock: the index was built with other chunk settings
        build_index(index, [REPO / "seeds"], other_chunking, embedder=e5_embedder, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]


def test_the_lock_excludes_while_its_file_comes_and_goes(tmp_path):
    """Waiters on a removed lock file must not run beside a holder of the new one."""
    index = tmp_path / "idx"
    inside, most, entries = [0], [0], [0]
    guard = threading.Lock()

    def worker():
        for _ in range(25):
            with build_lock(index):
                with guard:
                    inside[0] += 1
                    entries[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.001)
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert entries[0] == 200 and most[0] == 1
    assert not lock_path(index).exists()
