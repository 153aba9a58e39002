"""`rag index` and `rag search`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import RagError
from ..index import IndexSettings, build_index
from ..index.dense import AUTO_HNSW_FROM, DENSE_KINDS
from ..retrieval import MODES, RetrievalSettings
from ..retrieval.rerank import RERANK_OFF_NOTE
from ..service import open_or_build, summary_line
from ..settings import default_embedder, default_index_dir, default_seeds
from .corpus_cmds import add_chunk_options, chunk_settings
from .output import print_json, print_json_line, report_problems


def add_index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", type=Path, default=None,
                        help="index folder (default: $RAG_INDEX or ./.rag-index)")
    parser.add_argument("--embedder", default=None,
                        help="e5 (bundled, default) or st:<model name or folder> (default: $RAG_EMBEDDER or e5)")


def add_retrieval_options(parser: argparse.ArgumentParser, k_default: int = 5) -> None:
    defaults = RetrievalSettings()
    parser.add_argument("-k", type=int, default=k_default, help=f"number of passages (default {k_default})")
    parser.add_argument("--mode", default=defaults.mode, help=f"{', '.join(MODES)} (default {defaults.mode})")
    parser.add_argument("--fusion", default=defaults.fusion,
                        help=f"hybrid fusion: convex (normalised scores mixed) or rrf (default {defaults.fusion})")
    parser.add_argument("--bm25-share", type=float, default=defaults.bm25_share,
                        help=f"convex fusion: BM25's share of the mix, dense gets the rest (default {defaults.bm25_share})")
    parser.add_argument("--rrf-k", type=float, default=defaults.rrf_k, help="reciprocal rank fusion constant")
    parser.add_argument("--bm25-weight", type=float, default=defaults.bm25_weight,
                        help=f"BM25's weight in the fusion, dense counts 1 (default {defaults.bm25_weight})")
    parser.add_argument("--depth", type=int, default=defaults.bm25_depth, help="hits each retriever contributes")
    parser.add_argument("--per-article", type=int, default=0, help="at most N passages per article (0: no cap)")
    parser.add_argument("--reranker", default=None, help="cross-encoder name or folder (off by default)")
    add_date_options(parser)


def add_date_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", default=None, metavar="YYYY-MM-DD",
                        help="only articles published on or after this date")
    parser.add_argument("--until", default=None, metavar="YYYY-MM-DD",
                        help="only articles published on or before this date")


def retrieval_settings(args: argparse.Namespace) -> RetrievalSettings:
    return RetrievalSettings(mode=args.mode, k=args.k, fusion=args.fusion, bm25_share=args.bm25_share,
                             rrf_k=args.rrf_k, bm25_weight=args.bm25_weight,
                             bm25_depth=args.depth,
                             dense_depth=args.depth, max_per_article=args.per_article, reranker=args.reranker,
                             since=args.since, until=args.until)


def register(sub) -> None:
    p = sub.add_parser("index", help="build or update the index (incremental)")
    p.add_argument("paths", nargs="*", type=Path,
                   help="files or folders (default: the sources the index was built from; for a new index seeds/)")
    add_index_option(p)
    add_chunk_options(p)
    p.add_argument("--dense", default="auto",
                   help=f"{', '.join(DENSE_KINDS)} (default auto: exact flat below {AUTO_HNSW_FROM} chunks, HNSW above)")
    p.add_argument("--rebuild", action="store_true", help="start over from these paths (vectors are still reused)")
    for field, names in (("text", "text,content,body"), ("title", "title"), ("date", "published,date"),
                         ("url", "url"), ("id", "id")):
        p.add_argument(f"--{field}-field", default=None, metavar="NAMES",
                       help=f"JSONL/CSV dumps: field(s) holding the {field}, first present wins (default {names})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_index)

    p = sub.add_parser("search", help="retrieve passages for a question")
    p.add_argument("question", nargs="?", help="the question (or use --batch)")
    p.add_argument("--batch", help="file with one question per line ('-' for stdin)")
    p.add_argument("--json", action="store_true", help="JSON output")
    add_index_option(p)
    add_retrieval_options(p)
    p.set_defaults(func=run_search)


def run_index(args: argparse.Namespace) -> int:
    settings = IndexSettings(embedder=args.embedder or default_embedder(), chunking=chunk_settings(args),
                             dense_kind=args.dense, record_fields=_record_fields(args))
    index_dir = args.index or default_index_dir()
    report = build_index(index_dir, args.paths or _recorded_sources(index_dir) or [default_seeds()], settings,
                         rebuild=args.rebuild, progress=not args.quiet)
    code = report_problems(report.problems)
    print(f"{index_dir}: {summary_line(report)}")
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in report.stage_seconds.items())
    print(f"stages: {stages}")
    return code


def _record_fields(args: argparse.Namespace):
    """RecordFields from --text-field etc., None when none was given."""
    flags = {f"{name}_field": getattr(args, f"{name}_field") for name in ("text", "title", "date", "url", "id")}
    if not any(flags.values()):
        return None
    from ..loaders.records import record_fields_from_flags

    try:
        return record_fields_from_flags(**flags)
    except ValueError as exc:
        raise RagError(str(exc)) from None


def _recorded_sources(index_dir: Path) -> list[Path]:
    """The files and folders an existing index was built from (what `--rebuild` without paths re-reads)."""
    from ..index.manifest import Manifest

    if not (Path(index_dir) / "manifest.json").exists():
        return []
    try:
        return [Path(p) for p in Manifest.read(Path(index_dir)).sources]
    except RagError:
        return []


def read_questions(batch: str) -> list[str]:
    stream = sys.stdin if batch == "-" else open(batch, encoding="utf-8")
    with stream if batch != "-" else _nullcontext(stream) as fh:
        return [line.strip() for line in fh if line.strip()]


class _nullcontext:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        return False


def questions_from(args: argparse.Namespace, command: str) -> list[str] | None:
    """The question argument or the --batch lines; None (after a usage line) when neither was given."""
    if args.batch:
        return read_questions(args.batch)
    if args.question:
        return [args.question]
    print(f"rag {command}: give a question or --batch FILE", file=sys.stderr)
    return None


def run_search(args: argparse.Namespace) -> int:
    questions = questions_from(args, "search")
    if questions is None:
        return 2
    settings = retrieval_settings(args)
    index = open_or_build(args.index or default_index_dir(), args.embedder)
    if not settings.reranker and not args.json:
        print(f"({RERANK_OFF_NOTE})", file=sys.stderr)
    for question in questions:
        hits = index.search(question, k=settings.k, mode=settings.mode, settings=settings)
        if args.json and args.batch:
            print_json_line({"question": question, "hits": [h.to_dict() for h in hits]})
        elif args.json:
            print_json([h.to_dict() for h in hits])
        else:
            _print_hits(question, hits)
    return 0


def _print_hits(question: str, hits) -> None:
    print(f"问题：{question}")
    if not hits:
        print("  （没有检索到相关段落）")
    for h in hits:
        ranks = " ".join(f"{k}#{v}" for k, v in h.ranks.items())
        when = "  ".join(x for x in (h.published or "", h.dateline) if x)
        print(f"[{h.rank}] {h.title}  {when}  {h.source}:{h.start}-{h.end}  score={h.score:.4f} ({ranks})")
        print("    " + h.text.replace("\n", " ")[:160])
