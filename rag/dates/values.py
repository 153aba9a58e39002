"""Record field values to ISO dates: strings in common layouts, epoch seconds or milliseconds, datetimes."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from rag.dates.calendar import MAX_YEAR, MIN_YEAR, iso_date
from rag.dates.digits import ascii_digits
from rag.dates.full_date import find_full_dates

# Chinese newsroom databases store local time; epoch values are read in China Standard Time.
CHINA_TIME = timezone(timedelta(hours=8))
COMPACT_RE = re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})")
EPOCH_RE = re.compile(r"-?\d{9,13}(?:\.\d+)?")
EPOCH_MS_MIN = 10**11  # 1973 in milliseconds, 5138 in seconds: above it a value is milliseconds


def normalise_date(value: object, tz: timezone = CHINA_TIME) -> str | None:
    """`YYYY-MM-DD` for a record field's date (2023-08-16 18:24, 2023/8/16, 2023年8月16日, epoch s/ms, ISO+zone).

    A date written with a time zone keeps the calendar day it was written with; epoch values are read in `tz`.
    Anything else (empty, impossible dates such as 2023-13-01, day-first layouts) gives None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _checked(value.date())
    if isinstance(value, date):
        return _checked(value)
    if isinstance(value, int | float):
        return _from_epoch(float(value), tz)
    text = ascii_digits(str(value)).strip()
    if not text:
        return None
    compact = COMPACT_RE.fullmatch(text)
    if compact:
        return iso_date(int(compact["y"]), int(compact["m"]), int(compact["d"]))
    if EPOCH_RE.fullmatch(text):
        return _from_epoch(float(text), tz)
    for found in find_full_dates(text):
        # Only a date at the start: `08/16/2023` or `发布于2023-08-16` are not field layouts we guess at.
        if found.start == 0:
            return found.iso
        break
    return _from_rfc2822(text)


def _from_epoch(seconds: float, tz: timezone) -> str | None:
    """An epoch value in seconds or milliseconds as a date in `tz`."""
    if abs(seconds) >= EPOCH_MS_MIN:
        seconds /= 1000
    try:
        moment = datetime.fromtimestamp(seconds, tz)
    except (OverflowError, OSError, ValueError):
        return None
    return _checked(moment.date())


def _from_rfc2822(text: str) -> str | None:
    """RSS and e-mail dates: `Wed, 16 Aug 2023 10:24:00 +0800`."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return _checked(moment.date()) if moment else None


def _checked(day: date) -> str | None:
    """The ISO date when it lies within 1900-2100."""
    return day.isoformat() if MIN_YEAR <= day.year <= MAX_YEAR else None
