"""A normalised copy of text for matching and tokenising, with a map back to original offsets."""

from __future__ import annotations

from dataclasses import dataclass

_FULLWIDTH = {0x3000: " "}
_FULLWIDTH.update({c: chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)})  # ０-９
_FULLWIDTH.update({c: chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({c: chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({0xFF05: "%", 0xFF0E: ".", 0xFF0B: "+", 0xFF0D: "-", 0xFF0F: "/"})
_TABLE = str.maketrans(_FULLWIDTH)


@dataclass(frozen=True)
class NormalizedText:
    """`text` is the normalised copy; `offsets[i]` is the original index of `text[i]`."""

    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text back to the original text."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize_char_width(text: str) -> str:
    """Full-width digits, Latin letters, % . + - / and the ideographic space become ASCII."""
    return text.translate(_TABLE)


def normalize(text: str) -> NormalizedText:
    """Width-fold, lower-case Latin letters and collapse every whitespace run to one space."""
    out: list[str] = []
    offsets: list[int] = []
    folded = normalize_char_width(text)
    in_space = False
    for i, ch in enumerate(folded):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                offsets.append(i)
            in_space = True
            continue
        in_space = False
        out.append(ch.lower())
        offsets.append(i)
    if out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return NormalizedText("".join(out), tuple(offsets))


def compact(text: str) -> str:
    """Width-folded, lower-cased text with all whitespace removed: for containment checks."""
    return "".join(normalize_char_width(text).lower().split())
