"""The search path shared by CLI, page and evaluation: retrieve by name, fuse, collapse, cap, rerank."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from ..dates import days as published
from ..models import Hit
from .contract import ChunkFilter, SearchableIndex
from .dedupe import is_near_duplicate, shingles
from .fusion import convex_fusion, reciprocal_rank_fusion
from .rerank import rerank_scores
from .retrievers import Candidates, Query, retriever
from .settings import RetrievalSettings


def searchable(index) -> SearchableIndex:
    """The search surface of an opened index: a backend offers it itself, the local folder's handle through its
    `searchable()` (so this module needs nothing of rag.index)."""
    return index if hasattr(index, "sparse_candidates") else index.searchable()


def run_search(index, query: str, settings: RetrievalSettings,
               query_vector: np.ndarray | None = None) -> list[Hit]:
    """Top-k hits for the query; each carries per-retriever ranks and scores. Chunks are addressed by the
    backend's keys (rows of the local folder, chunk ids of a Milvus collection)."""
    index = searchable(index)
    query = query.strip()
    if not query or index.size == 0:
        return []
    chosen = [retriever(name) for name in settings.retrievers]
    rankings: dict[str, list] = {}
    side_scores: dict[str, dict] = {}
    pending_vector: Future | None = None
    if len(chosen) > 1 and any(r.uses_vector for r in chosen) and query_vector is None:
        embedder = index.embedder
        if getattr(embedder, "query_threads", lambda: 1)() > 1:
            query_vector = embedder.embed_query(query)  # idle cores: one multi-threaded call, then BM25
        else:
            # the model releases the GIL: embed the query on another core while BM25 scores in this thread
            pending_vector = _query_pool().submit(embedder.embed_query, query)
    vector: list[np.ndarray] = [] if query_vector is None else [query_vector]

    def embed() -> np.ndarray:
        if not vector:
            vector.append(pending_vector.result() if pending_vector else index.embedder.embed_query(query))
        return vector[0]

    allowed = index.restriction(ChunkFilter(settings.source, settings.since, settings.until))
    if allowed is not None and index.restriction_is_empty(allowed):
        return []
    found: dict[str, Candidates] = {}
    for r in chosen:
        found[r.name] = r.candidates(index, Query(query, embed), settings.depth_of(r.name), allowed)
        rankings[r.name] = list(found[r.name].keys)
        side_scores[r.name] = {k: float(s) for k, s in zip(found[r.name].keys, found[r.name].scores)}
    if len(chosen) > 1 and settings.fusion == "convex":
        lead = settings.bm25_lead if "bm25" in found else 0
        fused = _convex(found, settings.weight_of(), rankings.get("bm25", []), lead)
    elif len(chosen) > 1:
        fused = reciprocal_rank_fusion(rankings, k=settings.rrf_k, weights=settings.weight_of())
    else:
        side = chosen[0].name
        fused = [(r, side_scores[side][r]) for r in rankings[side]]
    fused = prefer_question_period(index, query, fused, settings.period_boost)
    wanted = settings.k if not settings.reranker else max(settings.k, settings.rerank_depth)
    candidates = _select(index, fused, settings, wanted)
    if settings.reranker and candidates:
        rescored = rerank_scores(settings.reranker, query, [c.text for _, c, _ in candidates])
        candidates = [candidates[i] for i in np.argsort(-np.asarray(rescored), kind="stable")]
        candidates = [(key, chunk, s) for (key, chunk, _), s in zip(candidates, sorted(rescored, reverse=True))]
    candidates = candidates[: settings.k]
    days = index.published_days([key for key, _, _ in candidates])
    hits = []
    for rank, (key, chunk, score) in enumerate(candidates, start=1):
        ranks = {name: ranked.index(key) + 1 for name, ranked in rankings.items() if key in side_scores[name]}
        scores = {name: side_scores[name][key] for name in rankings if key in side_scores[name]}
        hits.append(Hit(rank=rank, chunk_id=chunk.id, article_id=chunk.article_id, title=chunk.title,
                        dateline=chunk.dateline, source=chunk.source, text=chunk.text, score=round(float(score), 6),
                        start=chunk.start, end=chunk.end, spans=chunk.spans, ranks=ranks,
                        scores={k: round(v, 6) for k, v in scores.items()},
                        published=published.from_days(days.get(key, published.UNKNOWN))))
    return hits


def _convex(found: dict[str, Candidates], weights: dict[str, float], lead_ranking: list, lead: int
            ) -> list[tuple[object, float]]:
    """Every retriever scores every candidate any of them found (BM25 through the backend's scorer, dense exactly
    from the stored vectors), the normalised scores are mixed by weight, and BM25's own top `lead` go first (in the
    mixed order), so hybrid never drops a passage BM25 alone ranks that high."""
    keys = list(dict.fromkeys(key for candidates in found.values() for key in candidates.keys))
    if not keys:
        return []
    fused = convex_fusion(keys, {name: candidates.score_of(keys) for name, candidates in found.items()}, weights)
    first = set(lead_ranking[:lead])
    return [item for item in fused if item[0] in first] + [item for item in fused if item[0] not in first]


def prefer_question_period(index, query: str, fused: list[tuple[object, float]], boost: float
                           ) -> list[tuple[object, float]]:
    """Lift hits published in the period the question names (2023年…, 去年3月…), keeping the rest in order."""
    index = searchable(index)
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
    days = index.published_days([key for key, _ in fused])
    lifted = [(key, score * boost if lo <= days[key] <= hi else score) for key, score in fused]
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


def _select(index: SearchableIndex, fused: list[tuple[object, float]], settings: RetrievalSettings, wanted: int):
    """Walk the fused list, skipping near-duplicates and articles over the cap, until `wanted` are kept."""
    kept: list[tuple[int, object, float]] = []
    kept_shingles: list[set[str]] = []
    per_article: dict[str, int] = {}
    batch = max(wanted * 3, 20)
    for start in range(0, len(fused), batch):
        part = fused[start:start + batch]
        chunks = index.chunks_by_keys([key for key, _ in part])
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
