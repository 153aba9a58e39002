"""Optional cross-encoder reranking (sentence-transformers CrossEncoder); off unless a model is configured."""

from __future__ import annotations

from functools import lru_cache

from ..embedders.sentence_transformers_backend import resolve_local_model

RERANK_OFF_NOTE = "reranking is off: no cross-encoder is bundled; set --reranker NAME_OR_FOLDER to enable it"


@lru_cache(maxsize=2)
def load_cross_encoder(name: str):
    from sentence_transformers import CrossEncoder

    return CrossEncoder(resolve_local_model(name), device="cpu", local_files_only=True)


def rerank_scores(name: str, query: str, passages: list[str]) -> list[float]:
    model = load_cross_encoder(name)
    return [float(s) for s in model.predict([(query, p) for p in passages], show_progress_bar=False)]
