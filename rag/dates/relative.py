"""Find Chinese time expressions (今年前2个月, 去年同期, 上月, 一季度, 3月12日) and resolve them to periods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rag.dates.calendar import add_months, as_date, make_date, month_length, shift_years
from rag.dates.digits import ascii_digits, small_number
from rag.dates.expressions import (
    ANCHORED,
    DAY_WORDS,
    EXPRESSION_RE,
    MONTH_WORDS,
    SOLO,
    WEEK_WORDS,
    WEEKDAYS,
    YEAR_WORDS,
)
from rag.dates.period import Period, months_period, period_between, year_period

# A yearless month, day or quarter this many months after the reference month is last year's:
# a January article's 四季度 or 12月28日 reports the past, its 6月 announces the future.
LAST_YEAR_AFTER_MONTHS = 9
# 上旬/中旬/下旬 are the month's thirds; 月初 and 月底/月末 read as the first and last ten days.
MONTH_THIRDS = {"上旬": (1, 10), "初": (1, 10), "中旬": (11, 20), "下旬": (21, 31), "底": (21, 31), "末": (21, 31)}


@dataclass(frozen=True)
class TimeExpression:
    """A time expression in a text: [start, end), its period (None when vague: 近日), and the note that
    completes it for a reader (the year of 今年, the month of 上月) with the offset where it belongs."""

    start: int
    end: int
    text: str
    # year, first_months, first_quarters, quarter, half, months, month, month_part, day, year_start,
    # year_end, same, since (a year and a part of it); month_word, week_word, day_word, bare_day; vague
    kind: str
    period: Period | None
    relative: bool  # the meaning depends on the reference date
    note: str = ""  # 2024年 for 今年; empty for explicit dates (2023年3月)
    note_at: int = 0


def find_time_expressions(
    text: str, reference: date | datetime | str, prefer_past: bool = False
) -> list[TimeExpression]:
    """Time expressions in `text` resolved against `reference` (the article's publication date, or today
    for a question). `prefer_past` moves a yearless month or quarter that has not begun yet to last year."""
    ref = as_date(reference)
    norm = ascii_digits(text)
    found: list[TimeExpression] = []
    for m in EXPRESSION_RE.finditer(norm):
        context = next((f.period for f in reversed(found) if f.period and f.kind != "same"), None)
        expression = _resolve(m, text, ref, prefer_past, context)
        if expression:
            found.append(expression)
    return found


def _resolve(m: re.Match, text: str, ref: date, prefer_past: bool, context: Period | None):
    """One match as a TimeExpression, or None when it names an impossible date (2023年13月)."""
    g = m.groupdict()
    common = {"start": m.start(), "end": m.end(), "text": text[m.start() : m.end()]}
    if g["anchored"]:
        relative = bool(g["yrel"])
        year = ref.year + YEAR_WORDS[g["yrel"]] if relative else int(g["yabs"])
        anchor_end = m.start("yrel") + len(g["yrel"]) if relative else m.end("yabs")
        span, kind = _year_part(g, ANCHORED, year, ref, context)
        if span is None:
            return None
        note = f"{year}年" if relative else ""
        return TimeExpression(**common, kind=kind, period=span, relative=relative, note=note, note_at=anchor_end)
    if g["solo"]:
        year = _year_for(_first_month(g, SOLO), ref, prefer_past)
        span, kind = _year_part(g, SOLO, year, ref, context)
        if span is None:
            return None
        note = span.label if kind == "first_months" else f"{year}年"
        return TimeExpression(**common, kind=kind, period=span, relative=True, note=note, note_at=m.end())
    if g["month_word"]:
        y, mo = add_months(ref.year, ref.month, MONTH_WORDS[g["month_word"]])
        span = months_period(y, mo, mo)
    elif g["week_word"]:
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=WEEK_WORDS[g["week_word"]])
        if g["weekday"]:
            day = monday + timedelta(days=WEEKDAYS.index(g["weekday"].replace("天", "日")))
            span = period_between(day, day)
        else:
            span = period_between(monday, monday + timedelta(days=6))
    elif g["day_word"]:
        day = ref + timedelta(days=DAY_WORDS[g["day_word"]])
        span = period_between(day, day)
    elif g["bare_day"]:
        day = _nearest_day(int(g["bare_day"]), ref, prefer_past)
        if day is None:
            return None
        span = period_between(day, day)
    else:
        return TimeExpression(**common, kind="vague", period=None, relative=True, note_at=m.end())
    kind = next(k for k in ("month_word", "week_word", "day_word", "bare_day") if g[k])
    return TimeExpression(**common, kind=kind, period=span, relative=True, note=span.label, note_at=m.end())


def _year_part(g: dict, p: str, year: int, ref: date, context: Period | None) -> tuple[Period | None, str]:
    """The period a year anchor and its part name, and the part's kind."""
    # Without a year, 前一个月 and 前一季度 are "the month/quarter before", not January or Q1.
    fewest = 2 if p == SOLO else 1
    try:
        if g.get(p + "nmon"):
            n = small_number(g[p + "nmon"])
            return (months_period(year, 1, n) if n and fewest <= n <= 12 else None), "first_months"
        if g.get(p + "nq"):
            n = small_number(g[p + "nq"])
            return (months_period(year, 1, 3 * n) if n and fewest <= n <= 4 else None), "first_quarters"
        if g.get(p + "q"):
            n = small_number(g[p + "q"])
            return (months_period(year, 3 * n - 2, 3 * n) if n and 1 <= n <= 4 else None), "quarter"
        if g.get(p + "half"):
            first = 1 if g[p + "half"] == "上" else 7
            return months_period(year, first, first + 5), "half"
        if g.get(p + "mr1"):
            first, last = int(g[p + "mr1"]), int(g[p + "mr2"])
            return (months_period(year, first, last) if 1 <= first < last <= 12 else None), "months"
        if g.get(p + "mon"):
            month = int(g[p + "mon"])
            if g.get(p + "day"):
                day = make_date(year, month, int(g[p + "day"]))
                return (period_between(day, day) if day else None), "day"
            if g.get(p + "tenth") and 1 <= month <= 12:
                first, last = MONTH_THIRDS[g[p + "tenth"]]
                last = min(last, month_length(year, month))
                return period_between(date(year, month, first), date(year, month, last)), "month_part"
            return (months_period(year, month, month) if 1 <= month <= 12 else None), "month"
        if g.get(p + "boy"):
            return months_period(year, 1, 2), "year_start"
        if g.get(p + "eoy"):
            return months_period(year, 11, 12), "year_end"
        if g.get(p + "same"):
            if context:
                start, end = date.fromisoformat(context.start), date.fromisoformat(context.end)
                shift = year - start.year
                return period_between(shift_years(start, shift), shift_years(end, shift)), "same"
            return year_period(year), "same"
        if g.get(p + "since"):
            return (period_between(date(year, 1, 1), ref) if year <= ref.year else None), "since"
        return year_period(year), "year"
    except ValueError:
        return None, "invalid"


