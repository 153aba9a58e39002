"""The offline default answerer: pick the sentences that answer, extract a short answer, cite them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..chunking import split_sentences
from ..models import Hit
from ..tokenize import tokenize
from .abstention import agreement, load_model
from .facts import CLOCK_RE, DATE_RE
from .focus import (
    CATEGORY_CLASSES,
    SUPERLATIVE_RE,
    QuestionFocus,
    analyze_focus,
    other_kind,
    qualifier_clash,
    qualifier_conflict,
)
from .judge import Judgement, in_total_only, is_byline, judge
from .lists import items_of, list_items, people_items
from .models import NOT_FOUND, Answer, Citation
from .question_type import QuestionType, classify_question
from .script import normalize_question
from .values import PLACE_RE, POST_RE, TITLED_RE, Value, clause_bounds, number_values
from .verify import check_answer

# what a sum of money is (估值, 成本, 营业收入): a sum beside another (产值, 票房) does not answer
MONEY_ATTRIBUTE = re.compile(r"资金|投资|经费|金额|总额|票房|收入|营收|产值|销售|成本|奖金|估值|预算|融资|贷款|价|费|利润|税|值")
MONEY_ASKED = ("money", "元", "亿元", "万元", "美元")
DEFAULT_ABSTAIN_THRESHOLD = load_model().threshold  # the fitted model's own cut-off


@dataclass(frozen=True)
class ExtractiveSettings:
    """Weights of the sentence score; abstain when the abstention model's probability is below the threshold."""

    abstain_threshold: float = DEFAULT_ABSTAIN_THRESHOLD
    passages: int = 4  # the 5th passage added more wrong sentences than answers on the dev sets (docs/eval)
    max_sentences: int = 2
    list_sentences: int = 3
    judged: int = 10  # sentences re-ranked by the (slower) type and focus checks
    w_lexical: float = 0.6
    w_type: float = 0.25
    w_focus: float = 0.35
    w_passage: float = 0.15


@dataclass(frozen=True)
class Candidate:
    hit_index: int
    start: int
    end: int
    text: str
    tokens: frozenset[str]
    lexical: float = 0.0
    type_match: float = 0.0
    passage: float = 0.0
    score: float = 0.0


@dataclass(frozen=True)
class Judged:
    """A candidate sentence with what it answers and its final score."""

    cand: Candidate
    judgement: Judgement
    score: float


@lru_cache(maxsize=4096)
def _passage_sentences(text: str) -> tuple[tuple[int, int, str, frozenset[str]], ...]:
    """(start, end, sentence, words) of a passage: the same passages come back question after question."""
    return tuple((start, end, text[start:end], frozenset(tokenize(text[start:end])))
                 for start, end in split_sentences(text) if end - start >= 4)


def _sentences(hits: list[Hit]) -> list[Candidate]:
    return [Candidate(i, start, end, text, tokens) for i, hit in enumerate(hits)
            for start, end, text, tokens in _passage_sentences(hit.text)]


def _type_match(qtype: QuestionType, text: str) -> float:
    """A cheap first look at the type, for the pre-ranking (judge() decides)."""
    if qtype.kind == "reporter":
        return 1.0 if is_byline(text) else 0.0
    if qtype.kind == "number":
        found = number_values(text)
        if not found:
            return 0.0
        return 1.0 if not qtype.unit or number_values(text, qtype.unit) else 0.6
    if qtype.kind == "date":
        return 1.0 if (CLOCK_RE if qtype.unit == "clock" else DATE_RE).search(text) else 0.0
    if qtype.kind == "person":  # a cheap look only: judge() tags the few sentences that rank high
        return 1.0 if TITLED_RE.search(text) else 0.5
    if qtype.kind == "place":
        return 1.0 if PLACE_RE.search(text) else 0.5
    if qtype.kind == "named":
        return 1.0 if qtype.unit in text else 0.0
    if qtype.kind == "post":
        return 1.0 if POST_RE.search(text) else 0.0
    if qtype.kind == "frame":
        return 1.0 if "为" + qtype.unit in text else 0.0
    if qtype.kind == "work":
        return 1.0 if "《" in text else 0.0
    return 0.5


