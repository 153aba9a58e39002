"""Fusion of named retrievers as pure functions: reciprocal rank fusion, and a convex mix of normalised scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def reciprocal_rank_fusion(rankings: Mapping[str, Sequence[int]], k: float = 60.0,
                           weights: Mapping[str, float] | None = None) -> list[tuple[int, float]]:
    """Fuse ranked lists of ids: score(d) = sum over lists of weight / (k + rank), rank starting at 1.

    Ties keep the order in which ids were first seen, so the result is deterministic.
    """
    scores: dict[int, float] = {}
    for name, ranked in rankings.items():
        weight = 1.0 if weights is None else weights.get(name, 1.0)
        for rank, item in enumerate(ranked, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = {item: n for n, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def convex_fusion(rows: Sequence[int], scores: Mapping[str, np.ndarray], weights: Mapping[str, float]
                  ) -> list[tuple[int, float]]:
    """Fuse by score, not rank: each retriever's scores over the same candidate rows (every retriever scores every
    candidate) are min-max normalised, then mixed by weight (weights are normalised to sum 1).

    Unlike RRF, a retriever whose best passage clearly leads keeps that lead, so a strong BM25 match is not pulled
    down by a dense ranking that barely separates the candidates (docs/fusion/README.md)."""
    if not len(rows):
        return []
    total = sum(weights.get(name, 0.0) for name in scores) or 1.0
    mixed = np.zeros(len(rows), dtype=np.float64)
    for name, values in scores.items():
        values = np.asarray(values, dtype=np.float64)
        lo, hi = float(values.min()), float(values.max())
        if hi > lo:
            mixed += weights.get(name, 0.0) / total * (values - lo) / (hi - lo)
    order = np.argsort(-mixed, kind="stable")
    # rows are the backend's keys: row numbers (NumPy integers become ints) or chunk ids
    return [(int(rows[i]) if isinstance(rows[i], np.integer) else rows[i], float(mixed[i])) for i in order]
