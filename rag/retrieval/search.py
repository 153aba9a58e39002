"""The search path shared by CLI, page and evaluation: retrieve, fuse, collapse, cap, rerank."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from ..index import dense, published, sparse
from ..models import Hit
from ..tokenize import tokenize
from .dedupe import is_near_duplicate, shingles
from .fusion import convex_fusion, reciprocal_rank_fusion
from .rerank import rerank_scores
from .settings import RetrievalSettings

if TYPE_CHECKING:
    from ..index.handle import Index


def run_search(index: Index, query: str, settings: RetrievalSettings,
               query_vector: np.ndarray | None = None) -> list[Hit]:
    """Top-k hits for the query; each carries per-retriever ranks and scores."""
    query = query.strip()
    if not query or index.size == 0:
        return []
    rankings: dict[str, list[int]] = {}
    side_scores: dict[str, dict[int, float]] = {}
    pending_vector: Future | None = None
    if settings.mode == "hybrid" and query_vector is None:
        embedder = index.embedder
        if getattr(embedder, "query_threads", lambda: 1)() > 1:
            query_vector = embedder.embed_query(query)  # idle cores: one multi-threaded call, then BM25
        else:
            # the model releases the GIL: embed the query on another core while BM25 scores in this thread
            pending_vector = _query_pool().submit(embedder.embed_query, query)
    allowed = published.within(index.published_days, settings.since, settings.until) \
        if settings.since or settings.until else None
    if allowed is not None and not allowed.any():
        return []
    bm25_all = None
    if settings.mode in ("bm25", "hybrid"):
        bm25_all = sparse.scores(index.bm25, tokenize(query), allowed)
        scores, rows = sparse.top(bm25_all, settings.bm25_depth)
        rankings["bm25"] = [int(r) for r in rows]
        side_scores["bm25"] = {int(r): float(s) for r, s in zip(rows, scores)}
    if settings.mode in ("dense", "hybrid"):
        if query_vector is None:
            query_vector = pending_vector.result() if pending_vector else index.embedder.embed_query(query)
        scores, rows = dense.search(index.dense, query_vector, settings.dense_depth, allowed)
        rankings["dense"] = [int(r) for r in rows]
        side_scores["dense"] = {int(r): float(s) for r, s in zip(rows, scores)}
    if settings.mode == "hybrid" and settings.fusion == "convex":
        fused = _convex(index, rankings, bm25_all, query_vector, settings.bm25_share, settings.bm25_lead)
    elif settings.mode == "hybrid":
        fused = reciprocal_rank_fusion(rankings, k=settings.rrf_k, weights={"bm25": settings.bm25_weight, "dense": 1.0})
    else:
        side = settings.mode
        fused = [(r, side_scores[side][r]) for r in rankings[side]]
    fused = prefer_question_period(index, query, fused, settings.period_boost)
    wanted = settings.k if not settings.reranker else max(settings.k, settings.rerank_depth)
    candidates = _select(index, fused, settings, wanted)
    if settings.reranker and candidates:
        rescored = rerank_scores(settings.reranker, query, [c.text for _, c, _ in candidates])
        candidates = [candidates[i] for i in np.argsort(-np.asarray(rescored), kind="stable")]
        candidates = [(row, chunk, s) for (row, chunk, _), s in zip(candidates, sorted(rescored, reverse=True))]
    hits = []
    for rank, (row, chunk, score) in enumerate(candidates[: settings.k], start=1):
        ranks = {name: ranked.index(row) + 1 for name, ranked in rankings.items() if row in side_scores[name]}
        scores = {name: side_scores[name][row] for name in rankings if row in side_scores[name]}
        hits.append(Hit(rank=rank, chunk_id=chunk.id, article_id=chunk.article_id, title=chunk.title,
                        dateline=chunk.dateline, source=chunk.source, text=chunk.text, score=round(float(score), 6),
                        start=chunk.start, end=chunk.end, spans=chunk.spans, ranks=ranks,
                        scores={k: round(v, 6) for k, v in scores.items()},
                        published=published.from_days(int(index.published_days[row]))))
    return hits


def _convex(index: Index, rankings: dict[str, list[int]], bm25_all: np.ndarray | None, query_vector: np.ndarray,
            bm25_share: float, bm25_lead: int) -> list[tuple[int, float]]:
    """Both retrievers score every candidate either of them found (BM25 from its full score array, dense exactly
    from the stored vectors), the normalised scores are mixed, and BM25's own top `bm25_lead` go first (in the
    mixed order), so hybrid never drops a passage BM25 alone ranks that high."""
    rows = np.asarray(list(dict.fromkeys(rankings["bm25"] + rankings["dense"])), dtype=np.int64)
    if not len(rows):
        return []
    bm25 = bm25_all[rows] if bm25_all is not None else np.zeros(len(rows))
    dense_scores = np.asarray(index.vectors[np.sort(rows)], dtype=np.float32) @ query_vector.astype(np.float32)
    dense_scores = dense_scores[np.argsort(np.argsort(rows))]  # back from sorted-row order (faster mmap reads)
    fused = convex_fusion(rows, {"bm25": bm25, "dense": dense_scores}, {"bm25": bm25_share, "dense": 1 - bm25_share})
    lead = set(rankings["bm25"][:bm25_lead])
    return [item for item in fused if item[0] in lead] + [item for item in fused if item[0] not in lead]


def prefer_question_period(index: Index, query: str, fused: list[tuple[int, float]], boost: float
                           ) -> list[tuple[int, float]]:
    """Lift hits published in the period the question names (2023年…, 去年3月…), keeping the rest in order."""
    if boost == 1 or not fused or not index.has_dates:
        return fused
    try:
        from ..dates import question_period
    except ImportError:
        return fused
    from datetime import date

    period = question_period(query, date.today())
    if period is None:
        return fused
    lo, hi = published.to_days(period.start), published.to_days(period.end)
    days = index.published_days
    lifted = [(row, score * boost if lo <= days[row] <= hi else score) for row, score in fused]
    return sorted(lifted, key=lambda item: -item[1])


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _query_pool() -> ThreadPoolExecutor:
    """Threads that embed queries beside BM25 (the embedder serialises its own model calls)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="query-embed")
        return _POOL


def _select(index: Index, fused: list[tuple[int, float]], settings: RetrievalSettings, wanted: int):
    """Walk the fused list, skipping near-duplicates and articles over the cap, until `wanted` are kept."""
    kept: list[tuple[int, object, float]] = []
    kept_shingles: list[set[str]] = []
    per_article: dict[str, int] = {}
    batch = max(wanted * 3, 20)
    for start in range(0, len(fused), batch):
        part = fused[start:start + batch]
        chunks = index.chunks_by_rows([row for row, _ in part])
        for row, score in part:
            chunk = chunks.get(row)
            if chunk is None:
                continue
            if settings.max_per_article and per_article.get(chunk.article_id, 0) >= settings.max_per_article:
                continue
            if settings.dedupe:
                sh = shingles(chunk.text)
                if any(is_near_duplicate(sh, other) for other in kept_shingles):
                    continue
                kept_shingles.append(sh)
            per_article[chunk.article_id] = per_article.get(chunk.article_id, 0) + 1
            kept.append((row, chunk, score))
            if len(kept) >= wanted:
                return kept
    return kept
