"""Small predicates about Chinese news text: sentence ends, heading shapes, words across a break."""

from __future__ import annotations

import re

from ..tokenize import jieba_module

SENTENCE_END = "。！？!?…"
CLOSERS = "”’」』）)》】\"'"
PARTICLE_ENDINGS = set("的了和与及或在是对将把被从向为以并而但等之其该于由给让使")
_CJK = re.compile(r"[\u3400-\u9fff]")


def ends_sentence(text: str) -> bool:
    """True when the text ends a sentence: 。！？… possibly followed by closing quotes or brackets."""
    t = text.rstrip()
    while t and t[-1] in CLOSERS:
        t = t[:-1]
    return bool(t) and t[-1] in SENTENCE_END


def has_inner_sentence_end(text: str) -> bool:
    """True when a full stop occurs before the last few characters (the line holds sentences)."""
    return any(ch in "。！？!?" for ch in text[:-1])


def heading_ending_ok(text: str) -> bool:
    """Headings end in a word, a number, a closing quote/bracket, —— or ……; never a comma or particle."""
    t = text.rstrip()
    if not t:
        return False
    if t.endswith(("——", "……")):
        return True
    last = t[-1]
    if last in PARTICLE_ENDINGS:
        return False
    return bool(_CJK.match(last)) or last.isalnum() or last in "”’」』）)》】\"'"




def word_spans_break(tail: str, head: str) -> bool:
    """True when jieba reads a dictionary word across the break between `tail` and `head`.

    PDF extraction cuts lines mid-word (数智赋 / 能); a heading never ends mid-word.
    """
    tail, head = tail.rstrip()[-6:], head.lstrip()[:6]
    if not tail or not head or not (_CJK.match(tail[-1]) and _CJK.match(head[0])):
        return False
    pos = 0
    cut = len(tail)
    for word in jieba_module().lcut(tail + head, HMM=True):
        end = pos + len(word)
        if pos < cut < end:
            return True
        pos = end
    return False


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))
