"""Publication date of every chunk row, as days since 1970-01-01 in published.npy (-1 when unknown)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

FILE = "published.npy"
UNKNOWN = -1
_EPOCH = date(1970, 1, 1).toordinal()


def to_days(iso: str | None) -> int:
    """Days since 1970-01-01 of an ISO date (YYYY-MM-DD…); UNKNOWN for None or a malformed value."""
    if not iso:
        return UNKNOWN
    try:
        return date.fromisoformat(iso[:10]).toordinal() - _EPOCH
    except ValueError:
        return UNKNOWN


def from_days(days: int) -> str | None:
    """The ISO date of a day number, None for UNKNOWN."""
    return None if days < 0 else date.fromordinal(int(days) + _EPOCH).isoformat()


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
