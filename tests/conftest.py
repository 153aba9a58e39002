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
