"""Calendar arithmetic on plain dates: validation, month ends, shifts, ISO strings."""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date, datetime

MIN_YEAR = 1900
MAX_YEAR = 2100


def make_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist (2023-02-29, month 13) or lies outside 1900-2100."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    if not 1 <= day <= month_length(year, month):
        return None
    return date(year, month, day)


def iso_date(year: int, month: int, day: int) -> str | None:
    """`YYYY-MM-DD` for a valid date, else None."""
    found = make_date(year, month, day)
    return found.isoformat() if found else None


def month_length(year: int, month: int) -> int:
    """Days in the month."""
    return _stdlib_calendar.monthrange(year, month)[1]


def month_end(year: int, month: int) -> date:
    """The last day of the month."""
    return date(year, month, month_length(year, month))


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) `delta` months later (negative: earlier)."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def shift_years(day: date, years: int) -> date:
    """The same calendar day `years` later; Feb 29 becomes Feb 28 in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def as_date(value: date | datetime | str) -> date:
    """A date from a date, datetime or ISO string (`2024-03-13`, time part ignored)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise ValueError(f"not an ISO date: {value!r}; pass YYYY-MM-DD") from exc
