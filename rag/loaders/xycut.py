"""Page layout before OCR: recursive XY-cut of a binarised page image into text regions in reading order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A row or column counts as blank when at most this share of its pixels is ink (scanner specks, faint dust).
BLANK_INK_SHARE = 0.004
DEFAULT_LINE_HEIGHT = 20  # px: 10 pt type at 150 dpi, used when a page has too little text to measure
MAX_DEPTH = 64  # binary cuts: a page of a few dozen regions needs about as many levels


@dataclass(frozen=True)
class Region:
    """A rectangle of the page image in pixels, x1/y1 exclusive."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


@dataclass(frozen=True)
class CutSettings:
    """Gap sizes, in body text line heights, that separate bands (horizontal) and columns (vertical)."""

    band_gap: float = 1.0  # wider than the space between lines of a paragraph, so columns stay whole
    gutter: float = 0.7  # narrower than any column gutter, wider than the space between characters
    rule_length: float = 6.0  # an ink stroke this long and thin is a printed rule, not a character


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink mask (True = ink) of a grayscale page by Otsu's threshold; an all-blank page gives no ink."""
    import cv2

    if gray.size == 0 or int(gray.max()) - int(gray.min()) < 40:
        return np.zeros(gray.shape, dtype=bool)
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask > 0


