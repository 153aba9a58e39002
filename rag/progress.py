"""Progress for long builds: bars on a terminal, a few plain lines in a log (stderr not a terminal)."""

from __future__ import annotations

import sys


def progress_for(enabled: bool = True):
    """What to pass as `progress=` to build_index: False, True (tqdm bars) on a terminal, else QuarterLines."""
    if not enabled:
        return False
    return True if sys.stderr.isatty() else QuarterLines()


class QuarterLines:
    """A progress callback writing `stage: done/total` at 0, 25, 50, 75 and 100 %: a log gets 5 lines a stage."""

    def __init__(self):
        self._shown: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        quarter = 4 if total <= 0 else min(4, done * 4 // total)
        if self._shown.get(stage, -1) >= quarter:
            return
        self._shown[stage] = quarter
        print(f"{stage}: {done}/{total}", file=sys.stderr, flush=True)
