"""Printing helpers shared by subcommands: JSON lines, problems, exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

from ..loading import LoadProblem


def print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def print_json_line(data) -> None:
    print(json.dumps(data, ensure_ascii=False), flush=True)


def report_problems(problems: Iterable[LoadProblem]) -> int:
    """One line per skipped file on stderr; returns the exit code (1 when any file failed)."""
    count = 0
    for problem in problems:
        # a bad record or page says "…, skipped" itself; the rest of its file was indexed
        prefix = "" if problem.partial else "skipped "
        print(f"{prefix}{problem.path}: {problem.reason}", file=sys.stderr)
        count += 1
    return 1 if count else 0



def progress_option(quiet: bool):
    """What to pass as `progress=`: bars on a terminal; on a log (stderr not a terminal) a line per quarter."""
    from ..progress import progress_for

    return progress_for(not quiet)
