"""Follow-up questions (出口呢？ 那去年呢？ 其中出口多少？ 他是谁？) rewritten from earlier turns by rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .focus import CUE_RE, QUALIFIER_CLASSES, analyze_focus, qualifiers_of
from .script import normalize_question, to_simplified

LEADS = re.compile(r"^(?:那么|那|其中|另外|此外|还有|而|那其中)[，,]?")
PRONOUN_RE = re.compile(r"他们|她们|它们|他|她|它|其|该(?=[\u4e00-\u9fff])")
TAIL_RE = re.compile(r"(?:呢|吗)?[？?]?$")


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of the conversation."""

    question: str
    answer: str = ""
    short_answer: str = ""


def short_of(answer: str) -> str:
    """The short answer leading an answer text (米荆玉[1]。 -> 米荆玉), "" when it starts with a quotation."""
    first = re.sub(r"\[\d+\]", "", (answer or "").strip().split("\n")[0]).strip().rstrip("。")
    return first if 0 < len(first) <= 12 and not first.startswith(("“", "资料中没有")) else ""


def _subject_words(question: str) -> list[str]:
    """Named things (places, organisations, people, 《titles》) a question mentions on its own."""
    from .facts import TITLE_RE, names

    return names(question) + TITLE_RE.findall(question)


def _referent(previous: str, pronoun: str) -> str:
    """What 他/她 or 它/其 stands for in the last question: a person for 他/她; for 它 a “quoted” or 《titled》
    name first (“上海申花球迷邮局”快闪邮局 rather than 上海), then any named thing."""
    from .facts import names

    if pronoun in ("他", "她", "他们", "她们"):
        people = names(previous, ("nr",))
        if people:
            return people[0]
    quoted = re.findall(r"“([^“”]{2,20})”", previous)
    return next(iter(quoted + _subject_words(previous)), "")


def is_follow_up(question: str) -> bool:
    """A question that leans on an earlier one: 那/其中… openers, a bare 呢, a pronoun, or no subject at all."""
    q = normalize_question(question)
    if LEADS.match(q) or re.search(r"呢[？?]?$", q):
        return True
    if PRONOUN_RE.search(q) and not _subject_words(PRONOUN_RE.sub("", q)):
        return True
    return len(q) <= 12 and not _subject_words(q)


def _swap_qualifier(previous: str, new: str) -> str:
    """那去年呢？ after 今年…: the new qualifier replaces the one of the same class, or leads the question."""
    for cls, rx in QUALIFIER_CLASSES.items():
        if rx.fullmatch(new) or rx.search(new):
            if rx.search(previous):
                return rx.sub(new, previous, count=1)
            if cls == "rel_year" or cls == "year":
                return new + previous
    return ""


def rewrite_follow_up(question: str, history: list[Turn]) -> str:
    """The follow-up as a question of its own, or the question unchanged when it stands alone (or nothing helps)."""
    q = to_simplified(question.strip())
    if not history or not is_follow_up(q):
        return question
    prev_turn = history[-1]
    previous = to_simplified(prev_turn.question.strip()).rstrip("？?。")  # shown to the reader: keep 两个月
    body = LEADS.sub("", q)
    bare = TAIL_RE.sub("", body).strip()
    # 他是谁？ / 它在哪里？: the pronoun stands for the last answer's name, else the last question's subject
    pronoun = PRONOUN_RE.search(body)
    if pronoun:
        referent = prev_turn.short_answer or short_of(prev_turn.answer) or _referent(previous, pronoun.group(0))
        if referent:
            return PRONOUN_RE.sub(referent, body, count=1)
    pf = analyze_focus(previous)
    # 那去年呢？ / 2023年呢？: the same question for another time
    if bare and qualifiers_of(bare) and len(bare) <= 8 and not CUE_RE.search(bare):
        swapped = _swap_qualifier(previous, qualifiers_of(bare)[0][1])
        if swapped:
            return swapped + "？"
    cue = CUE_RE.search(previous)
    focus_word = next((t for t in pf.terms if t in previous), "")
    # 出口呢？: the new focus in place of the old one
    if bare and not CUE_RE.search(bare) and focus_word:
        return previous.replace(focus_word, bare, 1) + "？"
    # 其中出口多少？: the earlier question's subject, then the new focus and question word;
    # 比上年同期增加了多少？ asks about the same quantity, so the earlier focus stays
    own_focus = analyze_focus(normalize_question(body)).terms
    if focus_word and own_focus:
        context = previous[: previous.rfind(focus_word)]
        # …全国黄金 + 黄金首饰消费了多少: the words both say are said once
        overlap = next((k for k in range(min(len(context), len(body)), 1, -1) if context.endswith(body[:k])), 0)
        context = context[: len(context) - overlap]
        return context + body if body.endswith(("？", "?")) else context + body + "？"
    if cue:
        # 其中国家电网经营区域完成了多少？ -> …市场化交易电量，其中国家电网经营区域完成了多少？ (the earlier question
        # word is left out: the new one is asked)
        context = re.sub(r"(?:出现在|是|为|有|在|达|约|共)+$", "", previous[: cue.start()]).rstrip("，, ")
        lead = "其中" if q.startswith("其中") else ""
        return f"{context}，{lead}{body}" if context else question
    return question