def score_sentences(question: str, hits: list[Hit], settings: ExtractiveSettings) -> list[Candidate]:
    """Every sentence of the passages, scored: IDF-weighted overlap with the question, type match, passage rank."""
    qtype = classify_question(question)
    q_tokens = set(tokenize(question))
    cands = _sentences(hits)
    if not cands or not q_tokens:
        return []
    n = len(cands)
    df = {t: sum(1 for c in cands if t in c.tokens) for t in q_tokens}
    weight = {t: math.log(1 + (n + 1) / (1 + df[t])) for t in q_tokens}
    total = sum(weight.values())
    scored = []
    titles = {i: set(tokenize(h.title)) for i, h in enumerate(hits)}
    for i, c in enumerate(cands):
        # words of the title and of the sentence before count half: 其中，出口730.5亿元 follows its subject
        context = set(titles[c.hit_index])
        for back in (1, 2):
            if i >= back and cands[i - back].hit_index == c.hit_index:
                context |= cands[i - back].tokens
        matched = sum(w for t, w in weight.items() if t in c.tokens)
        in_context = sum(0.5 * w for t, w in weight.items() if t not in c.tokens and t in context)
        lexical = min(1.0, (matched + in_context) / total)
        type_match = _type_match(qtype, c.text)
        passage = 1.0 / (1 + c.hit_index)
        score = settings.w_lexical * lexical + settings.w_type * type_match + settings.w_passage * passage
        scored.append(Candidate(c.hit_index, c.start, c.end, c.text, c.tokens, lexical, type_match, passage, score))
    if qtype.kind == "reporter":
        scored = _bylines_inherit_topic(scored, settings)
    return sorted(scored, key=lambda c: (-c.score, c.hit_index, c.start))


def _bylines_inherit_topic(scored: list[Candidate], settings: ExtractiveSettings) -> list[Candidate]:
    """A byline shares no words with the question; it answers for the passage it heads."""
    best_in_hit: dict[int, float] = {}
    for c in scored:
        if not is_byline(c.text):
            best_in_hit[c.hit_index] = max(best_in_hit.get(c.hit_index, 0.0), c.lexical)
    out = []
    for c in scored:
        if is_byline(c.text):
            lexical = max(c.lexical, best_in_hit.get(c.hit_index, 0.0))
            score = settings.w_lexical * lexical + settings.w_type * c.type_match + settings.w_passage * c.passage
            c = replace(c, lexical=lexical, score=score)
        out.append(c)
    return out


def judged_candidates(question: str, hits: list[Hit], settings: ExtractiveSettings) -> list[Judged]:
    """The best-scoring sentences re-ranked by whether they answer: value type, focus beside it, qualifiers."""
    qtype = classify_question(question)
    focus = analyze_focus(question)
    out = []
    # a passage that states another year or batch and never the asked one (第二批 for 第三批) is another story
    elsewhere = {i for i, h in enumerate(hits) if focus.qualifiers and qualifier_conflict(focus, h.title + h.text)}
    superlative = bool(SUPERLATIVE_RE.search(question))
    scored = score_sentences(question, hits, settings)
    for n, cand in enumerate(scored):
        if n >= settings.judged and (qtype.kind not in VALUE_KINDS or n >= 3 * settings.judged
                                     or any(j.judgement.value for j in out)):
            break  # a kind that needs a value looks further down (她叫张欣羽 shares few words with the question)
        j = judge(question, qtype, focus, cand.text)
        if cand.hit_index in elsewhere or (superlative and not SUPERLATIVE_ANSWER_RE.search(cand.text)):
            j = replace(j, qualifier_ok=0.0)
        if qtype.is_list and qtype.kind == "other":  # a list wants an enumeration (A、B和C)
            j = replace(j, type_ok=1.0 if "、" in cand.text and items_of(cand.text) else 0.0)
        fit = settings.w_type * j.type_ok + settings.w_focus * j.focus_ok * j.qualifier_ok
        score = settings.w_lexical * cand.lexical + fit + settings.w_passage * cand.passage
        out.append(Judged(cand, j, score))
    return sorted(out, key=lambda x: (-x.score, x.cand.hit_index, x.cand.start))


def coverage(question: str, text: str) -> float:
    """Share of the question's words (weighted by length, a cheap stand-in for rarity) found in the text."""
    words = set(tokenize(question))
    if not words:
        return 0.0
    return sum(len(w) for w in words if w in text) / sum(len(w) for w in words)


def clause_coverage(question: str, best: Judged) -> float:
    """Coverage of the clause the value stands in (the sentence when there is no value)."""
    text, value = best.cand.text, best.judgement.value
    at = text.find(value) if value else -1
    if at >= 0:
        lo, hi = clause_bounds(text, at)
        text = text[lo:hi]
    return coverage(question, text)


def focus_in_passages(question: str, hits: list[Hit]) -> float:
    """1 when the asked quantity or noun occurs in any passage given, 0 when in none, 0.5 when none is asked."""
    words = analyze_focus(question).words
    if not words:
        return 0.5
    return 1.0 if any(w in h.title + h.text for h in hits for w in words) else 0.0


