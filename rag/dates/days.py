"""Publication dates as day numbers (days since 1970-01-01; -1 unknown): what indexes store and searches compare."""

from __future__ import annotations

from datetime import date

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
