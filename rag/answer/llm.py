"""The LLM answerer: stream an answer over numbered passages, then hold it to the citation check."""

from __future__ import annotations

from collections.abc import Iterator

from ..models import Hit
from .extractive import ExtractiveSettings, answer_extractively, not_found
from .llm_settings import LLMSettings
from .models import NOT_FOUND, Answer, Citation
from .prompt import build_prompt
from .verify import check_answer


def _citations(hits: list[Hit], cited: set[int]) -> tuple[Citation, ...]:
    from ..chunking import split_sentences

    out = []
    for number, hit in enumerate(hits, start=1):
        if number not in cited:
            continue
        first = split_sentences(hit.text)[:1] or [(0, len(hit.text))]
        out.append(Citation(number=number, chunk_id=hit.chunk_id, article_id=hit.article_id, title=hit.title,
                            dateline=hit.dateline, source=hit.source, passage=hit.text,
                            sentence=hit.text[first[0][0]:first[0][1]], sentence_start=first[0][0],
                            sentence_end=first[0][1], start=hit.start, end=hit.end))
    return tuple(out)


def _supporting_sentence(citation: Citation, claim: str) -> Citation:
    """Point a citation at the passage sentence sharing most characters with the claim."""
    from dataclasses import replace

    from ..chunking import split_sentences

    best, best_overlap = None, -1
    claim_chars = set(claim)
    for start, end in split_sentences(citation.passage):
        overlap = len(claim_chars & set(citation.passage[start:end]))
        if overlap > best_overlap:
            best, best_overlap = (start, end), overlap
    if best is None:
        return citation
    return replace(citation, sentence=citation.passage[best[0]:best[1]], sentence_start=best[0], sentence_end=best[1])


def stream_llm_answer(question: str, hits: list[Hit], settings: LLMSettings,
                      fallback: ExtractiveSettings = ExtractiveSettings()) -> Iterator[str | Answer]:
    """Yield text deltas as the model writes, then the checked Answer (falling back when nothing verifies)."""
    from ..adapters.langchain_chat import stream_completion

    prompt, given = build_prompt(question, list(hits), settings.context_tokens, settings.max_tokens)
    pieces: list[str] = []
    for delta in stream_completion(settings, prompt):
        pieces.append(delta)
        yield delta
    raw = "".join(pieces).strip()
    yield finish_llm_answer(question, raw, given, list(hits), fallback)


def finish_llm_answer(question: str, raw: str, given: list[Hit], hits: list[Hit],
                      fallback: ExtractiveSettings = ExtractiveSettings()) -> Answer:
    """Apply the citation check to the model's text; abstain or fall back to extraction when it fails."""
    passages = {n: h.text for n, h in enumerate(given, start=1)}
    text, sentences, removed = check_answer(raw, passages)
    notes = [f"已删除指向不存在资料的引用 [{n}]" for n in removed]
    if NOT_FOUND.rstrip("。") in text and not any(s.citations for s in sentences):
        return not_found(question, hits, "llm", note="模型表示资料中没有答案")
    if not any(s.verified for s in sentences):
        extracted = answer_extractively(question, hits, fallback, answerer="llm")
        note = "模型回答未能通过引用核查，已改用原文摘录" if not extracted.abstained else "模型回答未能通过引用核查"
        from dataclasses import replace

        return replace(extracted, notes=extracted.notes + tuple(notes) + (note,))
    cited = {n for s in sentences for n in s.citations}
    citations = _citations(given, cited)
    claims = {n: " ".join(s.text for s in sentences if n in s.citations) for n in cited}
    citations = tuple(_supporting_sentence(c, claims[c.number]) for c in citations)
    return Answer(question=question, text=text, citations=citations, sentences=tuple(sentences), abstained=False,
                  short_answer="", answerer="llm", hits=tuple(hits), confidence=0.0, notes=tuple(notes))
