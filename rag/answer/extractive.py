"""The offline default answerer: pick the sentences that answer, extract a short answer, cite them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..chunking import split_sentences
from ..models import Hit
from ..segment.fields import parse_reporters
from ..segment.lines import BYLINE_RE
from ..tokenize import tokenize
from .facts import CN_NUMBER_RE, DATE_RE, NUMBER_RE, names
from .models import NOT_FOUND, Answer, Citation
from .question_type import QuestionType, classify_question
from .verify import check_answer

DEFAULT_ABSTAIN_THRESHOLD = 0.40


@dataclass(frozen=True)
class ExtractiveSettings:
    """Weights of the sentence score and the abstention threshold (calibrated by `rag eval`)."""

    abstain_threshold: float = DEFAULT_ABSTAIN_THRESHOLD
    passages: int = 5
    max_sentences: int = 2
    list_sentences: int = 3
    w_lexical: float = 0.6
    w_type: float = 0.25
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


def _sentences(hits: list[Hit]) -> list[Candidate]:
    out = []
    for i, hit in enumerate(hits):
        for start, end in split_sentences(hit.text):
            text = hit.text[start:end]
            if len(text) >= 4:
                out.append(Candidate(i, start, end, text, frozenset(tokenize(text))))
    return out


NAME_FLAGS = {"person": ("nr",), "place": ("ns",)}
TIME_UNITS = ("分钟", "小时", "天", "年", "个月", "周", "秒")


def unit_fits(value: str, unit: str) -> bool:
    if unit == "time":
        return value.endswith(TIME_UNITS)
    return value.endswith(unit)


def is_byline(text: str) -> bool:
    return bool(BYLINE_RE.match(text))


def _type_match(qtype: QuestionType, text: str) -> float:
    if qtype.kind == "reporter":
        return 1.0 if is_byline(text) else 0.0
    if qtype.kind == "number":
        found = [m.group(0) for m in NUMBER_RE.finditer(text)] + [m.group(0) for m in CN_NUMBER_RE.finditer(text)]
        if not found:
            return 0.0
        return 1.0 if not qtype.unit or any(unit_fits(f, qtype.unit) for f in found) else 0.6
    if qtype.kind == "date":
        return 1.0 if DATE_RE.search(text) else 0.0
    if qtype.kind in ("person", "place"):
        return 1.0 if names(text, NAME_FLAGS[qtype.kind]) else 0.0
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
    for c in cands:
        title_tokens = set(tokenize(hits[c.hit_index].title))
        matched = sum(w for t, w in weight.items() if t in c.tokens)
        in_title = sum(0.5 * w for t, w in weight.items() if t not in c.tokens and t in title_tokens)
        lexical = min(1.0, (matched + in_title) / total)
        type_match = _type_match(qtype, c.text)
        passage = 1.0 / (1 + c.hit_index)
        score = settings.w_lexical * lexical + settings.w_type * type_match + settings.w_passage * passage
        scored.append(Candidate(c.hit_index, c.start, c.end, c.text, c.tokens, lexical, type_match, passage, score))
    if qtype.kind == "reporter":
        scored = _bylines_inherit_topic(scored, settings)
    return sorted(scored, key=lambda c: (-c.score, c.hit_index, c.start))


def _bylines_inherit_topic(scored: list[Candidate], settings: ExtractiveSettings) -> list[Candidate]:
    """A byline shares no words with the question; it answers for the passage it heads."""
    from dataclasses import replace

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


def short_answer(question: str, sentence: str) -> str:
    """The number, date or name in the sentence that sits closest to the question's words."""
    qtype = classify_question(question)
    if qtype.kind == "reporter":
        return "、".join(parse_reporters(sentence)) if is_byline(sentence) else ""
    if qtype.kind == "number":
        spans = [(m.start(), m.group(0)) for m in NUMBER_RE.finditer(sentence)]
        if not spans:  # Chinese numerals (七成, 二十个) only when no Arabic number is there
            spans = [(m.start(), m.group(0)) for m in CN_NUMBER_RE.finditer(sentence)]
        if qtype.unit:
            spans = [(p, s) for p, s in spans if unit_fits(s, qtype.unit)] or spans
    elif qtype.kind == "date":
        spans = [(m.start(), m.group(0)) for m in DATE_RE.finditer(sentence)]
    elif qtype.kind in ("person", "place"):
        spans = [(sentence.find(w), w) for w in names(sentence, NAME_FLAGS[qtype.kind])]
    else:
        return ""
    spans = [(p, s) for p, s in spans if p >= 0 and s not in question]
    if not spans:
        return ""
    anchors = [m.start() for t in tokenize(question) if len(t) > 1 for m in re.finditer(re.escape(t), sentence)]
    if not anchors:
        return spans[0][1]
    return min(spans, key=lambda ps: (min(abs(ps[0] - a) for a in anchors), ps[0]))[1]


def answer_extractively(question: str, hits: list[Hit], settings: ExtractiveSettings = ExtractiveSettings(),
                        answerer: str = "extractive") -> Answer:
    """A deterministic answer from the passages, or an honest not-found with the closest passages."""
    hits = list(hits)[: settings.passages]
    scored = score_sentences(question, hits, settings)
    best = scored[0] if scored else None
    confidence = round(best.lexical, 4) if best else 0.0
    if best is None or best.lexical < settings.abstain_threshold:
        return not_found(question, hits, answerer, confidence)
    qtype = classify_question(question)
    limit = settings.list_sentences if qtype.is_list else settings.max_sentences
    chosen = [best]
    for cand in scored[1:]:
        if len(chosen) >= limit:
            break
        if cand.lexical < max(settings.abstain_threshold, 0.7 * best.lexical) or cand.score < 0.75 * best.score:
            continue
        if any(c.text == cand.text for c in chosen):
            continue  # overlapping chunks repeat sentences
        if not qtype.is_list and cand.hit_index == best.hit_index:
            continue  # a second sentence should add another source, not repeat the same passage
        chosen.append(cand)
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
    short = short_answer(question, best.text)
    lines = []
    if short:
        lines.append(f"{short}[{numbers[best.hit_index]}]。")
    for cand in chosen:
        sentence = cand.text.rstrip()
        lines.append(f"“{sentence}”[{numbers[cand.hit_index]}]")
    text = "\n".join(lines)
    passages = {c.number: c.passage for c in citations}
    text, sentences, _ = check_answer(text, passages)
    return Answer(question=question, text=text, citations=tuple(citations), sentences=tuple(sentences),
                  abstained=False, short_answer=short, answerer=answerer, hits=tuple(hits), confidence=confidence)


def not_found(question: str, hits: list[Hit], answerer: str, confidence: float = 0.0, note: str = "") -> Answer:
    """Abstain, offering the closest passages as 可能相关."""
    return Answer(question=question, text=NOT_FOUND, citations=(), sentences=(), abstained=True, short_answer="",
                  answerer=answerer, hits=tuple(hits), related=tuple(hits[:3]), confidence=confidence,
                  notes=(note,) if note else ())
