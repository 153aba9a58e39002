"""Dates as formats carry them (record fields, document properties, a date line atop a text) -> ISO dates."""

from __future__ import annotations

import importlib
import re
from datetime import date, datetime, timedelta, timezone
from functools import cache

# Chinese news is dated in China's time zone: an epoch timestamp becomes the date there.
CHINA_TZ = timezone(timedelta(hours=8))
MIN_YEAR, MAX_YEAR = 1900, 2100

_FULL_WIDTH = str.maketrans("０１２３４５６７８９／－．：", "0123456789/-.:")
_YMD_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:$|[\sT])")
_EPOCH_RE = re.compile(r"\d{9,13}(?:\.\d+)?")
# A date line at the very top of a text: "[ 2023-07-28 16：40 ] ，正文：", "2024年3月13日 星期三".
_HEAD_RE = re.compile(r"\s*[\[【(（]?\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")


def iso_date(value: object) -> str | None:
    """YYYY-MM-DD from a field value ("2023-08-16 18:24", "2023年8月16日", 20230816, epoch seconds, datetime)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo is None else value.astimezone(CHINA_TZ)
        return _checked(moment.year, moment.month, moment.day)
    if isinstance(value, date):
        return _checked(value.year, value.month, value.day)
    if isinstance(value, int | float):
        return _from_number(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip().translate(_FULL_WIDTH)
    if not text:
        return None
    if _EPOCH_RE.fullmatch(text):
        return _from_number(float(text))
    m = _YMD_RE.search(text) or _COMPACT_RE.match(text)
    if m is None:
        return None
    return _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _from_number(number: float) -> str | None:
    """Epoch seconds (or milliseconds, or a compact 20230816) as a date in China."""
    if 19000101 <= number <= 21001231 and number == int(number):
        digits = str(int(number))
        return _checked(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if number > 1e11:  # milliseconds
        number /= 1000
    if number < 1e8:  # too small to be a plausible news timestamp (before 1973)
        return None
    try:
        moment = datetime.fromtimestamp(number, tz=CHINA_TZ)
    except (OverflowError, OSError, ValueError):
        return None
    return _checked(moment.year, moment.month, moment.day)


def _checked(year: int, month: int, day: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def head_date(text: str) -> str | None:
    """The date of a line at the top of a text, through rag.dates when that module exists."""
    return _head_date_function()(text)


@cache
def _head_date_function():
    # rag.dates (the shared date parser) may not exist yet; imported lazily so loaders stay usable.
    for module in ("rag.dates", "rag.dates.publication"):
        try:
            return importlib.import_module(module).date_from_text_head
        except (ImportError, AttributeError):
            continue
    return own_head_date


def own_head_date(text: str) -> str | None:
    """A full year-month-day at the start of the text's first line (brackets and spaces allowed)."""
    m = _HEAD_RE.match(text[:40].translate(_FULL_WIDTH))
    if m is None:
        return None
    return _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)))
