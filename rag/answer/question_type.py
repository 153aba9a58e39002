"""What kind of answer a Chinese question wants: a number, a person, a place, a date, a list."""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_CUES = ("多少", "几", "多大", "多长", "多久", "多高", "多远", "比例", "占比", "百分之", "增长了", "增速", "规模")
REPORTER_CUES = ("记者", "作者", "撰写", "采写", "撰稿", "谁写", "谁报道", "署名")
PERSON_CUES = ("谁", "哪位", "什么人", "哪个人", "记者是", "负责人是", "姓名")
PLACE_CUES = ("哪里", "在哪", "何地", "什么地方", "哪个城市", "哪座城市", "哪个地方", "地点", "哪个区", "哪个市")
DATE_CUES = ("何时", "什么时候", "哪年", "哪一年", "哪天", "哪一天", "几月", "几号", "什么时间", "日期", "哪个月")
LIST_CUES = ("哪些", "哪几", "分别", "有哪", "包括什么", "包括哪", "列举", "各是", "和哪")
UNIT_AFTER_CUE = re.compile(r"(?:多少|几)(个百分点|亿元|万元|元|万吨|吨|家|个|人|项|条|座|套|次|倍|年|天|小时|分钟|名|所|批|场|台|亩|辆|户)")


@dataclass(frozen=True)
class QuestionType:
    kind: str  # number | reporter | person | place | date | other
    is_list: bool
    unit: str  # unit the question asks for, e.g. 家 in 多少家; "" when unknown


def classify_question(question: str) -> QuestionType:
    q = question.strip()
    is_list = any(c in q for c in LIST_CUES)
    m = UNIT_AFTER_CUE.search(q)
    unit = m.group(1) if m else ("%" if any(c in q for c in ("比例", "占比", "百分之", "增速", "增长了多少")) else "")
    if not unit and any(c in q for c in ("多久", "多长时间", "多少时间")):
        unit = "time"
    if any(c in q for c in DATE_CUES):
        kind = "date"
    elif any(c in q for c in PERSON_CUES) and any(c in q for c in REPORTER_CUES):
        kind = "reporter"
    elif any(c in q for c in PERSON_CUES):
        kind = "person"
    elif any(c in q for c in PLACE_CUES):
        kind = "place"
    elif any(c in q for c in NUMBER_CUES):
        kind = "number"
    else:
        kind = "other"
    return QuestionType(kind, is_list, unit)
