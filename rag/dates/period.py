"""A resolved time period: start and end ISO dates (inclusive) and a Chinese label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rag.dates.calendar import month_end


@dataclass(frozen=True)
class Period:
    """Inclusive [start, end] as ISO dates, and how a reader would write it (2024年1-2月)."""

    start: str
    end: str
    label: str

    def contains(self, day: str) -> bool:
        """True when the ISO date `day` lies within the period."""
        return self.start <= day[:10] <= self.end


def period_between(start: date, end: date) -> Period:
    """The period from `start` to `end` inclusive, labelled."""
    return Period(start.isoformat(), end.isoformat(), period_label(start, end))


def period_hull(periods: list[Period]) -> Period:
    """The smallest period covering all of `periods` (not empty)."""
    start = min(date.fromisoformat(p.start) for p in periods)
    end = max(date.fromisoformat(p.end) for p in periods)
    return period_between(start, end)


def year_period(year: int) -> Period:
    """The calendar year."""
    return period_between(date(year, 1, 1), date(year, 12, 31))


def months_period(year: int, first: int, last: int) -> Period:
    """Months `first` to `last` of `year`, whole."""
    return period_between(date(year, first, 1), month_end(year, last))


def period_label(start: date, end: date) -> str:
    """2024年 / 2024年2月 / 2024年1-2月 / 2024年3月12日 / 2024年3月4日-10日 and cross-year forms."""
    whole_months = start.day == 1 and end == month_end(end.year, end.month)
    if start == end:
        return f"{start.year}年{start.month}月{start.day}日"
    if whole_months and start.year == end.year:
        if start.month == 1 and end.month == 12:
            return f"{start.year}年"
        if start.month == end.month:
            return f"{start.year}年{start.month}月"
        return f"{start.year}年{start.month}-{end.month}月"
    if whole_months:
        return f"{start.year}年{start.month}月-{end.year}年{end.month}月"
    if start.year != end.year:
        return f"{start.year}年{start.month}月{start.day}日-{end.year}年{end.month}月{end.day}日"
    if start.month != end.month:
        return f"{start.year}年{start.month}月{start.day}日-{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日-{end.day}日"
