"""Defaults and environment variables: where the seeds and the index live."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
ENV_INDEX = "RAG_INDEX"
ENV_SEEDS = "RAG_SEEDS"
ENV_EMBEDDER = "RAG_EMBEDDER"


def default_seeds() -> Path:
    """$RAG_SEEDS, else the repository's seeds/ folder, else ./seeds."""
    if os.environ.get(ENV_SEEDS):
        return Path(os.environ[ENV_SEEDS])
    bundled = PACKAGE_ROOT / "seeds"
    return bundled if bundled.is_dir() else Path("seeds")


def default_index_dir() -> Path:
    """$RAG_INDEX, else ./.rag-index."""
    return Path(os.environ.get(ENV_INDEX) or ".rag-index")


def default_embedder() -> str:
    """$RAG_EMBEDDER, else the bundled multilingual e5."""
    return os.environ.get(ENV_EMBEDDER) or "e5"
