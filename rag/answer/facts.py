"""Facts a claim must share with its source: numbers with units, dates, 《titles》, names and places."""

from __future__ import annotations

import re
from functools import lru_cache

from ..normalize import compact
from ..tokenize import jieba_posseg

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
UNIT = (r"(?:个百分点|个半小时|个小时|个工作日|工作日|个半月|个月|周岁|℃|亿千瓦时|万千瓦时|千瓦时|千瓦|毫米|厘米|公里|千米|个基点|基点|"
        r"万股|亿股|股|枚|例|元/克|环|起|艘|万平方米|平方米|平方公里|万千升|千升|亿美元|万美元|美元|亿元|万元|元|万吨|吨|万辆|辆|万亩|亩|万件|件|"
        r"块钱|块|个省份|省份|省|个国家|个城市|万户|户|万人次|人次|万人|人|位|家|个|项|条|座|套|次|倍|年|天|小时|分钟|岁|名|所|批|场|台|款|部|届|周年|周|期|层|"
        r"万台|米|只|级|万张|张|篇|本|册|瓶|盒|头|棵|株|栋|架|列|路|公斤|千克|克|%|％|成)")
NUMBER_RE = re.compile(r"(?:(?<![履签合公节违践守解预制条])约|近|超过|超|逾|达)?\d+(?:[.,]\d+)*(?:万|亿|千)?(?:余|多)?" + UNIT + r"?")
CN_NUMBER_RE = re.compile(r"[" + CN_DIGITS + r"]{1,6}" + UNIT)
CLOCK_RE = re.compile(r"(?:凌晨|早上|上午|中午|下午|傍晚|晚上|夜间|夜里)?(?:\d{1,2}(?:时|点)(?:\d{1,2}分|半)?|"
                      r"(?<![\d.:])\d{1,2}[:：]\d{2}(?![\d.:])|"
                      r"[一二三四五六七八九十]{1,3}点(?:半|[一二三四五六七八九十]{1,3}分)?)")
DATE_RE = re.compile(r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?|\d{4}年(?:底|初|末)?|\d{1,2}日(?:[上下]午|晚)?")
TITLE_RE = re.compile(r"《[^《》]{1,40}》")


def _posseg():
    """jieba.posseg from the package's one jieba loader."""
    return jieba_posseg()


@lru_cache(maxsize=8192)
def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """(word, part of speech) of a text: the answerer tags the same sentences for every check, so once each."""
    return tuple((w.word, w.flag) for w in _posseg().cut(text))


def tagged_at(text: str) -> list[tuple[str, str, int]]:
    """(word, part of speech, where the word starts) of a text."""
    out, pos = [], 0
    for word, flag in tagged(text):
        out.append((word, flag, pos))
        pos += len(word)
    return out


def numbers(text: str) -> list[str]:
    """Arabic numbers (with their unit when one follows) and Chinese-numeral quantities."""
    found = [m.group(0) for m in NUMBER_RE.finditer(text)]
    found += [m.group(0) for m in CN_NUMBER_RE.finditer(text)]
    return [f for f in found if any(ch.isdigit() for ch in f) or f[:1] in CN_DIGITS]


def dates(text: str) -> list[str]:
    return [m.group(0) for m in DATE_RE.finditer(text)]


def names(text: str, flags: tuple[str, ...] = ("nr", "ns", "nt")) -> list[str]:
    """People (nr), places (ns) and organisations (nt) of two or more characters."""
    return [word for word, flag in tagged(text) if flag in flags and len(word) >= 2]


def key_facts(text: str) -> list[str]:
    """Everything in a claim that must be found in its source."""
    bare = re.sub(r"\[\d+\]", "", text)
    facts = numbers(bare) + dates(bare) + TITLE_RE.findall(bare) + names(bare)
    seen: set[str] = set()
    return [f for f in facts if not (f in seen or seen.add(f))]


def fact_in(fact: str, passage: str) -> bool:
    """Width- and space-insensitive containment; a number also matches without its 约/近/超 hedge."""
    p = compact(passage)
    f = compact(fact)
    if f in p:
        return True
    core = re.sub(r"^(?:约|近|超过|超|逾|达)", "", f)
    return bool(core) and core in p