def line_fragments(ink: np.ndarray) -> np.ndarray:
    """Pieces of text lines as rows of (centre x, centre y, height): characters joined along their line."""
    import cv2

    if not ink.any():
        return np.zeros((0, 3))
    # Join the characters of a line (but not neighbouring lines) into one component.
    joined = cv2.dilate(ink.astype(np.uint8), np.ones((1, 9), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    x, y = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    widths, heights = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    keep = (widths >= 3 * heights) & (heights >= 6)
    return np.column_stack([x + widths / 2, y + heights / 2, heights])[keep]


def line_height(ink: np.ndarray) -> int:
    """The typical height of a body text line: median height of the page's line fragments."""
    fragments = line_fragments(ink)
    if len(fragments) < 3:
        return DEFAULT_LINE_HEIGHT
    return int(np.median(fragments[:, 2]))


def erase_rules(ink: np.ndarray, min_length: int, max_thickness: int) -> np.ndarray:
    """The ink mask without long thin horizontal and vertical rules (column rules would hide gutters)."""
    import cv2

    mask = ink.astype(np.uint8)
    rules = np.zeros_like(mask)
    length, thick_size = min_length | 1, (max_thickness + 1) | 1  # odd kernels keep the opening in place
    for along, across in (((1, length), (thick_size, 1)), ((length, 1), (1, thick_size))):
        long_strokes = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones(along, np.uint8))
        # A long stroke that is also thick is a solid block (a dark photo, a bar), not a rule.
        thick = cv2.morphologyEx(long_strokes, cv2.MORPH_OPEN, np.ones(across, np.uint8))
        rules |= long_strokes & ~thick
    return (mask & ~rules).astype(bool)


def _runs(filled: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a 1-D boolean array, end exclusive."""
    padded = np.concatenate(([False], filled, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _filled(ink: np.ndarray, region: Region, axis: int) -> np.ndarray:
    """Per row (axis=1) or column (axis=0) of the region: does it hold more ink than specks?"""
    window = ink[region.y0 : region.y1, region.x0 : region.x1]
    counts = window.sum(axis=axis)
    span = window.shape[axis]
    return counts >= max(1, int(span * BLANK_INK_SHARE))  # a 1 px rule of a dash is ink


def _trim(ink: np.ndarray, region: Region) -> Region | None:
    """The region shrunk to its ink, or None when it holds none."""
    rows = np.flatnonzero(_filled(ink, region, 1))
    cols = np.flatnonzero(_filled(ink, region, 0))
    if len(rows) == 0 or len(cols) == 0:
        return None
    return Region(region.x0 + int(cols[0]), region.y0 + int(rows[0]),
                  region.x0 + int(cols[-1]) + 1, region.y0 + int(rows[-1]) + 1)


def _gaps(filled: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Blank runs at least `min_gap` long inside a trimmed profile, as (start, end)."""
    return [(a, b) for a, b in _runs(~filled) if b - a >= min_gap and a > 0 and b < len(filled)]


def _spans(length: int, gaps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The filled spans between the gaps."""
    edges = [0, *(edge for gap in gaps for edge in gap), length]
    return list(zip(edges[::2], edges[1::2]))


def _single_line(ink: np.ndarray, region: Region) -> bool:
    """True when the region holds one line of text (no blank row inside it)."""
    return bool(_filled(ink, region, 1).all())


@dataclass(frozen=True)
class _Page:
    """What every cut of one page needs: its ink, its line fragments and the gap sizes in pixels."""

    ink: np.ndarray
    fragments: np.ndarray
    body_height: int
    band_gap: int
    gutter: int

    def type_heights(self, region: Region) -> tuple[float, float]:
        """Median and largest line height of the type inside a region (a headline's is larger)."""
        f = self.fragments
        inside = ((f[:, 0] >= region.x0) & (f[:, 0] < region.x1) & (f[:, 1] >= region.y0) & (f[:, 1] < region.y1))
        if not inside.any():
            return float(self.body_height), float(self.body_height)
        return float(np.median(f[inside, 2])), float(f[inside, 2].max())


def _cut(page: _Page, region: Region, depth: int) -> list[list[Region]]:
    trimmed = _trim(page.ink, region)
    if trimmed is None:
        return []
    if depth >= MAX_DEPTH:
        return [[trimmed]]
    usual, largest = page.type_heights(trimmed)
    # A gap inside a headline or masthead (letter spacing, a quotation mark) is as wide as the gutters
    # between body columns: in a block of a few lines only a gap of its largest type's height parts it.
    few_lines = trimmed.height < 3.5 * largest
    gutter = max(page.gutter, round(largest if few_lines else 0.7 * usual))
    rows = _gaps(_filled(page.ink, trimmed, 1), page.band_gap)
    cols = _gaps(_filled(page.ink, trimmed, 0), gutter)
    if not rows and not cols:
        return [[trimmed]]
    if not rows and _single_line(page.ink, trimmed):
        # Pieces of one printed line (a masthead's fields) are read as one line.
        pieces = [_trim(page.ink, Region(trimmed.x0 + a, trimmed.y0, trimmed.x0 + b, trimmed.y1))
                  for a, b in _spans(trimmed.width, cols)]
        return [[piece for piece in pieces if piece is not None]]
    # Only the widest strip is cut, as layout.xy_cut does for the text layer: a headline spanning its
    # columns blocks every vertical strip, so it is cut off above them; two articles side by side are
    # parted by the wider gutter between them before each is cut under its own headline.
    widest_row = max((b - a for a, b in rows), default=0)
    widest_col = max((b - a for a, b in cols), default=0)
    if widest_col > widest_row:
        a, b = max(cols, key=lambda g: g[1] - g[0])
        parts = [Region(trimmed.x0, trimmed.y0, trimmed.x0 + a, trimmed.y1),
                 Region(trimmed.x0 + b, trimmed.y0, trimmed.x1, trimmed.y1)]
    else:
        a, b = max(rows, key=lambda g: g[1] - g[0])
        parts = [Region(trimmed.x0, trimmed.y0, trimmed.x1, trimmed.y0 + a),
                 Region(trimmed.x0, trimmed.y0 + b, trimmed.x1, trimmed.y1)]
    return [group for part in parts for group in _cut(page, part, depth + 1)]


def text_regions(gray: np.ndarray, settings: CutSettings = CutSettings()) -> tuple[list[list[Region]], int]:
    """Text regions of a grayscale page in reading order, and the body line height in pixels they were cut with.

    Bands read top to bottom, columns left to right; each item is one block, or the pieces of one printed
    line (a masthead's fields) to be read as one line.
    """
    ink = binarise(gray)
    fragments = line_fragments(ink)
    height = int(np.median(fragments[:, 2])) if len(fragments) >= 3 else DEFAULT_LINE_HEIGHT
    ink = erase_rules(ink, max(int(settings.rule_length * height), 30), max(2, height // 4))
    page = _Page(ink, fragments, height, max(2, round(settings.band_gap * height)),
                 max(2, round(settings.gutter * height)))
    return _cut(page, Region(0, 0, gray.shape[1], gray.shape[0]), 0), height
