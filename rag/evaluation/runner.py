"""Run every (mode × answerer) configuration over the same questions: retrieve once per mode, answer from those hits."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field, replace

from ..answer.extractive import ExtractiveSettings
from ..answer.llm_settings import LLMSettings
from ..answer.models import Answer, Citation
from ..answer.pipeline import AskSettings, ask
from ..errors import RagError
from ..index import store
from ..models import Hit
from ..retrieval import MODES, RetrievalSettings
from . import metrics as m
from .qa_file import QARow


@dataclass(frozen=True)
class EvalSettings:
    """What to run: modes, answerers, cut-offs k, the relevance overlap and the answerers' settings."""

    modes: tuple[str, ...] = MODES
    answerers: tuple[str, ...] = ("extractive",)
    ks: tuple[int, ...] = (1, 3, 5, 10)
    min_overlap: float = m.MIN_OVERLAP
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)  # its k = passages the answerer sees
    extractive: ExtractiveSettings = field(default_factory=ExtractiveSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)

    @property
    def depth(self) -> int:
        """Hits retrieved per question: enough for every k, MRR@10/nDCG@10 and the answerer."""
        return max((*self.ks, 10, self.retrieval.k))


@dataclass(frozen=True)
class RetrievalRecord:
    """One question's hits in one mode, which evidence spans each covers, and the search time."""

    row: QARow
    hits: tuple[Hit, ...]
    covers: tuple[frozenset[int], ...]
    seconds: float

    @property
    def relevant(self) -> tuple[bool, ...]:
        return tuple(bool(c) for c in self.covers)


@dataclass(frozen=True)
class AnswerRecord:
    """One question's answer in one configuration, scored against the gold row."""

    text: str
    short_answer: str
    abstained: bool
    confidence: float
    citations: tuple[Citation, ...]
    supported: tuple[bool, ...]
    correct: bool  # answerable: a gold answer occurs; unanswerable: abstained
    f1: float | None  # answerable rows only
    evidence_cited: bool
    seconds: float
    error: str = ""


@dataclass(frozen=True)
class ConfigRun:
    """All questions of one configuration; `answerer` is None when only retrieval ran."""

    corpus: str
    mode: str
    answerer: str | None
    retrieval: tuple[RetrievalRecord, ...]
    answers: tuple[AnswerRecord, ...] = ()

    @property
    def name(self) -> str:
        base = f"{self.mode}/{self.answerer}" if self.answerer else self.mode
        return base if self.corpus == "seeds" else f"{base} [{self.corpus}]"


class _FixedHits:
    """Stands in for the index inside the answer pipeline: the first search returns the hits already retrieved
    (and scored); later ones (a two-step question's second retrieval) go to the real index."""

    def __init__(self, hits: tuple[Hit, ...], index=None):
        self.hits = hits
        self.index = index
        self.served = False

    def search(self, query: str, k: int | None = None, mode: str | None = None, settings=None) -> list[Hit]:
        from ..retrieval.settings import search_settings

        if self.served and self.index is not None:
            return self.index.search(query, k=k, mode=mode, settings=settings)
        self.served = True
        return list(self.hits[:search_settings(k, mode, settings).k])

    def __getattr__(self, name):
        if self.index is None:
            raise AttributeError(name)
        return getattr(self.index, name)


def score_answer(row: QARow, answer: Answer, seconds: float, min_overlap: float = m.MIN_OVERLAP) -> AnswerRecord:
    """Correctness, F1, supported citations and whether the evidence was cited."""
    supported = tuple(m.citation_supported(c.passage, c.source, row.sources, row.evidences, row.answers, min_overlap)
                      for c in answer.citations)
    cited = any(m.covered_evidence(c.passage, row.evidences, min_overlap) for c in answer.citations)
    if row.answerable:
        correct = not answer.abstained and m.answer_correct(answer.text, row.answers)
        f1 = 0.0 if answer.abstained else m.answer_f1(answer.short_answer, answer.text, row.answers)
    else:
        correct, f1 = answer.abstained, None
    return AnswerRecord(answer.text, answer.short_answer, answer.abstained, answer.confidence, answer.citations,
                        supported, correct, f1, cited, seconds)


def _failed(row: QARow, error: str) -> AnswerRecord:
    return AnswerRecord("", "", False, 0.0, (), (), False, 0.0 if row.answerable else None, False, 0.0, error)


def _ask_settings(settings: EvalSettings, mode: str, answerer: str) -> AskSettings:
    return AskSettings(retrieval=replace(settings.retrieval, mode=mode), answerer=answerer,
                       extractive=settings.extractive, llm=settings.llm)


