"""BM25 over jieba tokens with bm25s, saved as .npy + JSON (no pickle) and memory-mapped on load."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

EMPTY_DOC_TOKEN = "\u2205"  # bm25s needs at least one token per document


def build(token_lists: list[list[str]]):
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    retriever = bm25s.BM25()
    # an index whose files were all removed holds no chunks; bm25s cannot index nothing, so one empty document
    retriever.index([tokens or [EMPTY_DOC_TOKEN] for tokens in token_lists] or [[EMPTY_DOC_TOKEN]],
                    show_progress=False)
    return retriever


def save(retriever, folder: Path) -> None:
    retriever.save(str(folder), show_progress=False)


def load(folder: Path):
    import bm25s

    return bm25s.BM25.load(str(folder), mmap=True)


def scores(retriever, tokens: list[str], allowed: np.ndarray | None = None) -> np.ndarray | None:
    """BM25 score of every document (0 outside `allowed`); None when no query word is in the vocabulary."""
    ids = retriever.get_tokens_ids(tokens)
    if not ids:
        return None
    values = retriever.get_scores(ids)
    return np.where(allowed, values, 0) if allowed is not None else values


def top(values: np.ndarray | None, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of the k best documents with a positive score."""
    if values is None or k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    k = min(k, len(values))
    best = np.argpartition(-values, k - 1)[:k]
    best = best[np.argsort(-values[best], kind="stable")]
    best = best[values[best] > 0]
    return values[best].astype(np.float32), best.astype(np.int64)


def search(retriever, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of the top k documents with a positive score (only `allowed` rows when a mask is given)."""
    return top(scores(retriever, tokens, allowed), k)
