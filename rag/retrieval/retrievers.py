"""Retrievers by name: what the search path fuses (BM25 and dense built in; a third is one `register` call)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import RagError
from .contract import SearchableIndex


@dataclass(frozen=True)
class Candidates:
    """One retriever's best keys (best first) with their scores, and its score of any other key: the convex mix
    needs every candidate scored by every retriever, not only the ones it found itself."""

    keys: list
    scores: np.ndarray
    score_of: Callable[[Sequence], np.ndarray]


@dataclass(frozen=True)
class Query:
    """The question as each retriever may want it: the text, and its embedding computed once on first use."""

    text: str
    embed: Callable[[], np.ndarray]

    @property
    def vector(self) -> np.ndarray:
        return self.embed()


@dataclass(frozen=True)
class Retriever:
    """A named retriever: `candidates(index, query, depth, restriction)` over the backend's keys; `uses_vector`
    says whether it needs the query embedding (so hybrid search embeds it beside the text retrievers)."""

    name: str
    candidates: Callable[[SearchableIndex, Query, int, Any], Candidates]
    uses_vector: bool = False


def _bm25(index: SearchableIndex, query: Query, depth: int, restriction) -> Candidates:
    found = index.sparse_candidates(query.text, depth, restriction)
    return Candidates(list(found.keys), found.scores, found.score_of)


def _dense(index: SearchableIndex, query: Query, depth: int, restriction) -> Candidates:
    vector = query.vector
    scores, keys = index.dense_candidates(vector, depth, restriction)
    # exact scores from the stored vectors: also for keys the approximate index did not return
    return Candidates(list(keys), scores, lambda wanted: index.dense_scores(wanted, vector))


_REGISTRY: dict[str, Retriever] = {
    "bm25": Retriever("bm25", _bm25),
    "dense": Retriever("dense", _dense, uses_vector=True),
}
BUILT_IN = tuple(_REGISTRY)


def register(retriever: Retriever) -> Retriever:
    """Make a retriever available by name to RetrievalSettings (mode=NAME, or an entry of `weights`)."""
    if retriever.name in BUILT_IN or retriever.name == "hybrid":
        raise RagError(f"retriever name '{retriever.name}' is taken; choose another than "
                       f"{', '.join(BUILT_IN)} or hybrid")
    _REGISTRY[retriever.name] = retriever
    return retriever


def unregister(name: str) -> None:
    """Forget a registered retriever (the built-in ones stay)."""
    if name not in BUILT_IN:
        _REGISTRY.pop(name, None)


def names() -> tuple[str, ...]:
    """The names retrievers can be asked for, built-in ones first."""
    return tuple(_REGISTRY)


def retriever(name: str) -> Retriever:
    """The retriever called `name`; the error lists the known ones."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise RagError(f"unknown retriever '{name}'; choose {', '.join(names())} "
                       "(a new one is added with rag.retrieval.retrievers.register)") from None
