"""CJK radical code points that PDF text layers put for ideographs (⻘岛 for 青岛) -> the ideographs."""

from __future__ import annotations

import unicodedata

# CJK Radicals Supplement forms with no NFKC mapping, to their equivalent unified ideographs
# (Unicode EquivalentUnifiedIdeograph.txt); the Kangxi Radicals block maps through NFKC.
SUPPLEMENT = {
    "\u2ea0": "民", "\u2eab": "目", "\u2eae": "竹", "\u2eb7": "羊", "\u2ec4": "西", "\u2ec5": "见", "\u2ec6": "角",
    "\u2ecb": "车", "\u2ed3": "长", "\u2ed4": "门", "\u2ed7": "雨", "\u2ed8": "青", "\u2edb": "风", "\u2edc": "飞",
    "\u2edd": "食", "\u2ee2": "马", "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee8": "麦", "\u2ee9": "黄",
    "\u2eec": "齐", "\u2eee": "齿", "\u2ef0": "龙",
}


def unify_radicals(text: str) -> str:
    """Replace radical code points with the ideographs they stand for; other text is left as it is."""
    if not any("\u2e80" <= ch <= "\u2fdf" for ch in text):
        return text
    return "".join(_unified(ch) if "\u2e80" <= ch <= "\u2fdf" else ch for ch in text)


def _unified(ch: str) -> str:
    if ch in SUPPLEMENT:
        return SUPPLEMENT[ch]
    return unicodedata.normalize("NFKC", ch)
