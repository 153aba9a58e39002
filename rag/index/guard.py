"""Which folders an index build may replace: only an index of ours, or an empty folder, never a user's files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..errors import RagError

# Everything a saved index folder holds (see backends.local_write); anything else belongs to somebody else.
INDEX_ENTRIES = frozenset({"manifest.json", "store.sqlite", "dense.faiss", "vectors.npy", "bm25", "published.npy"})


class NotAnIndexError(RagError):
    """The --index folder holds files that are not an index; replacing it would delete them."""


def foreign_entries(folder: Path) -> list[str]:
    """Names inside `folder` that no index build wrote (empty list for an index, an empty or a missing folder)."""
    folder = Path(folder)
    if not folder.exists():
        return []
    if not folder.is_dir():
        return [folder.name]
    names = sorted(p.name for p in folder.iterdir())
    if not names:
        return []
    foreign = [n for n in names if n not in INDEX_ENTRIES]
    if foreign:
        return foreign
    # Only index names: ours when the manifest says so, or (damaged manifest) other index files stand beside it.
    if "manifest.json" in names and (_manifest_is_ours(folder / "manifest.json") or len(names) > 1):
        return []
    return names


def _manifest_is_ours(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "format_version" in data and "embedder" in data


def check_replaceable(folder: Path) -> None:
    """Raise NotAnIndexError, naming what is there, unless `folder` is missing, empty or an index of ours."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotAnIndexError(f"--index {folder} is a file, not an index folder; nothing was changed. "
                              f"Choose a new folder, e.g. --index {folder.parent / '.rag-index'}")
    foreign = foreign_entries(folder)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise NotAnIndexError(
            f"--index {folder} is not an index: it holds {shown}; nothing was changed. An index is written only "
            f"to a new or empty folder or over an earlier index. Choose another folder, "
            f"e.g. --index {folder / '.rag-index'}")


def remove_index_folder(folder: Path) -> None:
    """Delete an index folder set aside by a swap: its index entries only, then the folder if that left it empty."""
    for name in INDEX_ENTRIES:
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists() or path.is_symlink():
            path.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        pass  # something else was put there meanwhile: leave it for its owner
