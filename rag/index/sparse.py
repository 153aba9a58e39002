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
    retriever.index([tokens or [EMPTY_DOC_TOKEN] for tokens in token_lists], show_progress=False)
    return retriever


def save(retriever, folder: Path) -> None:
    retriever.save(str(folder), show_progress=False)


def load(folder: Path):
    import bm25s

    return bm25s.BM25.load(str(folder), mmap=True)


def search(retriever, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of the top k documents with a positive score (only `allowed` rows when a mask is given)."""
    ids = retriever.get_tokens_ids(tokens)
    if not ids or k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    scores = retriever.get_scores(ids)
    if allowed is not None:
        scores = np.where(allowed, scores, 0)
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    top = top[scores[top] > 0]
    return scores[top].astype(np.float32), top.astype(np.int64)
