"""Publication dates in file names: 2024-03-13, 2024_03_13, 2024.3.13, 20240313, 2024年3月13日."""

from __future__ import annotations

import re
from pathlib import PurePath

from rag.dates.calendar import iso_date
from rag.dates.digits import ascii_digits

SEPARATED_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[-_.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    r"|(?<!\d)(?P<cy>(?:19|20)\d{2})年(?P<cm>\d{1,2})月(?P<cd>\d{1,2})日"
)
COMPACT_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")
HEX_RUN_RE = re.compile(r"[0-9a-fA-F]+")
# A run of hex characters this long is a hash or an id (md5, sha1 prefixes), not a date with a letter beside it.
HASH_MIN_CHARS = 12


def date_from_filename(name: str) -> str | None:
    """The date a file name carries, or None; ids and hashes that happen to contain 8 digits are not dates."""
    stem = ascii_digits(PurePath(name).name)
    for m in SEPARATED_RE.finditer(stem):
        if m.group("y"):
            iso = iso_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            iso = iso_date(int(m.group("cy")), int(m.group("cm")), int(m.group("cd")))
        if iso:
            return iso
    hex_runs = [(r.start(), r.end()) for r in HEX_RUN_RE.finditer(stem)]
    for m in COMPACT_RE.finditer(stem):
        if any(s <= m.start() and m.end() <= e and e - s >= HASH_MIN_CHARS for s, e in hex_runs):
            continue
        iso = iso_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if iso:
            return iso
    return None
