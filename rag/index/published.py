"""Publication date of every chunk row, as days since 1970-01-01 in published.npy (-1 when unknown)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# the day numbers are shared with the search path, which must not import the index package
from ..dates.days import UNKNOWN, from_days, to_days

__all__ = ["FILE", "UNKNOWN", "any_dated", "from_days", "load", "save", "to_days", "within"]

FILE = "published.npy"


def save(days: np.ndarray, folder: Path) -> None:
    np.save(folder / FILE, np.asarray(days, dtype=np.int32), allow_pickle=False)


def load(folder: Path, rows: int) -> np.ndarray:
    """The rows' day numbers; an index built before dates were kept has none (all UNKNOWN)."""
    path = folder / FILE
    if not path.exists():
        return np.full(rows, UNKNOWN, dtype=np.int32)
    return np.load(path, mmap_mode="r")


def within(days: np.ndarray, since: str | None, until: str | None) -> np.ndarray:
    """Boolean mask of rows published in [since, until]; rows without a date are outside any range."""
    mask = days >= 0
    if since:
        mask &= days >= to_days(since)
    if until:
        mask &= days <= to_days(until)
    return mask


def any_dated(days: np.ndarray) -> bool:
    """Whether any row has a publication date (date filters and the period boost have something to act on)."""
    return bool(len(days)) and bool((days >= 0).any())