def signals_of(question: str, best: Judged, hits: list[Hit]) -> dict[str, float]:
    """What the abstention model weighs for the chosen sentence."""
    hit = hits[best.cand.hit_index]
    return {"evidence": round(best.cand.lexical, 4), "type_match": best.judgement.type_ok,
            "focus_match": best.judgement.focus_ok, "qualifier_match": best.judgement.qualifier_ok,
            "agreement": round(agreement(hit, hits), 4), "coverage": round(coverage(question, hit.title + hit.text), 4),
            "clause_coverage": round(clause_coverage(question, best), 4),
            "focus_in_passages": focus_in_passages(question, hits)}


def short_answer(question: str, sentence: str) -> str:
    """The number, date, name or place in the sentence that answers the question ("" when none does)."""
    q = normalize_question(question)
    return judge(q, classify_question(q), analyze_focus(q), sentence).value


def _must_abstain(question: str, best: Judged) -> str:
    """Answers the model must never give, whatever the scores: a 谁 question answered without its person."""
    qtype = classify_question(question)
    if qtype.kind in ("person", "reporter") and (not best.judgement.value or not best.judgement.focus_ok):
        return "问的是人，资料中没有对应的人名"
    if qtype.kind in ("number", "ordinal", "date") and not best.judgement.type_ok:
        return "问的是数量、名次或时间，资料中没有对应的数值"
    focus = analyze_focus(question)
    money = [t for t in focus.terms if MONEY_ATTRIBUTE.search(t)]
    if qtype.kind == "number" and qtype.unit in MONEY_ASKED and money and not best.judgement.focus_ok:
        return f"问的是{money[0]}，资料中的金额说的是别的"
    if qtype.kind == "number" and (note := _another_kind_note(question, focus, best)):
        return note  # 固定资产投资 does not answer 基础设施投资
    if qtype.kind == "number" and best.judgement.value:
        at = best.cand.text.find(best.judgement.value)
        if in_total_only(focus, best.cand.text, Value(best.judgement.value, at, at + len(best.judgement.value))):
            return f"问的是{focus.words[0]}，资料只给了几项的合计"
    event = focus.event
    if qtype.kind == "number" and event and not best.judgement.focus_ok:
        return f"问的是{event}的数量，资料中的数字说的是别的"
    if qtype.kind == "place" and qtype.unit and not best.judgement.value:
        return f"问的是哪个{qtype.unit}，资料中没有"
    if qtype.kind == "post" and not best.judgement.value:
        return "问的是职务，资料中没有对应的职务"
    if qtype.kind == "frame" and not best.judgement.value:
        return f"问的是以什么为{qtype.unit}，资料中没有说"
    if qtype.kind == "named" and not best.judgement.value and qtype.unit not in OPEN_KINDS:
        return f"问的是哪一个{qtype.unit}，资料中没有它的名称"
    return ""


# 雨量最大的站点 is answered where the article says which was the most, not by any station
SUPERLATIVE_ANSWER_RE = re.compile(r"最|第一|首位|居首|之最|峰值|冠军|榜首|头名|创纪录|历史新高|新高|新低")
# diseases have open names (心肌梗塞): without one of the usual endings the sentence may still say it
OPEN_KINDS = ("病",)
# kinds answered only by a value of their own: a sentence without a post cannot say which post
VALUE_KINDS = ("post", "named", "frame", "person", "work")


def _valued(judged: list[Judged], kind: str, within: float = 0.5) -> Judged:
    """The best sentence, or for a kind that needs a value the best one holding a value, when it scores close."""
    best = judged[0]
    if kind not in VALUE_KINDS or best.judgement.value:
        return best
    return next((j for j in judged[1:] if j.judgement.value and j.score >= within * best.score), best)


def _another_kind_note(question: str, focus: QuestionFocus, judged: Judged) -> str:
    """The note for a sentence whose value is of another kind of the asked quantity, "" when it is not."""
    if not judged.judgement.value:
        return ""
    other = other_kind(focus, judged.cand.text, question, judged.cand.text.find(judged.judgement.value))
    return f"问的是{''.join(focus.kind)}，资料中的数字说的是{other}{focus.kind[1]}" if other else ""


def _only_another_kind(question: str, best: Judged, judged: list[Judged]) -> str:
    """The best sentence says nothing of the asked quantity, and the one that names its noun names another kind
    (住房贷款余额 beside 绿色贷款余额 missing): the article does not give it."""
    if best.judgement.focus_ok or classify_question(question).kind != "number":
        return ""
    focus = analyze_focus(question)
    return next((note for j in judged if (note := _another_kind_note(question, focus, j))), "")


