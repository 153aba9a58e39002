"""哪些 questions: the items of enumerations (A、B和C), or the people named, gathered across the cited sentences,
deduplicated."""

from __future__ import annotations

import re

from .facts import tagged

ENUM_RE = re.compile(r"[^，,。；;：:“”（）()\s]+(?:、[^，,。；;：:“”（）()、\s]+)+")
TAIL_RE = re.compile(r"(?:等(?:[一二三四五六七八九十\d]+[个家市项条座所名位种类])?.*|[一二三四五六七八九十\d]+[个家市项条座所名位种类])$")
JOIN_RE = re.compile(r"(?:和|及|以及|与)")
QUANTITY_RE = re.compile(r"^[一两二三四五六七八九十\d]+[家个名位项只所座条]")


def _first_item(text: str, width: int) -> str:
    """The end of the enumeration's first piece, about as long as the other items: 青岛市会同烟台 -> 烟台."""
    words = list(tagged(text))
    item = ""
    for word, flag in reversed(words):
        if item and (len(item) >= width or flag in ("uj", "ul", "v", "p", "c", "d", "x")):
            break
        item = word + item
    return item or text


def items_of(sentence: str) -> list[str]:
    """Items of every 、-enumeration in a sentence, the last one cut at 和/及 and 等."""
    out: list[str] = []
    for m in ENUM_RE.finditer(sentence):
        pieces = m.group(0).split("、")
        last = TAIL_RE.sub("", pieces[-1])
        pieces[-1:] = [p for p in JOIN_RE.split(last, maxsplit=1) if p]
        if len(pieces) < 2:
            continue
        pieces[0] = _first_item(pieces[0], max(len(p) for p in pieces[1:]))
        if sum(bool(QUANTITY_RE.search(p)) for p in pieces) * 2 >= len(pieces):
            continue  # 一家人身险公司、一家财产险公司: counts of kinds, not the names asked for
        out += [p.strip("“”\"'") for p in pieces if 1 <= len(p) <= 16]
    return out


def list_items(chosen, numbers: dict[int, int]) -> list[tuple[str, int]]:
    """(item, passage number) over the chosen sentences, each item once."""
    seen: dict[str, int] = {}
    for cand in chosen:
        for item in items_of(cand.text):
            seen.setdefault(item, numbers[cand.hit_index])
    return list(seen.items())


def people_items(chosen, numbers: dict[int, int], question: str) -> list[tuple[str, int]]:
    """(name, passage number) of every whole person name over the chosen sentences, each once, none the question
    names: 哪两名球员 is answered by 杜润旺、程帅澎."""
    from .values import person_values

    seen: dict[str, int] = {}
    for cand in chosen:
        for value in person_values(cand.text):
            if value.text not in question:
                seen.setdefault(value.text, numbers[cand.hit_index])
    return list(seen.items())
