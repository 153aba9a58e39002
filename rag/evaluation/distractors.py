"""Distractor mode: the seeds plus N articles of a large news corpus in a cached index of their own."""

from __future__ import annotations

import hashlib
import json
import lzma
import random
import re
from pathlib import Path

from ..errors import RagError

SAMPLE_SEED = 0


def cache_root() -> Path:
    """The project's one cache folder: $RAG_CACHE_DIR, else $XDG_CACHE_HOME/rag-news-zh, else ~/.cache/rag-news-zh."""
    from ..settings import cache_root as project_cache_root

    return project_cache_root()


def corpus_digest(path: Path) -> str:
    """First 12 hex digits of the corpus file's SHA-256 (part of the cache key)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]


def _open(path: Path):
    return lzma.open(path, "rt", encoding="utf-8") if path.suffix == ".xz" else open(path, encoding="utf-8")


def sample_articles(path: Path, n: int, seed: int = SAMPLE_SEED, exclude: frozenset[str] = frozenset()
                    ) -> list[tuple[str, str]]:
    """(id, text) of n articles drawn with a fixed seed, in corpus order; lines without text and the
    `exclude`d ids (the articles the questions are about) are left out."""
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
            article_id = str(data.get("id") or number) if isinstance(data, dict) else str(number)
            if isinstance(text, str) and text.strip() and article_id not in exclude:
                articles.append((article_id, text))
    if n > len(articles):
        raise RagError(f"--n {n} is more than the {len(articles)} articles in {path}")
    chosen = sorted(random.Random(seed).sample(range(len(articles)), n))
    return [articles[i] for i in chosen]


def corpus_ids(path: Path) -> frozenset[str]:
    """The ids of the corpus's articles."""
    ids = set()
    with _open(path) as fh:
        for line in fh:
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict) and data.get("id") is not None:
                ids.add(str(data["id"]))
    return frozenset(ids)


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


def distractor_index(corpus: Path, n: int, embedder: str, base: list[Path], progress: bool = True,
                     root: Path | None = None, exclude: frozenset[str] = frozenset()) -> tuple[Path, list[str]]:
    """Build or update (cached by N, embedder, corpus hash, base sources) the base + N articles index.

    `base` are the files and folders of the index under evaluation; `exclude` holds corpus ids never to draw
    (the articles the questions are about, so none is indexed twice). Returns (folder, problems)."""
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
    exclude = frozenset(exclude) & corpus_ids(corpus) if exclude else frozenset()
    slug = re.sub(r"[^0-9A-Za-z._-]+", "_", embedder).strip("_")
    bases = sorted(str(Path(p).resolve()) for p in base)
    # the seeds alone keep the cache names of earlier runs; any other base or exclusion gets its own key
    tag = "" if len(bases) == 1 and Path(bases[0]).name == "seeds" and not exclude else \
        "-" + hashlib.sha1("\n".join(bases + sorted(exclude)).encode()).hexdigest()[:8]
    articles_dir = root / f"distractor-articles-{n}-{digest}{tag if exclude else ''}"
    index_dir = root / f"distractor-index-{n}-{slug}-{digest}{tag}"
    if not (articles_dir / ".complete").exists():
        write_articles(articles_dir, sample_articles(corpus, n, exclude=exclude))
    report = build_index(index_dir, [Path(b) for b in bases] + [articles_dir], IndexSettings(embedder=embedder),
                         progress=progress)
    return index_dir, [str(p) for p in report.problems]
