"""FAISS inner-product index over unit vectors: exact Flat for small corpora, HNSW when large.

`hnsw-sq8` is HNSW over 8-bit scalar-quantised vectors: about a third of HNSW-Flat's memory per chunk at
the same graph, with recall@10 against exact search within a point of HNSW-Flat (docs/PERFORMANCE.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import RagError

DENSE_KINDS = ("auto", "flat", "hnsw", "hnsw-sq8")
AUTO_HNSW_FROM = 50_000
HNSW_M = 32
# the graph's build breadth by size: at 1M vectors efConstruction 80 reached recall@10 0.81 at efSearch 1024 and
# 200 reaches 0.93 (0.97 at 2048), for build time only (~5 -> ~12 min, next to ~25 h of embedding); at 100k, 80
# already gives 0.97 at efSearch 512 and a 200-graph only makes each search ~2 ms slower (docs/PERFORMANCE.md §3)
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_CONSTRUCTION_LARGE = 200
HNSW_LARGE_FROM = 500_000
# efSearch by index size: recall@10 against exact search falls as the graph grows, so the search widens with
# it (docs/PERFORMANCE.md §3: at 100k, ef 256 -> 0.93, 512 -> 0.97; at 1M, 1024 -> 0.93, 2048 -> 0.97)
HNSW_EF_SEARCH_STEPS = ((20_000, 256), (200_000, 512), (HNSW_LARGE_FROM, 1024))
HNSW_EF_SEARCH_LARGE = 2048


def ef_construction(count: int) -> int:
    """The HNSW build breadth for an index of `count` vectors."""
    return HNSW_EF_CONSTRUCTION_LARGE if count >= HNSW_LARGE_FROM else HNSW_EF_CONSTRUCTION


def ef_search(count: int) -> int:
    """The HNSW search breadth for an index of `count` vectors."""
    for upto, ef in HNSW_EF_SEARCH_STEPS:
        if count < upto:
            return ef
    return HNSW_EF_SEARCH_LARGE


def resolve_kind(kind: str, count: int) -> str:
    """`auto` means exact search below AUTO_HNSW_FROM chunks and HNSW above."""
    if kind not in DENSE_KINDS:
        raise RagError(f"unknown dense index '{kind}'; choose {', '.join(DENSE_KINDS)}")
    if kind == "auto":
        return "hnsw" if count >= AUTO_HNSW_FROM else "flat"
    return kind


def build(vectors: np.ndarray, kind: str):
    import faiss

    dim = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction(len(vectors))
        index.hnsw.efSearch = ef_search(len(vectors))  # FAISS's default of 16 loses recall
    elif kind == "hnsw-sq8":
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction(len(vectors))
        index.hnsw.efSearch = ef_search(len(vectors))
        if len(vectors):
            index.train(np.ascontiguousarray(vectors, dtype=np.float32))  # per-dimension ranges
    else:
        raise RagError(f"unknown dense index '{kind}'; choose flat, hnsw or hnsw-sq8")
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def save(index, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def load(path: Path):
    import faiss

    index = faiss.read_index(str(path))
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = ef_search(index.ntotal)
    return index


def search(index, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of the k nearest unit vectors, only among `allowed` rows when a mask is given."""
    if index.ntotal == 0 or k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    if allowed is None:
        scores, rows = index.search(q, min(k, index.ntotal))
    else:
        import faiss

        bitmap = np.packbits(np.asarray(allowed, dtype=bool), bitorder="little")
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        params = (faiss.SearchParametersHNSW(sel=selector, efSearch=index.hnsw.efSearch) if hasattr(index, "hnsw")
                  else faiss.SearchParameters(sel=selector))
        scores, rows = index.search(q, min(k, index.ntotal), params=params)
    keep = rows[0] >= 0
    return scores[0][keep], rows[0][keep]
