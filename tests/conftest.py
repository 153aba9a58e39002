"""Shared fixtures: the real seed pages, offline model hubs, a small chunk size for speed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_docs():
    from rag.ingest import ingest_paths

    docs, problems = ingest_paths([SEEDS])
    assert not problems
    return {d.source.name: d for d in docs}


@pytest.fixture(scope="session")
def e5_embedder():
    """The real bundled multilingual-e5-small, loaded once (the same instance `Index.embedder` uses)."""
    from rag.embedders.registry import shared_embedder

    return shared_embedder("e5")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, e5_embedder):
    """An index of all five seed pages with the real e5 model and default settings, built once per session."""
    from rag.index import Index, IndexSettings, build_index

    folder = tmp_path_factory.mktemp("seed-index") / "index"
    report = build_index(folder, [SEEDS], IndexSettings(), embedder=e5_embedder, progress=False)
    assert report.files == 5 and not report.problems
    index = Index.open(folder)
    yield index
    index.close()
