"""How much of a seed page OCR gives back: aligned character recovery and article titles found."""

from __future__ import annotations

import difflib
import re
import unicodedata

_WS = re.compile(r"\s+")
# A scan cannot tell these apart from their look-alikes: the byline box □ prints as the character 口.
_LOOK_ALIKES = str.maketrans({"□": "口", "#": None})


def comparable(text: str) -> str:
    """Text with whitespace and markdown marks removed, full-width punctuation folded (，-> ,), □ as 口."""
    return _WS.sub("", unicodedata.normalize("NFKC", text).translate(_LOOK_ALIKES))


def char_recovery(expected: str, got: str) -> float:
    """Share of the expected characters that the aligned OCR text reproduces (difflib matching blocks)."""
    a, b = comparable(expected), comparable(got)
    if not a:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(a)


def title_found(title: str, got: str, min_ratio: float = 0.9) -> bool:
    """True when the title is in the OCR text: verbatim (spacing aside) or as a paragraph >= min_ratio alike."""
    wanted = comparable(title)
    if not wanted:
        return True
    if wanted in comparable(got):
        return True
    for paragraph in re.split(r"\n\s*\n|\n", got):
        if difflib.SequenceMatcher(None, wanted, comparable(paragraph), autojunk=False).ratio() >= min_ratio:
            return True
    return False


def titles_found(titles: list[str], got: str) -> float:
    """Share of the titles found in the OCR text."""
    return sum(title_found(t, got) for t in titles) / len(titles) if titles else 1.0


def printed_text(seed) -> str:
    """The seed page's text in the order the test newspaper prints it (every seed line, displaced tails of
    paragraphs printed with their article), the reference a scan of that page is aligned with."""
    from tests.support.newspaper_pdf import article_blocks

    return "\n\n".join(text for block in article_blocks(seed) for _, text in (*block.header, *block.body))


def locate(probe: str, text: str, min_match: int = 15) -> int:
    """Where the longest run of `probe` (at least `min_match` characters) starts in `text`, or -1."""
    a, b = comparable(text), comparable(probe)
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.a if match.size >= min_match else -1


def char_overlap(expected: str, got: str) -> float:
    """Share of the expected characters present in the OCR text in any order (recognition without layout)."""
    from collections import Counter

    a, b = Counter(comparable(expected)), Counter(comparable(got))
    total = sum(a.values())
    return sum((a & b).values()) / total if total else 1.0
