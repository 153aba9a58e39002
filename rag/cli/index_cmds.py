"""`rag index` and `rag search`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import IndexMismatchError, MissingModelError, RagError, WorkFailedError
from ..index import IndexSettings, build_index
from ..index.dense import AUTO_HNSW_FROM, DENSE_KINDS
from ..retrieval import MODES, RetrievalSettings
from ..retrieval.rerank import RERANK_OFF_NOTE
from ..service import open_index, summary_line
from ..settings import (
    ENV_EMBEDDER,
    ENV_MAX_QUESTION_CHARS,
    default_embedder,
    default_index_dir,
    default_seeds,
    env,
    set_max_question_chars,
)
from .batch_input import read_batch
from .corpus_cmds import add_chunk_options, chunk_settings
from .output import print_json, print_json_line, progress_option, report_problems


def add_index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", type=Path, default=None,
                        help="index folder, or milvus:URI for a Milvus collection (milvus:./news.db for Milvus Lite, "
                             "milvus:http://host:19530; token in $RAG_MILVUS_TOKEN) (default: $RAG_INDEX or ./.rag-index)")
    parser.add_argument("--collection", default=None, help="Milvus collection of --index milvus:… (default rag_news)")
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
    parser.add_argument("--bm25-lead", type=int, default=defaults.bm25_lead,
                        help=f"convex fusion: BM25's top N come first, re-ordered by the mix (0: none; default {defaults.bm25_lead})")
    parser.add_argument("--rrf-k", type=float, default=defaults.rrf_k, help="reciprocal rank fusion constant")
    parser.add_argument("--bm25-weight", type=float, default=defaults.bm25_weight,
                        help=f"BM25's weight in the fusion, dense counts 1 (default {defaults.bm25_weight})")
    parser.add_argument("--depth", type=int, default=defaults.bm25_depth, help="hits each retriever contributes")
    parser.add_argument("--per-article", type=int, default=0, help="at most N passages per article (0: no cap)")
    parser.add_argument("--reranker", default=None, help="cross-encoder name or folder (off by default)")
    parser.add_argument("--max-question-chars", type=int, default=None, metavar="N",
                        help=f"refuse longer questions (default: ${ENV_MAX_QUESTION_CHARS} or 500)")
    add_date_options(parser)


def add_date_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", default=None, metavar="YYYY-MM-DD",
                        help="only articles published on or after this date")
    parser.add_argument("--until", default=None, metavar="YYYY-MM-DD",
                        help="only articles published on or before this date")


def retrieval_settings(args: argparse.Namespace) -> RetrievalSettings:
    """RetrievalSettings from the flags; each retriever goes at least k deep, so -k 500 gives 500 hits."""
    if args.reranker:
        check_reranker(args.reranker)
    depth = max(args.depth, args.k)
    return RetrievalSettings(mode=args.mode, k=args.k, fusion=args.fusion, bm25_share=args.bm25_share, bm25_lead=args.bm25_lead,
                             rrf_k=args.rrf_k, bm25_weight=args.bm25_weight,
                             bm25_depth=depth,
                             dense_depth=depth, max_per_article=args.per_article, reranker=args.reranker,
                             since=args.since, until=args.until)


def check_reranker(name: str) -> None:
    """Refuse a --reranker that is neither a folder nor a model in the local cache, naming that flag."""
    from ..embedders.sentence_transformers_backend import resolve_local_model

    try:
        resolve_local_model(name)
    except MissingModelError:
        raise RagError(f"--reranker {name}: no such cross-encoder folder, and no model of that name in the local "
                       f"Hugging Face cache; pass --reranker /path/to/a/cross-encoder/folder, download it where "
                       f"there is network (`huggingface-cli download {name}`), or leave --reranker out") from None


def requested_embedder(args: argparse.Namespace) -> str | None:
    """--embedder, else $RAG_EMBEDDER: an index built with another embedder is refused either way."""
    return args.embedder or env(ENV_EMBEDDER)


def register(sub) -> None:
    p = sub.add_parser("index", help="build or update the index (incremental)")
    p.add_argument("paths", nargs="*", type=Path,
                   help="files or folders (default: the sources the index was built from; for a new index seeds/)")
    add_index_option(p)
    add_chunk_options(p)
    p.add_argument("--dense", default="auto",
                   help=f"{', '.join(DENSE_KINDS)} (default auto: exact flat below {AUTO_HNSW_FROM} chunks, HNSW above)")
    p.add_argument("--rebuild", action="store_true", help="start over from these paths (vectors are still reused)")
    p.add_argument("--from", dest="from_index", type=Path, default=None, metavar="FOLDER",
                   help="with --index milvus:…, copy this local index folder into the collection (no re-embedding)")
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
    if str(index_dir).startswith("milvus:"):
        from .milvus_cmds import run_milvus_index

        return run_milvus_index(args, settings, index_dir)
    paths = args.paths or _recorded_sources(index_dir) or [default_seeds()]
    if not args.paths and _manifest_unreadable(index_dir):
        raise WorkFailedError(f"{Path(index_dir) / 'manifest.json'} is damaged, so the files this index was built "
                              f"from are unknown; rebuild it naming them: `rag index FILES_OR_FOLDERS --rebuild "
                              f"--index {index_dir}`")
    existed = prepare_update(index_dir, paths, args.rebuild)
    report = build_index(index_dir, paths, settings, rebuild=args.rebuild, progress=progress_option(args.quiet))
    if not existed and report.files == 0:
        from ..index.guard import remove_index_folder

        remove_index_folder(index_dir)  # the new folder this build made: nothing of anybody else's is in it
        reasons = "; ".join(f"{p.path}: {p.reason}" for p in report.problems[:3]) or "no article text"
        raise WorkFailedError(f"nothing indexed from {', '.join(map(str, paths))} ({reasons}); "
                              f"no index was written at {index_dir}")
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


def _manifest_unreadable(index_dir: Path) -> bool:
    from ..index.manifest import Manifest

    if not (Path(index_dir) / "manifest.json").exists():
        return False
    try:
        Manifest.read(Path(index_dir))
    except IndexMismatchError:  # another format version: its sources are still readable
        return False
    except RagError:
        return True
    return False


def prepare_update(index_dir: Path, paths: list[Path], rebuild: bool) -> bool:
    """Before a build: refuse nothing to index for a new index, and a damaged index unless rebuilding it
    (a rebuild then starts from its sources without reusing its vectors). True when an index exists."""
    from ..index.builder import recover_interrupted_swap
    from ..index.files import update_problem
    from ..index.guard import check_replaceable, remove_index_folder
    from ..loading import find_files

    index_dir = Path(index_dir)
    check_replaceable(index_dir)
    recover_interrupted_swap(index_dir)
    existed = (index_dir / "manifest.json").exists()
    if existed:
        problem = update_problem(index_dir)
        if problem and not rebuild:
            raise WorkFailedError(problem)
        if problem:
            what = problem.split("; rebuild the index with")[0]
            print(f"rag: {what}: rebuilding the index from {', '.join(map(str, paths))} without its old vectors",
                  file=sys.stderr)
            remove_index_folder(index_dir)
            existed = False
    if not existed:
        found, problems = find_files(paths)
        if not found:
            reasons = "; ".join(f"{p.path}: {p.reason}" for p in problems[:3]) or "no files"
            raise WorkFailedError(f"nothing to index in {', '.join(map(str, paths))} ({reasons}); "
                                  f"no index was written at {index_dir}")
    return existed


def read_questions(batch: str) -> list[str]:
    """The questions of a --batch file ('-': stdin); bad lines are reported on stderr by number and left out."""
    lines, problems = read_batch(batch)
    for problem in problems:
        print(f"rag: {batch}: {problem}; skipped", file=sys.stderr)
    return [line.text for line in lines]


def questions_from(args: argparse.Namespace, command: str) -> list[str] | None:
    """The question argument or the --batch lines; None (after a usage line) when neither was given.
    Skipped batch lines are counted in `args.input_problems`, so the command exits 1 after the others."""
    from ..limits import check_question

    if getattr(args, "max_question_chars", None) is not None:
        set_max_question_chars(args.max_question_chars)
    if args.batch:
        lines, problems = read_batch(args.batch)
        for problem in problems:
            print(f"rag {command}: {args.batch}: {problem}; skipped", file=sys.stderr)
        args.input_problems = len(problems)
        if not lines and not problems:
            raise RagError(f"--batch {args.batch} holds no questions (one question a line)")
        return [line.text for line in lines]
    if args.question:
        return [check_question(args.question.strip())]
    print(f"rag {command}: give a question or --batch FILE", file=sys.stderr)
    return None


def run_search(args: argparse.Namespace) -> int:
    questions = questions_from(args, "search")
    if questions is None:
        return 2
    settings = retrieval_settings(args)
    index = open_index(args.index, requested_embedder(args), collection=args.collection)
    for number, question in enumerate(questions):
        hits = index.search(question, settings=settings)
        if number == 0 and not settings.reranker and not args.json:  # after a search worked: not above an error
            print(f"({RERANK_OFF_NOTE})", file=sys.stderr)
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
