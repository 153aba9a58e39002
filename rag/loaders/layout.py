"""Reading order of a printed page from text boxes: glyphs -> lines -> column blocks (XY-cut) -> paragraphs.

Pure functions over `Box` (top-left origin, y grows downwards), shared by the PDF text layer and OCR:
a newspaper page reads headline above its columns, columns left to right, each column top to bottom.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """A piece of text and its rectangle on the page (points or pixels; y grows downwards)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True)
class LayoutSettings:
    """Gaps in units of the page's median line height: what splits a line, a column and a paragraph."""

    space_gap: float = 0.22  # glyph gap that reads as a space between words
    split_gap: float = 1.0  # glyph gap that ends a line box (column gutters, masthead fields)
    column_gap: float = 0.8  # empty vertical strip that separates columns
    row_gap: float = 1.0  # empty horizontal strip that separates bands, headlines and bodies
    indent: float = 0.9  # a first line indented this much starts a paragraph
    short_line: float = 1.5  # a line ending this far before the right edge ends its paragraph


DEFAULT_SETTINGS = LayoutSettings()


def _median_height(boxes: Iterable[Box]) -> float:
    heights = [b.height for b in boxes if b.height > 0]
    return statistics.median(heights) if heights else 1.0


def _same_size(a: float, b: float) -> bool:
    return abs(a - b) <= 0.25 * max(a, b)


def lines_from_glyphs(glyphs: Sequence[Box], settings: LayoutSettings = DEFAULT_SETTINGS) -> list[Box]:
    """Merge glyph boxes into line boxes: same row, same size, no gutter between; spaces where words part."""
    rows: list[list[Box]] = []
    for glyph in sorted((g for g in glyphs if g.text.strip()), key=lambda g: (g.y0 + g.y1) / 2):
        centre = (glyph.y0 + glyph.y1) / 2
        for row in reversed(rows[-12:]):  # rows at this height were started recently
            head = row[0]
            if abs((head.y0 + head.y1) / 2 - centre) <= 0.3 * head.height and _same_size(head.height, glyph.height):
                row.append(glyph)
                break
        else:
            rows.append([glyph])
    lines: list[Box] = []
    for row in rows:
        row.sort(key=lambda g: g.x0)
        height = statistics.median(g.height for g in row)
        piece = [row[0]]
        for glyph in row[1:]:
            if glyph.x0 - piece[-1].x1 > settings.split_gap * height:
                lines.append(_join_glyphs(piece, height, settings))
                piece = []
            piece.append(glyph)
        lines.append(_join_glyphs(piece, height, settings))
    return lines


def _join_glyphs(glyphs: list[Box], height: float, settings: LayoutSettings) -> Box:
    text = glyphs[0].text
    for prev, glyph in zip(glyphs, glyphs[1:]):
        if glyph.x0 - prev.x1 > settings.space_gap * height:
            text += " "
        text += glyph.text
    return Box(min(g.x0 for g in glyphs), min(g.y0 for g in glyphs), max(g.x1 for g in glyphs),
               max(g.y1 for g in glyphs), text)


def _gaps(spans: list[tuple[float, float]], minimum: float) -> list[tuple[float, float]]:
    """Empty intervals of at least `minimum` between the projected spans, as (start, end)."""
    spans = sorted(spans)
    out = []
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start - reach >= minimum:
            out.append((reach, start))
        reach = max(reach, end)
    return out


def xy_cut(boxes: Sequence[Box], settings: LayoutSettings = DEFAULT_SETTINGS,
           unit: float | None = None) -> list[list[Box]]:
    """Recursive XY-cut: blocks (lists of line boxes, top to bottom) in reading order.

    At each level the widest empty strip is cut: a horizontal strip splits bands (top to bottom), a
    vertical one splits columns (left to right). A headline spanning its columns blocks the vertical
    strips, so it is cut off first and read before the columns under it.
    """
    if not boxes:
        return []
    unit = unit or _median_height(boxes)
    blocks: list[list[Box]] = []
    pending = [list(boxes)]  # a stack, first part on top, so blocks come out in reading order
    while pending:
        parts = _cut(pending.pop(), settings, unit)
        if parts is None:
            continue
        if len(parts) == 1:
            blocks.append(parts[0])
        else:
            pending.extend(reversed(parts))
    return blocks


# Strips this close to the widest are cut together (evenly spaced bands or table rows), which keeps
# the number of levels small on long pages.
EVEN_GAPS = 0.95


