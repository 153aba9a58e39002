"""Retrieval settings: mode, the named retrievers fused with their weights and depths, duplicates, per-article cap."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RagError

MODES = ("bm25", "dense", "hybrid")
FUSIONS = ("convex", "rrf")


def check_mode(mode: str) -> str:
    """`mode` if it is hybrid or a retriever's name (bm25, dense, or one registered in rag.retrieval.retrievers)."""
    from .retrievers import names

    if mode not in MODES and mode not in names():
        allowed = (*MODES[:-1], *(n for n in names() if n not in MODES), MODES[-1])
        raise RagError(f"unknown mode '{mode}'; choose {', '.join(allowed[:-1])} or {allowed[-1]}")
    return mode


@dataclass(frozen=True)
class RetrievalSettings:
    """`rrf_k` is the fusion constant; `*_depth` how many hits each retriever contributes; `bm25_weight`
    scales BM25's share of the fused score (dense counts 1).

    Hybrid search fuses named retrievers (rag.retrieval.retrievers): `weights` and `depths` are (name, value) pairs,
    e.g. `weights=(("bm25", 0.5), ("dense", 0.2), ("title", 0.3))`; the names in `weights` are the retrievers fused.
    Left empty they are BM25 and dense with the fields below, so the flags and results of two retrievers stay."""

    mode: str = "hybrid"
    k: int = 5
    # Hybrid fusion: a convex mix of min-max normalised scores, BM25 weighing `bm25_share`, with BM25's own top
    # `bm25_lead` passages first (dense re-scores BM25's candidates); or reciprocal rank fusion with `rrf_k` and
    # `bm25_weight`. Chosen on the seed set and news dev, with and without 1,000 distractors (docs/fusion/).
    fusion: str = "convex"
    bm25_share: float = 0.7
    bm25_lead: int = 10
    rrf_k: float = 60.0
    # BM25 over jieba words is the stronger retriever on Chinese news (seed QA hit@1 0.94 vs 0.81 for e5-small,
    # also with 1,000 distractor articles); weighting it 1.5 turned hybrid hit@5 from 0.987 to 0.993
    # (docs/PERFORMANCE.md §5; chosen on the seed QA set, the only labelled set we have)
    bm25_weight: float = 1.5
    bm25_depth: int = 50
    dense_depth: int = 50
    weights: tuple[tuple[str, float], ...] = ()  # by name: convex shares or RRF weights, for the `fusion` chosen
    depths: tuple[tuple[str, int], ...] = ()  # by name: candidates each retriever contributes
    dedupe: bool = True
    max_per_article: int = 0  # 0 means no cap
    reranker: str | None = None
    rerank_depth: int = 20
    since: str | None = None  # keep only articles published on or after (ISO date)
    until: str | None = None  # … on or before
    source: str | None = None  # keep only passages of this file (and its pages or records `name#…`)
    # A question that names a time (2023年…, 去年3月…) lifts articles published then by this factor.
    period_boost: float = 1.5

    def __post_init__(self) -> None:
        check_mode(self.mode)
        if self.fusion not in FUSIONS:
            raise RagError(f"unknown fusion '{self.fusion}'; choose {' or '.join(FUSIONS)}")
        if not 0 <= self.bm25_share <= 1:
            raise RagError(f"bm25 share must be between 0 and 1, got {self.bm25_share}")
        if self.k < 1:
            raise RagError(f"k must be at least 1, got {self.k}")
        if self.bm25_weight < 0:
            raise RagError(f"bm25 weight must be 0 or more, got {self.bm25_weight}")
        self._check_named()
        for flag, value in (("--since", self.since), ("--until", self.until)):
            if value is not None and not _is_iso_date(value):
                raise RagError(f"{flag} must be a date like 2024-03-13, got '{value}'")
        if self.since and self.until and self.since > self.until:
            raise RagError(f"--since {self.since} is after --until {self.until}; swap them")

    def _check_named(self) -> None:
        from .retrievers import retriever

        for field, pairs in (("weights", self.weights), ("depths", self.depths)):
            seen = [name for name, _ in pairs]
            if len(set(seen)) != len(seen):
                raise RagError(f"{field}: each retriever once, got {', '.join(seen)}")
            for name, value in pairs:
                retriever(name)  # an unknown name lists the known ones
                if value < 0 or (field == "depths" and value < 1):
                    raise RagError(f"{field}: {name} must be {'1' if field == 'depths' else '0'} or more, got {value}")
        if self.weights and not sum(value for _, value in self.weights) > 0:
            raise RagError("weights: give at least one retriever a weight above 0")

    @property
    def retrievers(self) -> tuple[str, ...]:
        """The names searched: the mode's one retriever, or for hybrid those in `weights` (bm25 and dense if empty)."""
        if self.mode != "hybrid":
            return (self.mode,)
        return tuple(name for name, _ in self.weights) or ("bm25", "dense")

    def weight_of(self) -> dict[str, float]:
        """Each fused retriever's weight in the chosen fusion: `weights`, else BM25 `bm25_share` and dense the rest
        (convex), or BM25 `bm25_weight` and dense 1 (RRF)."""
        if self.weights:
            return dict(self.weights)
        if self.fusion == "convex":
            return {"bm25": self.bm25_share, "dense": 1 - self.bm25_share}
        return {"bm25": self.bm25_weight, "dense": 1.0}

    def depth_of(self, name: str) -> int:
        """How many candidates retriever `name` contributes (`depths`, else bm25_depth / dense_depth)."""
        default = {"bm25": self.bm25_depth, "dense": self.dense_depth}.get(name, max(self.bm25_depth,
                                                                                    self.dense_depth))
        return dict(self.depths).get(name, default)


def search_settings(k: int | None = None, mode: str | None = None,
                    settings: RetrievalSettings | None = None) -> RetrievalSettings:
    """The settings of one search: `settings` as given, or the defaults with `k`/`mode`; never both at once."""
    if settings is not None and (k is not None or mode is not None):
        # an override beside settings used to win silently, so a caller's settings.k or .mode was not what ran
        given = " and ".join(f"{name}={value!r}" for name, value in (("k", k), ("mode", mode)) if value is not None)
        raise RagError(f"search got settings=… and {given}: give either settings=… or k=/mode=, not both; "
                       f"put k and mode into the settings (dataclasses.replace(settings, k=…, mode=…))")
    if settings is not None:
        return settings
    return RetrievalSettings(**{name: value for name, value in (("k", k), ("mode", mode)) if value is not None})


def _is_iso_date(value: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10
