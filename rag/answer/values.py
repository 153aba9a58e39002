"""Typed values in a sentence, with positions: numbers with units, dates, whole person names, titled people, places."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .facts import CN_NUMBER_RE, DATE_RE, NUMBER_RE, _posseg
from .focus import TITLES

CLAUSE_MARKS = "，,；;。！？!?：:（）()“”"
TIME_UNITS = ("分钟", "小时", "天", "年", "个月", "周", "秒")
# after a person's name comes a verb, a mark or the end; a name glued to more nouns is part of something else
NAME_ENDS = set(CLAUSE_MARKS + "、 \u3000·")
NOUNISH = ("n", "ns", "nz", "nt", "ng", "zg", "j", "nrt", "nrfg", "l")


@dataclass(frozen=True)
class Value:
    """One candidate answer inside a sentence: [start, end) is where it stands."""

    text: str
    start: int
    end: int


def clause_bounds(sentence: str, at: int) -> tuple[int, int]:
    """[start, end) of the clause around position `at` (between commas, semicolons, colons …)."""
    start = max((sentence.rfind(m, 0, at) for m in CLAUSE_MARKS), default=-1) + 1
    ends = [i for i in (sentence.find(m, at) for m in CLAUSE_MARKS) if i >= 0]
    return start, min(ends) if ends else len(sentence)


def unit_fits(value: str, unit: str) -> bool:
    """Whether a number carries the unit the question asks for ("time" = any duration)."""
    if unit == "time":
        return value.endswith(TIME_UNITS)
    if unit == "%":
        return value.endswith(("%", "％", "成", "个百分点"))
    return value.endswith(unit)


def number_values(sentence: str, unit: str = "") -> list[Value]:
    """Numbers with their unit, Chinese-numeral quantities when no Arabic one is there; dates left out."""
    dates = [(m.start(), m.end()) for m in DATE_RE.finditer(sentence)]
    found = [Value(m.group(0), m.start(), m.end()) for m in NUMBER_RE.finditer(sentence)
             if any(ch.isdigit() for ch in m.group(0))]
    found += [Value(m.group(0), m.start(), m.end()) for m in CN_NUMBER_RE.finditer(sentence)
              if not any(v.start <= m.start() < v.end for v in found)]
    if unit != "time":
        found = [v for v in found if not any(s <= v.start < e for s, e in dates)]
    if unit:
        return [v for v in found if unit_fits(v.text, unit)]
    return found


def date_values(sentence: str) -> list[Value]:
    return [Value(m.group(0), m.start(), m.end()) for m in DATE_RE.finditer(sentence)]


def _tokens(sentence: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    for w in _posseg().cut(sentence):
        out.append((w.word, w.flag, pos))
        pos += len(w.word)
    return out


def person_values(sentence: str) -> list[Value]:
    """Whole person names: nr words that end where the name ends, not cut out of a place (西有藏|马山)."""
    tokens = _tokens(sentence)
    out = []
    for i, (word, flag, pos) in enumerate(tokens):
        if flag != "nr" or not 2 <= len(word) <= 4 or not re.fullmatch(r"[\u4e00-\u9fff·]+", word):
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt and nxt[0][0] not in NAME_ENDS and nxt[1] in NOUNISH:
            continue
        prev = tokens[i - 1] if i else None
        if prev and prev[1] in ("ns",) and prev[0][-1] not in NAME_ENDS:
            continue  # 灵山|西有藏: inside a place name
        out.append(Value(word, pos, pos + len(word)))
    return out


TITLED_RE = re.compile("(" + "|".join(sorted(TITLES, key=len, reverse=True)) + ")"
                       r"([\u4e00-\u9fff·]{2,4}?)(?=表示|介绍|说|指出|认为|称|强调|告诉|坦言|透露|出席|主持|会见|汇报|发言|"
                       r"一行|等|在|向|对|与|和|同|带领|率|[，,。、；;：:\s（()“”]|$)")
CHAIN_MARKS = "，,；;。！？!?：:“”（(\n "


def titled_people(sentence: str) -> list[tuple[str, Value, str, bool]]:
    """(title, name, the chain of posts before it, deputy?) for 胶州市委副书记、市长于冬泉 and the like."""
    out = []
    for m in TITLED_RE.finditer(sentence):
        title, name = m.group(1), m.group(2)
        cut = max(sentence.rfind(c, 0, m.start()) for c in CHAIN_MARKS)
        chain = sentence[max(cut + 1, m.end(1) - 20):m.end(1)]  # the posts just before the name
        deputy = sentence[max(0, m.start() - 3):m.start()].endswith(("副", "常务副"))
        out.append((title, Value(name, m.start(2), m.end(2)), chain, deputy))
    return out


def place_values(sentence: str) -> list[Value]:
    """Places and organisations (jieba ns / nt) of two or more characters."""
    return [Value(w, p, p + len(w)) for w, f, p in _tokens(sentence) if f in ("ns", "nt") and len(w) >= 2]
