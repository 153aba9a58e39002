"""Does a sentence answer what was asked: a value of the asked type, beside the asked focus, under its qualifiers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..segment.fields import parse_reporters
from ..segment.lines import BYLINE_RE
from ..tokenize import tokenize
from .focus import (
    COMPARED_RE,
    SUPERLATIVE_RE,
    QuestionFocus,
    after_change,
    event_in,
    other_kind,
    qualifier_conflict,
    term_positions,
)
from .question_type import PERSON_NAME_RE, QuestionType
from .respective import respective_value
from .values import (
    CLAUSE_MARKS,
    VAGUE,
    Value,
    clause_bounds,
    date_values,
    frame_values,
    named_values,
    number_values,
    ordinal_values,
    person_values,
    place_values,
    post_values,
    titled_people,
    work_values,
)

NEUTRAL = 0.5  # the question does not ask for this property


@dataclass(frozen=True)
class Judgement:
    """The short answer a sentence gives, and how well it fits the question (each signal in [0, 1])."""

    value: str
    type_ok: float
    focus_ok: float
    qualifier_ok: float


def is_byline(text: str) -> bool:
    return bool(BYLINE_RE.match(text))


# an owner that only points back to the article (该公司的首席财务官) names no one in particular
GENERIC_OWNERS = frozenset("公司 该公司 这家公司 集团 该集团 企业 该企业 单位 机构 组织 协会 该协会".split())


# 名誉馆长, 执行会长, 原市长: another post than the one asked, unless the question says so
POST_MODIFIERS = ("名誉", "荣誉", "执行", "常务", "代理", "原")


def _other_post(sentence: str, at: int, title: str, question: str) -> bool:
    """The title at `at` is narrowed by a modifier the question (its 不是… aside removed) does not use."""
    asked = re.sub(r"[（(]?(?:不是|并非|而非)[^，,。？?）)]*[）)]?", "", question)
    return any(sentence[max(0, at - len(m)):at] == m and m + title not in asked for m in POST_MODIFIERS)


def owner_fit(owner: str, chain: str) -> float:
    """1 when the post's chain names the asked owner (青岛 in 青岛市委书记), 0.6 when it names only its last word
    (商会 for 湖州市江苏商会: the rest is said earlier in the article), 0 when it names another (青岛 for 山东).
    An owner of several words needs each of them for the full fit."""
    core = re.sub(r"(?:市|省|区|县|镇)$", "", owner)
    if owner in GENERIC_OWNERS or not core or core in chain:
        return 1.0
    words = [w for w in tokenize(core) if len(w) >= 2]
    if words and all(w in chain for w in words):
        return 1.0
    if len(words) > 1 and words[-1] in chain:
        return 0.6
    # 北京市红十字会 is one dictionary word: its tail (市红十字会) in the chain still names the body
    return 0.6 if any(core[i:] in chain for i in range(1, (len(core) + 1) // 2)) else 0.0


def _focus_positions(focus: QuestionFocus, sentence: str, question: str) -> list[int]:
    found = [p for w in focus.words for p in term_positions(w, sentence, question)]
    modifier = focus.kind[0]
    if not found and len(modifier) >= 2 and modifier in sentence:  # 其中：黄金首饰368.26吨 for 黄金首饰消费
        found = [m.start() for m in re.finditer(re.escape(modifier), sentence)
                 if re.match(r"[：:为达约近超]?\d", sentence[m.end():m.end() + 2])]  # the value right after it
    return found


def _exact(sentence: str, at: int, question: str) -> bool:
    """The focus word is not narrowed by a modifier the question lacks (机电产品出口 for 出口)."""
    return at == 0 or sentence[at - 1] in CLAUSE_MARKS + "、 " or sentence[max(0, at - 2):at] in question


# 原定29日举行: the planned value, not what the question asks unless it asks for the plan
PLANNED_RE = re.compile(r"(?:原定|原计划|原本|原先|本定|计划于)[^，,。；;]{0,3}$")


def in_total_only(focus: QuestionFocus, sentence: str, value: Value) -> bool:
    """The asked item is one of a list the value only sums: 死亡赔偿金、丧葬费等共计79余万元 for 丧葬费."""
    if not re.search(r"(?:共计|合计|总计|共)$", sentence[max(0, value.start - 3):value.start]):
        return False
    return any(re.search(re.escape(w) + r"[^，,。；;]{0,12}等", sentence[:value.start]) and
               re.search(r"、[^、，,。；;]{0,10}" + re.escape(w) + "|" + re.escape(w) + r"[^，,。；;]{0,2}、", sentence)
               for w in focus.words)


def _pick(values: list[Value], sentence: str, focus: QuestionFocus, question: str) -> tuple[Value | None, float]:
    """The value standing nearest a focus word in its own clause (focus before the value preferred)."""
    values = [v for v in values if v.text not in question]
    if "原" not in question:
        values = [v for v in values if not PLANNED_RE.search(sentence[max(0, v.start - 8):v.start])]
    if not values:
        return None, 0.0
    respective = respective_value(sentence, question, values, focus.change)
    if respective is not None:
        return respective, 1.0
    if focus.change and re.search(r"比[^，,。？?]{0,8}(?:高|低|快|慢)", question):  # 比全国高多少: 高于全国4.4个百分点
        compared = [v for v in values if COMPARED_RE.search(sentence[max(0, v.start - 8):v.start])]
        if compared:
            return compared[0], 1.0
    positions = _focus_positions(focus, sentence, question)
    if SUPERLATIVE_RE.search(question):  # 最大小时降水强度出现在房山区南河: the value follows the 最 phrase
        after = [v for v in values if any(0 < v.start - m.start() <= 16 for m in re.finditer("最", sentence))]
        if after and not positions:
            return after[0], NEUTRAL
    if not focus.words:
        anchors = [m.start() for t in tokenize(question) if len(t) > 1 for m in re.finditer(re.escape(t), sentence)]
        if not anchors:
            return values[0], NEUTRAL
        return min(values, key=lambda v: (min(abs(v.start - a) for a in anchors), v.start)), NEUTRAL
    best, best_key = None, None
    numeric = any(ch.isdigit() for v in values for ch in v.text[:1])
    for v in values:
        lo, hi = clause_bounds(sentence, v.start)
        if v.start and sentence[v.start - 1] in "（(":
            lo = clause_bounds(sentence, max(0, lo - 2))[0]  # 7.31万亿韩元（约57亿美元）: the bracket restates a value
        # 进出口1258亿元，同比增长5.4%: the change of a quantity follows it in the next clause
        reach = 24 if focus.change and after_change(sentence, v.start) else 12
        near = [p for p in positions if lo <= p < hi or 0 <= v.start - p <= reach]
        if not near:
            continue
        # 67个赛项: the asked noun right after the value is the strongest sign
        head_next = 0 if focus.head and focus.head in sentence[v.end:v.end + len(focus.head) + 2] else 1
        if focus.change:  # 增长了多少 wants the value after 增长, not the amount before it
            head_next = 0 if after_change(sentence, v.start) else 1
        key = min((head_next, 0 if _exact(sentence, p, question) else 1,
                   0 if (p < v.start or not numeric) else 1, abs(v.start - p)) for p in near)
        if best_key is None or key < best_key:
            best, best_key = v, key
    if best is None:
        return values[0], 0.0
    return best, 1.0 if (best_key[0] == 0 or best_key[1] == 0) else 0.6


PROVINCES = ("河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
             "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆")


def _level(value: Value, unit: str) -> Value:
    """The part of a place naming the asked level: 福田区 in 深圳市福田区人民法院."""
    end = value.text.rfind(unit) + 1
    start = max(value.text.rfind(c, 0, end - 1) + 1 for c in "省市州县区")
    start = start if end - start >= 2 else 0
    return Value(value.text[start:end], value.start + start, value.start + end)


def _introduced(sentence: str, start: int, question: str) -> bool:
    """The name is given as someone's name (她叫张欣羽, 名为…) or after a noun of the question (“女儿”刘雯静)."""
    before = sentence[max(0, start - 4):start].rstrip("”\"' ")
    return bool(re.search(r"(?:叫|名叫|名为|名字是|就是)$", before)) or (len(before) >= 2 and before[-2:] in question)