def _warm_up(index, question: str, settings: EvalSettings) -> None:
    """Load the embedder, tokenizer and answerer before anything is timed."""
    for mode in settings.modes:
        hits = index.search(question, settings=replace(settings.retrieval, k=settings.depth, mode=mode))
        if "extractive" in settings.answerers:
            ask(_FixedHits(tuple(hits)), question, _ask_settings(settings, mode, "extractive"))


def evaluate(index, rows: list[QARow], settings: EvalSettings = EvalSettings(), corpus: str = "seeds",
             progress: bool = True) -> list[ConfigRun]:
    """One ConfigRun per (mode, answerer), or per mode when no answerer is requested."""
    from tqdm import tqdm

    if rows:
        _warm_up(index, rows[0].question, settings)
    runs: list[ConfigRun] = []
    by_id = {row.id: row for row in rows}
    bar = tqdm(total=len(settings.modes) * len(rows), desc=f"eval {corpus}", unit="q", file=sys.stderr,
               dynamic_ncols=True, disable=not progress)
    for mode in settings.modes:
        bar.set_postfix_str(mode)
        retrieval = replace(settings.retrieval, k=settings.depth, mode=mode)  # each question searched as deep
        retrieved: list[RetrievalRecord] = []
        answers: dict[str, list[AnswerRecord]] = {a: [] for a in settings.answerers}
        for row in rows:
            history = _history(row, by_id)
            t0 = time.perf_counter()
            query = _standalone(row.question, history)
            hits = tuple(index.search(query, settings=retrieval))
            seconds = time.perf_counter() - t0
            covers = tuple(m.covered_evidence(h.text, row.evidences, settings.min_overlap) for h in hits)
            retrieved.append(RetrievalRecord(row, hits, covers, seconds))
            for answerer in settings.answerers:
                answers[answerer].append(_answer(row, hits, _ask_settings(settings, mode, answerer), settings,
                                                 history, index))
            bar.update(1)
        retrieval = tuple(retrieved)
        if not settings.answerers:
            runs.append(ConfigRun(corpus, mode, None, retrieval))
        for answerer in settings.answerers:
            runs.append(ConfigRun(corpus, mode, answerer, retrieval, tuple(answers[answerer])))
    bar.close()
    return runs


def _history(row: QARow, by_id: dict[str, QARow]) -> tuple[str, ...]:
    """The earlier questions of a follow-up row (its `previous` chain, oldest first), as a reader asked them."""
    chain: list[str] = []
    seen = {row.id}
    current = row
    while current.previous and current.previous in by_id and current.previous not in seen:
        current = by_id[current.previous]
        seen.add(current.id)
        chain.insert(0, current.question)
    return tuple(chain)


def _standalone(question: str, history: tuple[str, ...]) -> str:
    """The question retrieval sees: a follow-up is rewritten from its history, as `rag ask --history` does."""
    if not history:
        return question
    from ..answer.condense import standalone_question, turns_from

    return standalone_question(question, turns_from(history), None)


def _answer(row: QARow, hits: tuple[Hit, ...], ask_settings: AskSettings, settings: EvalSettings,
            history: tuple[str, ...] = (), index=None) -> AnswerRecord:
    try:
        answer = ask(_FixedHits(hits, index), row.question, ask_settings, history=history)
    except RagError as exc:
        return _failed(row, str(exc))
    except Exception as exc:  # an LLM endpoint failing on one question must not end the run
        if ask_settings.answerer == "extractive":
            raise
        return _failed(row, f"{type(exc).__name__}: {exc}")
    return score_answer(row, answer, answer.timings.get("answer", 0.0), settings.min_overlap)


def unreachable_evidence(index, rows: list[QARow], min_overlap: float = m.MIN_OVERLAP) -> list[str]:
    """Ids of answerable rows whose evidence no indexed passage of the source file(s) contains or overlaps."""
    cache: dict[str, list[str]] = {}
    missing = []
    for row in rows:
        if not row.answerable:
            continue
        for name in row.sources:
            if name not in cache:
                cache[name] = ([c.text for c in index.chunks_of_file(name)] if hasattr(index, "chunks_of_file")
                               else [c.text for _, c, _, _ in store.chunks_of_source(index.conn, name)])
        texts = [t for name in row.sources for t in cache[name]]
        if not any(m.covered_evidence(t, row.evidences, min_overlap) for t in texts):
            missing.append(row.id)
    return missing
