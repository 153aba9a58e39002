"""`rag index --index milvus:URI [--from FOLDER]`: build through a local staging folder or copy a local index."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import RagError
from .output import progress_option, report_problems


def run_milvus_index(args: argparse.Namespace, settings, index_value) -> int:
    """Index files into a Milvus collection (or copy `--from` a local index folder) and print what changed."""
    from ..index.backends.milvus_build import index_into_milvus
    from ..index.backends.registry import parse_index_location
    from ..service import summary_line

    location = parse_index_location(index_value, getattr(args, "collection", None))
    from_dir = getattr(args, "from_index", None)
    if from_dir is not None:
        if args.paths:
            raise RagError("give either files to index or --from FOLDER (a local index to copy), not both")
        if not (Path(from_dir) / "manifest.json").exists():
            raise RagError(f"--from {from_dir} is not an index folder (no manifest.json); build it with "
                           f"`rag index FILES --index {from_dir}`")
    report, copy = index_into_milvus(location, list(args.paths), settings, rebuild=args.rebuild,
                                     progress=progress_option(args.quiet), from_dir=from_dir)
    code = 0
    if report is not None:
        code = report_problems(report.problems)
        print(f"staging {report.index_dir}: {summary_line(report)}")
    print(copy.summary())
    return code
