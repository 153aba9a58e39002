"""Dates written with year, month and day (2024年3月13日, 2024-03-13, 2024/3/13, 2024.03.13) found in text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rag.dates.calendar import iso_date
from rag.dates.digits import CHINESE_DIGITS, ascii_digits, small_number

# Matched on ascii_digits(text): full-width digits and separators are ASCII there.
FULL_DATE_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*"
    r"(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*[日号]?"
    r"|(?P<sep>[-/.])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2})"
    # 202307/25: a scraper's slip seen in the CRUD corpus
    r"|(?P<m3>\d{2})/(?P<d3>\d{2}))"
    r"(?![\d.]\d)"
)
# A two-digit year is only trusted with a clock time after it (23-07-26 22:00).
SHORT_YEAR_RE = re.compile(r"(?<![\d.\-/])(?P<y>\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\s+\d{1,2}:\d{2}")
TIME_RE = re.compile(r"\s*\d{1,2}:\d{2}(?::\d{2})?")
WEEKDAY_RE = re.compile(r"[\s，,]*[（(]?(?:星期|周|礼拜)[一二三四五六日天][）)]?")
# Mastheads often print the date in Chinese numerals: 二〇二四年三月十三日.
CHINESE_DATE_RE = re.compile(
    r"(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>十[一二]?|[一二三四五六七八九])月"
    r"(?P<d>[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
)


@dataclass(frozen=True)
class FoundDate:
    """A full date in a text: [start, end) in the text (clock time and weekday included) and its ISO form."""

    start: int
    end: int
    iso: str


def find_full_dates(text: str, short_year: bool = False) -> Iterator[FoundDate]:
    """Valid full dates in order of appearance; impossible ones (2023年13月1日, 2月30日) are skipped."""
    norm = ascii_digits(text)
    found: list[FoundDate] = []
    for m in FULL_DATE_RE.finditer(norm):
        month = m.group("m1") or m.group("m2") or m.group("m3")
        day = m.group("d1") or m.group("d2") or m.group("d3")
        iso = iso_date(int(m.group("y")), int(month), int(day))
        if iso:
            found.append(FoundDate(m.start(), _extend(norm, m.end()), iso))
    for m in CHINESE_DATE_RE.finditer(norm):
        year = int("".join(str(CHINESE_DIGITS[c]) for c in m.group("y")))
        iso = iso_date(year, small_number(m.group("m")) or 0, small_number(m.group("d")) or 0)
        if iso:
            found.append(FoundDate(m.start(), _extend(norm, m.end()), iso))
    if short_year:
        for m in SHORT_YEAR_RE.finditer(norm):
            iso = iso_date(2000 + int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if iso and not any(f.start <= m.start() < f.end for f in found):
                found.append(FoundDate(m.start(), _extend(norm, m.start() + len(m.group(0).split()[0])), iso))
    yield from sorted(found, key=lambda f: f.start)


def _extend(norm: str, end: int) -> int:
    """Move `end` past a clock time and a weekday that follow the date."""
    for pattern in (TIME_RE, WEEKDAY_RE, TIME_RE):
        m = pattern.match(norm, end)
        if m:
            end = m.end()
    return end
