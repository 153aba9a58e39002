"""分别: in 对东盟、欧盟分别增长1.4%、25.2%, the value for 欧盟 is the second one."""

from __future__ import annotations

import re

from .focus import after_change
from .values import Value

CLAUSE_END = "，,；;。！？!?：:"
ITEM_SPLIT = re.compile(r"、|和|及|与|以及")
LEAD = re.compile(r"^(?:对|与|向|在|从|其中|其中，|而)")


def _items(sentence: str, at: int) -> list[str]:
    """The enumerated names before the 分别 at `at`: 东盟、欧盟、美国和日本."""
    start = max((sentence.rfind(c, 0, at) for c in CLAUSE_END), default=-1) + 1
    run = LEAD.sub("", sentence[start:at].strip())
    items = [LEAD.sub("", p.strip()) for p in ITEM_SPLIT.split(run)]
    return items if len(items) >= 2 and all(1 <= len(p) <= 12 for p in items) else []


def _run(sentence: str, at: int, values: list[Value]) -> list[Value]:
    """The values in the clause after the 分别 at `at`, in order, when they form one 、 list."""
    end = min((i for i in (sentence.find(c, at) for c in CLAUSE_END) if i >= 0), default=len(sentence))
    run = [v for v in values if at < v.start < end]
    for a, b in zip(run, run[1:]):
        if sentence[a.end:b.start].strip() not in ("、", "和", "及", "，"):
            return []
    return run


def respective_value(sentence: str, question: str, values: list[Value], change: bool) -> Value | None:
    """The value the 分别 list gives the one enumerated name the question asks about, or None."""
    marks = [m.start() for m in re.finditer("分别", sentence)]
    if not marks:
        return None
    items = _items(sentence, marks[0])
    asked = [i for i, name in enumerate(items) if name in question]
    if len(asked) != 1:
        return None
    for at in marks:
        run = _run(sentence, at, values)
        if len(run) != len(items):
            continue
        if change and not after_change(sentence, run[0].start):
            continue  # 分别进出口179.7亿元…，分别增长1.4%…: a 增长 question wants the second list
        return run[asked[0]]
    return None
