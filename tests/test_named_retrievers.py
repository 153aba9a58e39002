"""Fusion of named retrievers: the built-in pair reproduces the old two-retriever fusion, a third is one entry."""

from __future__ import annotations

import numpy as np
import pytest

from rag.errors import RagError
from rag.retrieval.retrievers import Candidates, Retriever, names, register, unregister
from rag.retrieval.settings import RetrievalSettings
from rag.tokenize import tokenize

QUESTIONS = ["前两个月青岛外贸进出口多少？", "青岛影视推介会在哪里举办", "宝山镇蓝莓种植面积有多大", "海尔灯塔工厂"]


def _norm(x: np.ndarray) -> np.ndarray:
    return (x - x.min()) / (x.max() - x.min()) if x.max() > x.min() else np.zeros_like(x)


def _every_score(index, question: str) -> dict[str, np.ndarray]:
    """Each built-in retriever's score of every chunk, computed here without the search path."""
    ids = index.bm25.get_tokens_ids(tokenize(question))
    bm25 = index.bm25.get_scores(ids) if ids else np.zeros(index.size)
    dense = np.load(index.folder / "vectors.npy") @ index.embedder.embed_query(question)
    return {"bm25": np.asarray(bm25, dtype=np.float64), "dense": np.asarray(dense, dtype=np.float64)}


def _top(scores: np.ndarray, depth: int, positive: bool) -> list[int]:
    order = [int(r) for r in np.argsort(-scores, kind="stable")[:depth]]
    return [r for r in order if scores[r] > 0] if positive else order


def _title_scores(index, question: str) -> np.ndarray:
    """A toy retriever: how many distinct characters of the question the chunk's title holds."""
    chunks = index.chunks_by_rows(list(range(index.size)))
    wanted = set(question) - set("？?，。的在了是有多少哪里")
    return np.array([float(len(wanted & set(chunks[r].title))) for r in range(index.size)])


def _title_retriever(index_, query, depth, restriction) -> Candidates:
    """Over the local folder's rows (the toy needs every title; a real one would have its own index)."""
    every = _title_scores(index_.index, query.text)
    keys = _top(every, depth, positive=True)
    return Candidates(keys, every[keys], lambda wanted: every[np.asarray(wanted, dtype=np.int64)])


@pytest.fixture
def title_retriever():
    yield register(Retriever("title", _title_retriever))
    unregister("title")


@pytest.mark.parametrize("question", QUESTIONS)
def test_rrf_hybrid_matches_brute_force(seed_index, question):
    """RRF over the two named retrievers equals weight / (rrf_k + rank) summed by hand over each side's ranking."""
    settings = RetrievalSettings(k=5, fusion="rrf", dedupe=False, period_boost=1)
    hits = seed_index.search(question, settings=settings)
    every = _every_score(seed_index, question)
    rankings = {"bm25": _top(every["bm25"], settings.bm25_depth, positive=True),
                "dense": _top(every["dense"], settings.dense_depth, positive=False)}
    weights = {"bm25": settings.bm25_weight, "dense": 1.0}
    fused: dict[int, float] = {}
    for name, ranked in rankings.items():
        for rank, row in enumerate(ranked, start=1):
            fused[row] = fused.get(row, 0.0) + weights[name] / (settings.rrf_k + rank)
    first_seen = {row: n for n, row in enumerate(fused)}
    top = sorted(fused, key=lambda row: (-fused[row], first_seen[row]))[:5]
    chunks = seed_index.chunks_by_rows(top)
    assert [h.chunk_id for h in hits] == [chunks[row].id for row in top]
    assert [h.score for h in hits] == pytest.approx([fused[row] for row in top], abs=1e-6)


@pytest.mark.parametrize("fusion", ["convex", "rrf"])
def test_named_weights_and_depths_reproduce_the_default_fusion(seed_index, fusion):
    """The old fields are the defaults of the named tables: spelling them out by name changes nothing."""
    default = RetrievalSettings(k=10, fusion=fusion)
    shares = (("bm25", default.bm25_share), ("dense", 1 - default.bm25_share)) if fusion == "convex" else \
        (("bm25", default.bm25_weight), ("dense", 1.0))
    named = RetrievalSettings(k=10, fusion=fusion, weights=shares,
                              depths=(("bm25", default.bm25_depth), ("dense", default.dense_depth)))
    assert named.retrievers == default.retrievers == ("bm25", "dense")
    for question in QUESTIONS:
        expected = [(h.chunk_id, h.score, h.ranks) for h in seed_index.search(question, settings=default)]
        assert [(h.chunk_id, h.score, h.ranks) for h in seed_index.search(question, settings=named)] == expected


def test_a_third_retriever_is_one_entry(seed_index, title_retriever):
    """Registered once, a title retriever is fused by naming it in `weights`; the result is the convex mix of the
    three computed by hand (BM25's own top 10 first, as with two)."""
    settings = RetrievalSettings(k=5, dedupe=False, period_boost=1,
                                 weights=(("bm25", 0.5), ("dense", 0.2), ("title", 0.3)), depths=(("title", 30),))
    assert settings.retrievers == ("bm25", "dense", "title") and "title" in names()
    fused_title = 0
    for question in QUESTIONS:
        hits = seed_index.search(question, settings=settings)
        every = {**_every_score(seed_index, question), "title": _title_scores(seed_index, question)}
        tops = {"bm25": _top(every["bm25"], 50, positive=True), "dense": _top(every["dense"], 50, positive=False),
                "title": _top(every["title"], 30, positive=True)}
        union = np.array(sorted(set().union(*tops.values())))
        mixed = sum(w * _norm(every[name][union]) for name, w in settings.weights)
        lead = np.isin(union, tops["bm25"][:settings.bm25_lead])
        order = np.lexsort((-mixed, ~lead))[:5]
        chunks = seed_index.chunks_by_rows([int(union[i]) for i in order])
        assert [h.chunk_id for h in hits] == [chunks[int(union[i])].id for i in order], question
        assert [h.score for h in hits] == pytest.approx([float(mixed[i]) for i in order], abs=1e-5)
        for h in hits:
            assert set(h.ranks) <= {"bm25", "dense", "title"} and set(h.scores) == set(h.ranks)
        fused_title += sum("title" in h.ranks for h in hits)
    assert fused_title  # the third retriever's candidates reach the hits, with its rank and score
    alone = seed_index.search(QUESTIONS[2], settings=RetrievalSettings(mode="title", k=3))
    assert alone and all(set(h.ranks) == {"title"} for h in alone)


def test_unknown_retriever_names_are_clear_errors():
    with pytest.raises(RagError, match=r"unknown retriever 'titel'; choose bm25, dense"):
        RetrievalSettings(weights=(("bm25", 1.0), ("titel", 1.0)))
    with pytest.raises(RagError, match="unknown mode 'titel'; choose bm25, dense or hybrid"):
        RetrievalSettings(mode="titel")
    with pytest.raises(RagError, match="each retriever once"):
        RetrievalSettings(weights=(("bm25", 1.0), ("bm25", 2.0)))
    with pytest.raises(RagError, match="depths: dense must be 1 or more"):
        RetrievalSettings(depths=(("dense", 0),))
    with pytest.raises(RagError, match="is taken"):
        register(Retriever("bm25", lambda *args: None))
