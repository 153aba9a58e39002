"""Character-level normalisation for date matching: full-width digits and punctuation, Chinese numerals."""

from __future__ import annotations

# One character in, one character out, so offsets found in the normalised text are offsets in the original.
_FULL_WIDTH = {ord(c): ord(a) for c, a in zip("０１２３４５６７８９：／－．～［］｜", "0123456789:/-.~[]|")}
_FULL_WIDTH.update({0x3000: 0x20, 0xA0: 0x20, 0x2014: 0x2D, 0x2013: 0x2D, 0x2212: 0x2D})

CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def ascii_digits(text: str) -> str:
    """`text` with full-width digits, colons, slashes, dashes and spaces made ASCII, same length."""
    return text.translate(_FULL_WIDTH)


def small_number(token: str) -> int | None:
    """An integer from 0 to 99 written in ASCII digits or Chinese numerals (3, 两, 十一, 二十); else None."""
    token = ascii_digits(token)
    if token.isdigit():
        return int(token)
    if not token or any(c not in CHINESE_DIGITS and c != "十" for c in token):
        return None
    if "十" not in token:
        return CHINESE_DIGITS[token] if len(token) == 1 else None
    tens, _, ones = token.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)
