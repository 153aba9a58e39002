"""`rag ui`: the chat page on 127.0.0.1 (Gradio; never a public share link)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..settings import ENV_MAX_QUESTION_CHARS, ENV_UI_AUTH, default_index_dir, set_max_question_chars, ui_auth
from .index_cmds import add_index_option

ENV_AUTH = ENV_UI_AUTH


def register(sub) -> None:
    p = sub.add_parser("ui", help="start the chat page (builds the index from seeds/ on first run)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--auth", default=None, help=f"user:password required to open the page (default: ${ENV_AUTH})")
    p.add_argument("--uploads", type=Path, default=None,
                   help="folder for files uploaded on the page (default: <index>.uploads beside the index)")
    p.add_argument("--concurrency", type=int, default=4, help="questions answered at the same time (default 4)")
    p.add_argument("--max-question-chars", type=int, default=None, metavar="N",
                   help=f"refuse longer questions on the page and its API (default: ${ENV_MAX_QUESTION_CHARS} or 500)")
    add_index_option(p)
    p.set_defaults(func=run_ui)


def run_ui(args: argparse.Namespace) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read when gradio is imported
    from ui.app import launch, parse_auth  # gradio is slow to import: only for this command

    if args.max_question_chars is not None:
        set_max_question_chars(args.max_question_chars)
    auth = parse_auth(args.auth or ui_auth())
    launch(args.index or default_index_dir(), host=args.host, port=args.port, auth=auth, uploads_dir=args.uploads,
           embedder=args.embedder, concurrency=args.concurrency, collection=args.collection)
    return 0
