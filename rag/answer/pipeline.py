"""Question -> hits -> answer: the one code path behind `rag ask`, the page and the evaluation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ..errors import RagError
from ..retrieval import RetrievalSettings
from .extractive import ExtractiveSettings, answer_extractively
from .llm_settings import LLMSettings
from .models import Answer

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


def stream_answer(index, question: str, settings: AskSettings = AskSettings()) -> Iterator[str | Answer]:
    """Text deltas (LLM only) and finally the Answer with per-stage timings."""
    question = question.strip()
    if not question:
        raise RagError("the question is empty")
    t0 = time.perf_counter()
    hits = index.search(question, k=settings.retrieval.k, mode=settings.retrieval.mode, settings=settings.retrieval)
    t1 = time.perf_counter()
    if settings.answerer == "llm":
        from .llm import stream_llm_answer

        answer = None
        for item in stream_llm_answer(question, hits, settings.llm, settings.extractive):
            if isinstance(item, Answer):
                answer = item
            else:
                yield item
    else:
        answer = answer_extractively(question, hits, settings.extractive)
    t2 = time.perf_counter()
    yield replace(answer, timings={"retrieve": round(t1 - t0, 4), "answer": round(t2 - t1, 4),
                                   "total": round(t2 - t0, 4)})


def ask(index, question: str, settings: AskSettings = AskSettings()) -> Answer:
    """The final Answer (deltas discarded)."""
    answer = None
    for item in stream_answer(index, question, settings):
        if isinstance(item, Answer):
            answer = item
    return answer
