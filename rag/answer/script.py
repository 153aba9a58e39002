"""Traditional characters and spelled-out counts in questions: converted for search and answering, shown as written."""

from __future__ import annotations

import re
from functools import lru_cache

CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
            "十一": 11, "十二": 12}
# 前两个月 / 头三个月 -> 前2个月: news text writes these periods with digits
PERIOD_RE = re.compile(r"(前|头|近|上|后)(十[一二]?|[一二两三四五六七八九])(个月|季度|年)")


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:  # the dependency is declared; a broken install should not stop simplified questions
        return None
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified Chinese for matching (OpenCC t2s); the text unchanged when OpenCC is unavailable."""
    conv = _converter()
    return conv.convert(text) if conv and text else text


def _period(m: re.Match) -> str:
    head = "前" if m.group(1) == "头" else m.group(1)
    return f"{head}{CN_SMALL[m.group(2)]}{m.group(3)}"


def normalize_question(question: str) -> str:
    """The question as the archive would phrase it: simplified characters, 前两个月 -> 前2个月."""
    return PERIOD_RE.sub(_period, to_simplified(question.strip()))
