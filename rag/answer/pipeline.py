"""Question -> hits -> answer: the one code path behind `rag ask`, the page and the evaluation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ..errors import RagError
from ..retrieval import RetrievalSettings
from .condense import standalone_question, turns_from
from .extractive import ExtractiveSettings, answer_extractively
from .llm_settings import LLMSettings
from .models import Answer
from .script import normalize_question
from .two_step import answer_in_two_steps, split_two_step

ANSWERERS = ("extractive", "llm")


@dataclass(frozen=True)
class AskSettings:
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answerer: str = "extractive"
    extractive: ExtractiveSettings = field(default_factory=ExtractiveSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)

    def __post_init__(self) -> None:
        if self.answerer not in ANSWERERS:
            raise RagError(f"unknown answerer '{self.answerer}'; choose extractive or llm")
        if self.answerer == "llm" and not self.llm.configured:
            raise RagError("the llm answerer needs an endpoint: set --llm-base-url and --llm-model "
                           "(or RAG_LLM_BASE_URL / RAG_LLM_MODEL, or ~/.config/rag-news-zh/llm.json)")


def stream_answer(index, question: str, settings: AskSettings = AskSettings(),
                  history=()) -> Iterator[str | Answer]:
    """Text deltas (LLM only) and finally the Answer with per-stage timings.

    `history`: earlier turns ({"question", "answer"} dicts, Turn objects or question strings); a follow-up
    without its own subject is rewritten from them, and the rewrite is kept in `Answer.rewritten_question`.
    """
    asked = question.strip()
    if not asked:
        raise RagError("the question is empty")
    t0 = time.perf_counter()
    llm = settings.llm if settings.answerer == "llm" else None
    standalone = standalone_question(asked, turns_from(history), llm)
    query = normalize_question(standalone)  # traditional characters and 两个月 as the archive writes them
    hits = index.search(query, settings=settings.retrieval)
    t1 = time.perf_counter()
    if settings.answerer == "llm":
        from .llm import stream_llm_answer

        answer = None
        for item in stream_llm_answer(query, hits, settings.llm, settings.extractive):
            if isinstance(item, Answer):
                answer = item
            else:
                yield item
    else:
        answer = answer_extractively(query, hits, settings.extractive)
        if split_two_step(query):
            answer = answer_in_two_steps(index, query, hits, settings) or answer
    t2 = time.perf_counter()
    answer = with_publication_dates(answer, hits)
    yield replace(answer, question=asked, rewritten_question=standalone if standalone != asked else "",
                  timings={"retrieve": round(t1 - t0, 4), "answer": round(t2 - t1, 4), "total": round(t2 - t0, 4)})


def with_publication_dates(answer: Answer, hits) -> Answer:
    """Each citation with its article's publication date and, for display, its sentence with 今年/去年/上月…
    resolved against that date (the quoted sentence is kept as printed)."""
    from ..dates import annotate_relative

    published = {h.chunk_id: h.published for h in (*hits, *answer.hits, *answer.related)}
    cited = []
    for c in answer.citations:
        date = c.published or published.get(c.chunk_id)
        dated = annotate_relative(c.sentence, date) if date else ""
        cited.append(replace(c, published=date, sentence_dated=dated if dated != c.sentence else ""))
    return replace(answer, citations=tuple(cited))


def ask(index, question: str, settings: AskSettings = AskSettings(), history=()) -> Answer:
    """The final Answer (deltas discarded)."""
    answer = None
    for item in stream_answer(index, question, settings, history):
        if isinstance(item, Answer):
            answer = item
    return answer
