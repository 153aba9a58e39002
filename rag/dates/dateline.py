"""A dateline's month and day (本报3月12日讯) completed with the year of a known publication date."""

from __future__ import annotations

from datetime import date, timedelta

from rag.dates.calendar import as_date, make_date

# A dateline is written on or shortly before the issue date; a day of slack covers late editions.
SLACK = timedelta(days=1)


def complete_dateline(month: int | None, day: int | None, published: date | str | None) -> str | None:
    """The ISO date of a dateline's month/day in the year of `published`, or the year before when that
    would put it after publication (本报12月31日讯 in the 2024-01-01 paper is 2023-12-31); None if unknown."""
    if month is None or day is None or not published:
        return None
    issued = as_date(published)
    same_year = make_date(issued.year, month, day)
    if same_year and same_year <= issued + SLACK:
        return same_year.isoformat()
    if (month, day) <= (issued.month, issued.day):
        return None  # an impossible day (2月29日 in a common year), not last year's
    previous = make_date(issued.year - 1, month, day)
    return previous.isoformat() if previous else None
