"""Open the index the user means, building it from the seeds on first use."""

from __future__ import annotations

import sys
from pathlib import Path

from .index import Index, IndexSettings, build_index
from .index.guard import check_replaceable
from .settings import default_embedder, default_seeds


def open_or_build(index_dir: Path, embedder: str | None = None, seeds: Path | None = None,
                  progress: bool = True) -> Index:
    """The index at `index_dir`; when none exists yet, build one from the seeds first, with progress."""
    index_dir = Path(index_dir)
    if not (index_dir / "manifest.json").exists():
        from .index.builder import recover_interrupted_swap

        recover_interrupted_swap(index_dir)
    if not (index_dir / "manifest.json").exists():
        check_replaceable(index_dir)  # refuse a folder of the user's files before announcing a build
        seeds = seeds or default_seeds()
        print(f"No index at {index_dir} yet: building one from {seeds} (first run only)…", file=sys.stderr)
        settings = IndexSettings(embedder=embedder or default_embedder())  # $RAG_EMBEDDER, as `rag index` does
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
