"""Distractor mode: the seeds plus N articles of a large news corpus in a cached index of their own."""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import random
import re
from pathlib import Path

from ..errors import RagError

SAMPLE_SEED = 0


def cache_root() -> Path:
    """$XDG_CACHE_HOME/rag-news-zh, else ~/.cache/rag-news-zh."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rag-news-zh"


def corpus_digest(path: Path) -> str:
    """First 12 hex digits of the corpus file's SHA-256 (part of the cache key)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]


def _open(path: Path):
    return lzma.open(path, "rt", encoding="utf-8") if path.suffix == ".xz" else open(path, encoding="utf-8")


def sample_articles(path: Path, n: int, seed: int = SAMPLE_SEED) -> list[tuple[str, str]]:
    """(id, text) of n articles drawn with a fixed seed, in corpus order; lines without text are ignored."""
    articles = []
    with _open(path) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            text = data.get("text") if isinstance(data, dict) else None
            if isinstance(text, str) and text.strip():
                articles.append((str(data.get("id") or number), text))
    if n > len(articles):
        raise RagError(f"--n {n} is more than the {len(articles)} articles in {path}")
    chosen = sorted(random.Random(seed).sample(range(len(articles)), n))
    return [articles[i] for i in chosen]


def write_articles(folder: Path, articles: list[tuple[str, str]]) -> None:
    """One .txt file per article (just its text: no header lines, so each file is one article)."""
    done = folder / ".complete"
    if done.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for i, (article_id, text) in enumerate(articles):
        safe = re.sub(r"[^0-9A-Za-z_-]+", "_", article_id)[:40]
        (folder / f"{i:05d}_{safe}.txt").write_text(text.strip() + "\n", encoding="utf-8")
    done.write_text(f"{len(articles)}\n", encoding="utf-8")


def distractor_index(corpus: Path, n: int, embedder: str, seeds: Path, progress: bool = True,
                     root: Path | None = None) -> tuple[Path, list[str]]:
    """Build or update (cached by N, embedder, corpus hash) the seeds + N articles index: (folder, problems)."""
    from ..index import IndexSettings, build_index

    corpus = Path(corpus)
    if not corpus.is_file():
        raise RagError(f"distractor corpus {corpus} not found (expected a JSONL or JSONL.xz file with one "
                       "{\"id\", \"published\", \"text\"} article a line, e.g. ../shared/corpora/"
                       "crud-news-part1-4.jsonl.xz)")
    if n < 1:
        raise RagError("--n must be at least 1")
    root = root or cache_root()
    digest = corpus_digest(corpus)
    slug = re.sub(r"[^0-9A-Za-z._-]+", "_", embedder).strip("_")
    articles_dir = root / f"distractor-articles-{n}-{digest}"
    index_dir = root / f"distractor-index-{n}-{slug}-{digest}"
    if not (articles_dir / ".complete").exists():
        write_articles(articles_dir, sample_articles(corpus, n))
    report = build_index(index_dir, [Path(seeds), articles_dir], IndexSettings(embedder=embedder), progress=progress)
    return index_dir, [str(p) for p in report.problems]