def _first_month(g: dict, p: str) -> int:
    """The first month of a yearless part (1 for 前2个月 and 上半年, 7 for 下半年)."""
    if g.get(p + "mr1"):
        return int(g[p + "mr1"])
    if g.get(p + "mon"):
        return int(g[p + "mon"])
    if g.get(p + "q"):
        n = small_number(g[p + "q"]) or 1
        return 3 * n - 2
    if g.get(p + "half") == "下":
        return 7
    return 1


def _year_for(month: int, ref: date, prefer_past: bool) -> int:
    """The year of a yearless month: the reference year unless that reads as last year's (see above)."""
    year = ref.year
    if month - ref.month >= LAST_YEAR_AFTER_MONTHS:
        year -= 1
    elif prefer_past and 1 <= month <= 12 and date(year, month, 1) > ref:
        year -= 1
    return year


def _nearest_day(day: int, ref: date, prefer_past: bool = False) -> date | None:
    """Day `day` of the reference month or of the month before or after, whichever is nearest
    (31日 in an August 1 article is July 31; 将于29日 in a July 26 article is July 29)."""
    candidates = []
    for delta in (-1, 0, 1):
        y, mo = add_months(ref.year, ref.month, delta)
        found = make_date(y, mo, day)
        if found and not (prefer_past and found > ref):
            candidates.append(found)
    return min(candidates, key=lambda d: (abs((d - ref).days), d > ref)) if candidates else None