def _cut(boxes: list[Box], settings: LayoutSettings, unit: float) -> list[list[Box]] | None:
    """The parts of one region along its widest empty strip(s), or the region itself as a block."""
    if not boxes:
        return None
    if len(boxes) == 1:
        return [boxes]
    rows = _gaps([(b.y0, b.y1) for b in boxes], settings.row_gap * unit)
    cols = _gaps([(b.x0, b.x1) for b in boxes], settings.column_gap * unit)
    if not rows and not cols:
        return [sorted(boxes, key=lambda b: (b.y0, b.x0))]
    widest_row = max((end - start for start, end in rows), default=0.0)
    widest_col = max((end - start for start, end in cols), default=0.0)
    # Only the widest strip is cut: a narrower one may belong to one band only (a headline's bottom
    # beside another article's headline), which the next level sees inside that band.
    if widest_col > widest_row:
        gaps, widest, lo, hi = cols, widest_col, (lambda b: b.x0), (lambda b: b.x1)
    else:
        gaps, widest, lo, hi = rows, widest_row, (lambda b: b.y0), (lambda b: b.y1)
    cuts = [start for start, end in gaps if end - start >= EVEN_GAPS * widest]
    parts: list[list[Box]] = [[] for _ in range(len(cuts) + 1)]
    for box in boxes:
        centre = (lo(box) + hi(box)) / 2
        parts[bisect.bisect_left(cuts, centre)].append(box)
    return [part for part in parts if part]


def _joins_without_space(left: str, right: str) -> bool:
    if not left or not right:
        return True
    return not (left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum())


def _join_lines(lines: list[Box]) -> str:
    text = lines[0].text.strip()
    for line in lines[1:]:
        part = line.text.strip()
        text += part if _joins_without_space(text, part) else " " + part
    return text


def block_paragraphs(block: Sequence[Box], settings: LayoutSettings = DEFAULT_SETTINGS) -> list[list[Box]]:
    """Lines of one block grouped into paragraphs: indent, a short line, a wider gap or a size change."""
    if not block:
        return []
    lines = sorted(block, key=lambda b: (b.y0, b.x0))
    left, right = min(b.x0 for b in lines), max(b.x1 for b in lines)
    pitch = [b.y0 - a.y0 for a, b in zip(lines, lines[1:]) if _same_size(a.height, b.height)]
    usual = statistics.median(pitch) if pitch else 0.0
    paragraphs = [[lines[0]]]
    for prev, line in zip(lines, lines[1:]):
        unit = max(line.height, prev.height)
        starts = (line.x0 - left >= settings.indent * unit
                  or prev.x1 < right - settings.short_line * unit
                  or not _same_size(prev.height, line.height)
                  or (usual and line.y0 - prev.y0 > usual + 0.4 * unit))
        if starts:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return paragraphs


def _continues(prev_block: list[Box], prev_para: list[Box], block: list[Box], para: list[Box],
               settings: LayoutSettings) -> bool:
    """Does a column's first paragraph carry on the last paragraph of the column to its left?"""
    first, last = para[0], prev_para[-1]
    unit = max(first.height, last.height)
    left = min(b.x0 for b in block)
    prev_right = max(b.x1 for b in prev_block)
    beside = min(b.x0 for b in block) >= prev_right - unit and min(b.y0 for b in block) < max(
        b.y1 for b in prev_block)
    return (beside and _same_size(first.height, last.height) and first.x0 - left < settings.indent * unit
            and last.x1 >= prev_right - settings.short_line * unit)


def reading_order_paragraphs(lines: Sequence[Box], settings: LayoutSettings = DEFAULT_SETTINGS,
                             unit: float | None = None) -> list[str]:
    """Paragraph texts of a page in reading order; a paragraph running on into the next column is one."""
    out: list[str] = []
    prev_block: list[Box] | None = None
    prev_para: list[Box] | None = None
    for block in xy_cut(lines, settings, unit):
        paragraphs = block_paragraphs(block, settings)
        for i, para in enumerate(paragraphs):
            if i == 0 and prev_block and prev_para and out and _continues(
                    prev_block, prev_para, block, para, settings):
                joined = _join_lines([Box(0, 0, 0, 0, out[-1]), *para])
                out[-1] = joined
            else:
                out.append(_join_lines(para))
        prev_block, prev_para = block, paragraphs[-1]
    return [p for p in out if p]


def reading_order_text(lines: Sequence[Box], settings: LayoutSettings = DEFAULT_SETTINGS) -> str:
    """The page text in reading order, paragraphs separated by blank lines."""
    return "\n\n".join(reading_order_paragraphs(lines, settings))
