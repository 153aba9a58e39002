"""Show a sentence with its relative time expressions resolved, the quoted characters untouched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rag.dates.relative import find_time_expressions

OPEN, CLOSE = "（", "）"
# Expressions that name their month or quarter and lack only the year.
YEARLESS_KINDS = frozenset({"day", "month", "months", "month_part", "quarter", "half", "first_quarters"})


@dataclass(frozen=True)
class Insertion:
    """Text to insert at offset `at` of the original sentence (（2024年）)."""

    at: int
    text: str


def relative_insertions(
    sentence: str, published: date | str, include_yearless: bool = True
) -> tuple[Insertion, ...]:
    """Where the resolved periods go: after 今年 in 今年前2个月, after 上月; none where the text already
    says it (今天（4日）) or the expression is explicit (2023年3月) or vague (近日). `include_yearless=False`
    leaves dates that only lack their year (3月12日, 一季度) as they are."""
    inserts: list[Insertion] = []
    for found in find_time_expressions(sentence, published):
        if not found.relative or not found.note:
            continue
        if not include_yearless and found.kind in YEARLESS_KINDS:
            continue
        if sentence[found.note_at : found.note_at + 1] in (OPEN, "("):
            continue
        inserts.append(Insertion(found.note_at, f"{OPEN}{found.note}{CLOSE}"))
    return tuple(inserts)


def apply_insertions(sentence: str, inserts: tuple[Insertion, ...]) -> str:
    """`sentence` with `inserts` placed at their offsets."""
    pieces, last = [], 0
    for insert in sorted(inserts, key=lambda i: i.at):
        pieces += [sentence[last : insert.at], insert.text]
        last = insert.at
    return "".join(pieces) + sentence[last:]


def annotate_relative(sentence: str, published: date | str | None, include_yearless: bool = True) -> str:
    """今年前2个月 -> 今年（2024年）前2个月 for an article published in 2024; unchanged without a date."""
    if not published:
        return sentence
    return apply_insertions(sentence, relative_insertions(sentence, published, include_yearless))
