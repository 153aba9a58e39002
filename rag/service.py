"""Open the index the user means; only the default location is built from the seeds on first use."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import RagError
from .index import Index, IndexSettings, build_index
from .index.guard import check_replaceable
from .settings import ENV_EMBEDDER, ENV_INDEX, default_embedder, default_index_dir, default_seeds, env


class NoIndexError(RagError):
    """An --index folder that does not hold an index: a mistyped path must not answer from the seeds."""


def open_index(index_dir: Path | None, embedder: str | None = None, progress=True, collection: str | None = None
               ) -> Index:
    """The index at --index DIR (which must exist), or at the default location (built from the seeds if new)."""
    return open_or_build(index_dir or default_index_dir(), embedder, progress=progress, collection=collection)


def is_default_location(index_dir: Path) -> bool:
    """Whether `index_dir` is $RAG_INDEX or ./.rag-index, the one folder built from the seeds on first use."""
    return Path(index_dir).resolve() == default_index_dir().resolve()


def open_or_build(index_dir: Path, embedder: str | None = None, seeds: Path | None = None,
                  progress=True, collection: str | None = None) -> Index:
    """The index at `index_dir`; when the default location (or a caller giving `seeds`) holds none yet, build
    one from the seeds first, with progress. `embedder` (else $RAG_EMBEDDER) must be the one the index was built
    with. `milvus:URI` opens a Milvus collection (`collection`, default rag_news) through the same contract."""
    from .index.backends.registry import is_milvus, open_backend, parse_index_location

    embedder = embedder or env(ENV_EMBEDDER)
    if is_milvus(index_dir):
        return open_backend(parse_index_location(index_dir, collection), embedder)
    index_dir = Path(index_dir)
    if not (index_dir / "manifest.json").exists():
        from .index.builder import recover_interrupted_swap

        recover_interrupted_swap(index_dir)
    if not (index_dir / "manifest.json").exists():
        check_replaceable(index_dir)  # refuse a folder of the user's files before announcing a build
        if seeds is None and not is_default_location(index_dir):
            raise NoIndexError(
                f"no index at {index_dir}; build one with `rag index FILES_OR_FOLDERS --index {index_dir}`, or "
                f"leave --index out to use the default index (${ENV_INDEX} or ./.rag-index, built from the seed "
                "pages on first use)")
        seeds = seeds or default_seeds()
        print(f"No index at {index_dir} yet: building one from {seeds} (first run only)…", file=sys.stderr)
        settings = IndexSettings(embedder=embedder or default_embedder())
        if progress is True:
            from .progress import progress_for

            progress = progress_for(True)  # tqdm redraws would flood a log
        report = build_index(index_dir, [seeds], settings, progress=progress)
        print(summary_line(report), file=sys.stderr)
    return Index.open(index_dir, embedder=embedder)


def summary_line(report) -> str:
    """One line a person reads after indexing."""
    parts = [f"{report.files} files, {report.articles} articles, {report.chunks} chunks in {report.seconds:.1f}s"]
    detail = []
    for label, names in (("added", report.added), ("changed", report.changed), ("removed", report.removed),
                         ("unchanged", report.unchanged)):
        if names:
            detail.append(f"{len(names)} {label}")
    if detail:
        parts.append(", ".join(detail))
    parts.append(f"{report.embedded} chunks embedded, {report.reused_vectors} reused")
    if report.problems:
        failed = len({p.path for p in report.problems})
        parts.append(f"{len(report.problems)} problems in {failed} files (listed above)")
    return "; ".join(parts)
