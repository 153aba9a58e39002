"""Publication dates from a text's top lines and from a newspaper masthead or running header."""

from __future__ import annotations

import re

from rag.dates.full_date import find_full_dates

# Scraped articles carry their metadata before this marker: `2023-08-16 18:24:57，正文：…`.
BODY_MARKER_RE = re.compile(r"正文[:：]")
HEAD_CHARS = 200
HEAD_LINES = 3
# What may stand before a date on a date line: nothing, a label (发布时间：), a crumb trail, a bracket.
BEFORE_DATE_RE = re.compile(r"(?:^|[\s:：|｜>\[【(（])$")
# What may follow the date (and its time and weekday): end of line, space, a bracket, a separator.
AFTER_DATE_RE = re.compile(r"(?:$|[\s\]】)）|｜/])")
MASTHEAD_MAX_CHARS = 120


def date_from_text_head(text: str) -> str | None:
    """The publication date on the top line(s) of an article (2024年3月13日 星期三; 2023-08-16 18:24:57，正文：)."""
    head = text[: HEAD_CHARS + 20]
    marker = BODY_MARKER_RE.search(head)
    if marker and marker.start() <= HEAD_CHARS:
        for found in find_full_dates(head[: marker.start()], short_year=True):
            return found.iso
        return None
    lines = [line.strip() for line in text[:HEAD_CHARS].splitlines() if line.strip()]
    for line in lines[:HEAD_LINES]:
        iso = _date_line(line)
        if iso:
            return iso
    return None


def _date_line(line: str) -> str | None:
    """The date when `line` is a date line (a date set apart by labels or spaces), not a sentence with a date."""
    for found in find_full_dates(line, short_year=True):
        if found.start > 40:
            return None
        if BEFORE_DATE_RE.search(line[: found.start]) and AFTER_DATE_RE.match(line, found.end):
            return found.iso
        return None
    return None


def date_from_masthead(line: str) -> str | None:
    """The date in a page's running header or masthead (青岛日报 2024年3月13日 星期三 第3版 要闻)."""
    if len(line.strip()) > MASTHEAD_MAX_CHARS:
        return None
    for found in find_full_dates(line):
        return found.iso
    return None
