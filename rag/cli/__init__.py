"""The `rag` command: one subcommand per task, all on the same core."""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import RagError
from . import corpus_cmds
from .failures import failure_line, unexpected_error

COMMAND_MODULES = [corpus_cmds]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Ask questions about Chinese news archives and get cited answers.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES + _optional_modules():
        module.register(sub)
    return parser


def _optional_modules() -> list:
    import importlib

    modules = []
    for name in ("index_cmds", "answer_cmds", "eval_cmds", "ui_cmds"):
        try:
            modules.append(importlib.import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    return modules


def main(argv: list[str] | None = None) -> int:
    """Entry point: run a subcommand; an expected problem is one line on stderr (exit 2 usage, 1 failed work)."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        return 1 if code == 0 and getattr(args, "input_problems", 0) else code  # bad --batch lines were skipped
    except RagError as exc:
        print(f"rag: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("rag: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head: not an error
        sys.stderr = open(os.devnull, "w")
        return 0
    except Exception as exc:  # disk full, a dead endpoint … are one line; anything else is a bug
        line = failure_line(exc, args)
        if line is None:
            return unexpected_error(exc)
        print(f"rag: error: {line}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