def _another_category(question: str, hits: list[Hit]) -> str:
    """The question fixes a category (银牌, 二级, 红色预警) that no passage read states, while they state another value
    of it (金牌, 三级, 黄色预警): the archive answers a neighbouring question, not this one."""
    read = "\n".join(h.title + h.text for h in hits)  # no qualifier pattern spans a line break
    asked, stated = qualifier_clash(analyze_focus(question), read, CATEGORY_CLASSES)
    return f"问的是{asked}，资料中说的是{'、'.join(stated)}" if asked else ""


def answer_extractively(question: str, hits: list[Hit], settings: ExtractiveSettings = ExtractiveSettings(),
                        answerer: str = "extractive", extra: tuple[Hit, ...] = ()) -> Answer:
    """A deterministic answer from the passages, or an honest not-found with the closest passages."""
    asked = question
    question = normalize_question(question)
    hits = list(hits)[: settings.passages] + [h for h in extra if h.chunk_id not in {x.chunk_id for x in hits}]
    judged = judged_candidates(question, hits, settings)
    if not judged:
        return not_found(asked, hits, answerer, 0.0)
    qtype = classify_question(question)
    best = _valued(judged, qtype.kind)
    signals = signals_of(question, best, hits)
    probability = round(load_model().probability(signals), 4)
    note = _must_abstain(question, best) or _only_another_kind(question, best, judged) or \
        _another_category(question, hits)
    if note or probability < settings.abstain_threshold:
        return replace(not_found(asked, hits, answerer, probability, note), signals=signals)
    limit = settings.list_sentences if qtype.is_list else settings.max_sentences
    chosen = [best.cand]
    for other in judged[1:]:
        cand = other.cand
        if len(chosen) >= limit:
            break
        if cand.lexical < 0.7 * best.cand.lexical or other.score < 0.75 * best.score:
            continue
        if any(c.text == cand.text for c in chosen):
            continue  # overlapping chunks repeat sentences
        if not qtype.is_list and (cand.hit_index == best.cand.hit_index or best.judgement.value):
            continue  # a second sentence should add another source, and a found value needs no second quote
        chosen.append(cand)
    return cited_answer(asked, hits, chosen, best.judgement.value, answerer, probability, signals, qtype.is_list,
                        people=qtype.kind == "person")


def cited_answer(asked: str, hits: list[Hit], chosen: list[Candidate], short: str, answerer: str,
                 confidence: float, signals: dict[str, float], is_list: bool = False, people: bool = False) -> Answer:
    """The answer text: the short answer, then each chosen sentence quoted with its passage number."""
    numbers: dict[int, int] = {}
    for cand in chosen:
        numbers.setdefault(cand.hit_index, len(numbers) + 1)
    citations = []
    for cand in chosen:
        number = numbers[cand.hit_index]
        if any(c.number == number for c in citations):
            continue
        hit = hits[cand.hit_index]
        citations.append(Citation(number=number, chunk_id=hit.chunk_id, article_id=hit.article_id, title=hit.title,
                                  dateline=hit.dateline, source=hit.source, passage=hit.text, sentence=cand.text,
                                  sentence_start=cand.start, sentence_end=cand.end, start=hit.start, end=hit.end))
    lines = []
    if is_list and people:  # 哪两名球员: every person named, not the first
        items = people_items(chosen, numbers, asked)
    else:
        items = list_items(chosen, numbers) if is_list and not short else []
    if items:
        lines.append("、".join(f"{item}[{n}]" for item, n in items) + "。")
    elif short:
        lines.append(f"{short}[{numbers[chosen[0].hit_index]}]。")
    for cand in chosen:
        lines.append(f"“{cand.text.rstrip()}”[{numbers[cand.hit_index]}]")
    text = "\n".join(lines)
    passages = {c.number: c.passage for c in citations}
    text, sentences, _ = check_answer(text, passages)
    return Answer(question=asked, text=text, citations=tuple(citations), sentences=tuple(sentences),
                  abstained=False, short_answer="、".join(i for i, _ in items) or short, answerer=answerer,
                  hits=tuple(hits), confidence=confidence, signals=signals)


def not_found(question: str, hits: list[Hit], answerer: str, confidence: float = 0.0, note: str = "") -> Answer:
    """Abstain, offering the closest passages as 可能相关."""
    return Answer(question=question, text=NOT_FOUND, citations=(), sentences=(), abstained=True, short_answer="",
                  answerer=answerer, hits=tuple(hits), related=tuple(hits[:3]), confidence=confidence,
                  notes=(note,) if note else ())