def judge(question: str, qtype: QuestionType, focus: QuestionFocus, sentence: str) -> Judgement:
    """Value, type match, focus match and qualifier agreement of one sentence for one question."""
    kind = qtype.kind
    qual = 0.0 if qualifier_conflict(focus, sentence) else 1.0
    if kind == "reporter":
        names = parse_reporters(sentence) if is_byline(sentence) else ()
        return Judgement("、".join(names), 1.0 if names else 0.0, 1.0 if names else 0.0, qual)
    if kind == "person" and focus.title:
        titled = titled_people(sentence)
        for title, name, chain, deputy in titled:
            fit = owner_fit(focus.owner, chain)
            if title == focus.title and deputy == focus.deputy and fit and name.text not in question \
                    and not _other_post(sentence, name.start - len(title), title, question):
                return Judgement(name.text, 1.0, fit, qual)
        people = person_values(sentence, titled)  # the posts found above, not looked for twice
        # the name before its post: 雷诺·艾德出任名誉馆长 (a 副 post is not the post asked for)
        posts = [p for p in term_positions(focus.title, sentence, question)
                 if not _other_post(sentence, p, focus.title, question)]
        if posts and owner_fit(focus.owner, sentence):
            for v in people:
                _, hi = clause_bounds(sentence, v.start)
                if v.text not in question and any(v.end <= p < hi for p in posts):
                    return Judgement(v.text, 1.0, 0.6, qual)
        return Judgement("", 1.0 if people else 0.0, 0.0, qual)
    if kind in ("number", "ordinal", "date", "person", "post", "frame", "work", "place", "named"):
        if kind == "frame":
            values = frame_values(sentence, qtype.unit)
        elif kind == "work":
            values = work_values(sentence)
        elif kind == "post":
            values = post_values(sentence)
        elif kind == "named":
            values = named_values(sentence, qtype.unit)
        elif kind == "number":
            values = number_values(sentence, qtype.unit)
            if re.search(r"准确|确切|精确|具体数|确认|证实", question):
                values = [v for v in values if not v.text.startswith(VAGUE)]
        elif kind == "ordinal":
            values = ordinal_values(sentence)
        elif kind == "date":
            values = date_values(sentence, qtype.unit)
        elif kind == "person":
            values = person_values(sentence)
            surname = re.search(r"([\u4e00-\u9fff])(?:先生|女士|小姐|老师|师傅|阿姨|大爷|某某|某)", question)
            if surname:  # 林先生的全名 starts with 林
                values = [v for v in values if v.text.startswith(surname.group(1))]
        else:
            values = place_values(sentence, address="地址" in question)
            if qtype.unit in ("区", "县", "镇", "乡"):  # 哪个区 wants a 区: 福田区 out of 深圳市福田区人民法院
                values = [_level(v, qtype.unit) for v in values if qtype.unit in v.text[1:]]
            elif qtype.unit == "省":  # provinces go without 省: 黑龙江网友
                values = [v for v in values if "省" in v.text[1:] or v.text.startswith(PROVINCES)]
        value, focus_ok = _pick(values, sentence, focus, question)
        if kind == "person" and value is not None:
            # a name answers only in a sentence about the question: 副主任张建刚出席 does not name a 年度人物;
            # 那位网友叫什么名字 wants the name beside 网友, not any name in the sentence
            about = any(len(t) > 1 and t in sentence and t not in value.text for t in tokenize(question))
            introduced = _introduced(sentence, value.start, question)
            beside = focus_ok > 0.0 or not focus.words or not PERSON_NAME_RE.search(question) or introduced
            focus_ok = 1.0 if (about or introduced) and beside else 0.0
        if kind in ("date", "place", "named", "post", "frame", "work") and focus_ok == 0.0 and _focus_positions(focus, sentence, question):
            focus_ok = 0.6  # a dateline or venue need not share the event's clause
        if value is None:
            return Judgement("", 0.0, 0.0 if focus.words else NEUTRAL, qual)
        lo, hi = clause_bounds(sentence, value.start)
        if qualifier_conflict(focus, sentence[lo:hi]):
            qual = 0.0
        if kind == "number" and other_kind(focus, sentence, question, value.start):  # 固定资产投资 does not answer 基础设施投资
            focus_ok = 0.0
        if kind == "number" and focus.event:  # 1人遇难 counts 多少人死亡; 造成2人死亡 does not count 多少人受伤
            focus_ok = 1.0 if event_in(focus.event, sentence[lo:hi]) else 0.0
        return Judgement(value.text, 1.0, focus_ok, qual)
    if focus.words:
        focus_ok = 1.0 if _focus_positions(focus, sentence, question) else 0.0
    else:
        focus_ok = NEUTRAL
    return Judgement("", NEUTRAL, focus_ok, qual)
