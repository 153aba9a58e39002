"""Collapse near-duplicate passages (reprinted briefs, overlapping chunks)."""

from __future__ import annotations

from ..normalize import compact


def shingles(text: str, n: int = 4) -> set[str]:
    t = compact(text)
    return {t[i:i + n] for i in range(max(1, len(t) - n + 1))}


def is_near_duplicate(a: set[str], b: set[str], threshold: float = 0.8) -> bool:
    """Jaccard similarity of character 4-grams at or above the threshold."""
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= threshold
