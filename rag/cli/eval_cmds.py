"""`rag eval`: every mode × answerer over a QA file; metrics.json, report.md, plots and per_question.csv."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from ..answer.extractive import ExtractiveSettings
from ..answer.llm_settings import load_llm_settings
from ..answer.pipeline import ANSWERERS
from ..errors import RagError, WorkFailedError
from ..retrieval import MODES, RetrievalSettings
from ..service import open_index
from ..settings import default_seeds
from .answer_cmds import add_llm_options
from .index_cmds import add_date_options, add_index_option, requested_embedder
from .output import print_json, progress_option

LLM_SKIPPED = ("answerer llm skipped: no LLM endpoint configured (set --llm-base-url and --llm-model, "
               "RAG_LLM_BASE_URL / RAG_LLM_MODEL, or ~/.config/rag-news-zh/llm.json)")
JUDGE_NOTE = ("LLM-judged metrics (faithfulness, answer relevance) are not computed{why}; every metric here is "
              "string matching against the gold answers and evidence")


def register(sub) -> None:
    p = sub.add_parser("eval", help="evaluate retrieval, answers, citations and abstention on a QA file")
    p.add_argument("qa_file", type=Path, help="JSONL: id, question, answers, answerable, type, source, evidence …")
    p.add_argument("--mode", default=",".join(MODES), help=f"comma-separated modes (default {','.join(MODES)})")
    p.add_argument("--answerer", default="extractive,llm",
                   help="comma-separated answerers (default extractive,llm; llm only when an endpoint is set)")
    p.add_argument("--k", default="1,3,5,10", help="cut-offs for hit@k (default 1,3,5,10)")
    p.add_argument("--out", type=Path, help="output folder (default eval/out/<timestamp>)")
    p.add_argument("--json", action="store_true", help="print metrics.json to stdout")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--split", choices=("dev", "test"), help="only the rows of this split (the QA file's `split`)")
    p.add_argument("--distractors", type=Path,
                   help="also evaluate on the index's own sources + N other articles of this JSONL[.xz] corpus")
    p.add_argument("--n", type=int, help="number of distractor articles (default 1000)")
    p.add_argument("--min-overlap", type=float, default=0.6,
                   help="share of the evidence a passage must cover to count as relevant (default 0.6)")
    p.add_argument("--abstain-threshold", type=float, default=None,
                   help="the extractive answerer's threshold for this run (calibration is reported regardless)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--corpus-name", default=None,
                   help="name of the evaluated index in the report (default: the QA file's name, e.g. seeds)")
    add_date_options(p)
    add_index_option(p)
    add_llm_options(p)
    p.set_defaults(func=run_eval)


def _choices(value: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        raise RagError(f"unknown {what} {', '.join(bad) or repr(value)}; choose from {', '.join(allowed)}")
    return items


def _ks(value: str) -> tuple[int, ...]:
    try:
        ks = sorted({int(v) for v in value.split(",") if v.strip()})
    except ValueError:
        raise RagError(f"--k takes comma-separated positive integers, got '{value}'") from None
    if not ks or ks[0] < 1:
        raise RagError(f"--k takes comma-separated positive integers, got '{value}'")
    return tuple(ks)


def _index_info(corpus: str, index) -> dict:
    man = index.manifest
    return {"corpus": corpus, "path": str(index.folder), "files": man.files, "chunks": man.chunks,
            "embedder": man.embedder}


def run_eval(args: argparse.Namespace) -> int:
    from ..evaluation import EvalSettings, evaluate, load_qa
    from ..evaluation.runner import unreachable_evidence

    modes, requested, ks = _choices(args.mode, MODES, "mode"), _choices(args.answerer, ANSWERERS, "answerer"), _ks(args.k)
    if args.n is not None and args.distractors is None:
        raise RagError("--n needs --distractors PATH")
    if args.n is not None and args.n < 1:
        raise RagError("--n must be at least 1")
    if args.distractors is not None and not args.distractors.is_file():
        raise RagError(f"distractor corpus {args.distractors} not found (a JSONL or JSONL.xz file with one "
                       "{\"id\", \"published\", \"text\"} article a line, e.g. "
                       "../shared/corpora/crud-news-part1-4.jsonl.xz)")
    if args.limit is not None and args.limit < 1:
        raise RagError("--limit must be at least 1")
    if not 0 < args.min_overlap <= 1:
        raise RagError("--min-overlap must be in (0, 1]")
    rows, problems = load_qa(args.qa_file)
    # every article the file asks about, whatever the split, so dev and test runs share one distractor index
    asked_about = frozenset(Path(s.split("#")[0]).stem for r in rows for s in r.sources)
    for p in problems:
        print(f"{args.qa_file}:{p.line}: skipped: {p.reason}", file=sys.stderr)
    if args.split:
        rows = [r for r in rows if r.split == args.split]
    rows = rows[: args.limit] if args.limit else rows
    if not rows:
        raise RagError(f"no valid questions in {args.qa_file}")
    llm = load_llm_settings(args.llm_config, base_url=args.llm_base_url, model=args.llm_model,
                            api_key=args.llm_api_key)
    notes = [LLM_SKIPPED] if "llm" in requested and not llm.configured else []
    answerers = tuple(a for a in requested if a != "llm" or llm.configured)
    if "llm" in answerers:
        _check_endpoint(llm)
    notes.append(JUDGE_NOTE.format(why="" if llm.configured else " (no LLM endpoint configured)"))
    extractive = ExtractiveSettings() if args.abstain_threshold is None else \
        ExtractiveSettings(abstain_threshold=args.abstain_threshold)
    settings = EvalSettings(modes=modes, answerers=answerers, ks=ks, min_overlap=args.min_overlap,
                            retrieval=RetrievalSettings(since=args.since, until=args.until), extractive=extractive, llm=llm)
    out = args.out or Path("eval/out") / datetime.now().strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    started, t0 = datetime.now().isoformat(timespec="seconds"), time.perf_counter()

    bars = not args.quiet and sys.stderr.isatty()  # tqdm redraws would flood a log file
    index = open_index(args.index, requested_embedder(args), progress=progress_option(args.quiet),
                       collection=args.collection)
    label = args.corpus_name or args.qa_file.stem
    indexes = [(label, index)]
    if args.distractors is not None:
        from ..evaluation.distractors import distractor_index
        from ..index import Index

        n = args.n if args.n is not None else 1000
        base = [Path(p) for p in index.manifest.sources] or [default_seeds()]
        folder, skipped = distractor_index(args.distractors, n, index.manifest.embedder, base,
                                           progress=bars, exclude=asked_about)
        indexes.append((f"{label}+{n}", Index.open(folder)))
        notes.append(f"distractor index `{folder}`: {', '.join(map(str, base))} plus {n} other articles of "
                     f"`{args.distractors}` sampled with a fixed seed" + (f"; {len(skipped)} files skipped" if skipped else ""))
    runs = []
    for corpus, idx in indexes:
        runs += evaluate(idx, rows, settings, corpus=corpus, progress=bars)
    missing = unreachable_evidence(index, rows, settings.min_overlap)
    if missing:
        notes.append(f"{len(missing)} answerable questions have evidence that no indexed passage of their source "
                     f"file contains or overlaps by {settings.min_overlap:.0%} (e.g. text kept out of passages), "
                     f"so no retriever can find it: {', '.join(missing)}")
    data = _metrics(args, rows, problems, settings, runs, indexes, notes, started, time.perf_counter() - t0)
    _write(out, data, runs, settings)
    if args.json:
        print_json(data)
    else:
        _print_summary(data, out)
    failed = _report_failed_answers(runs)
    return 1 if problems or failed else 0


def _check_endpoint(llm) -> None:
    """A dead LLM endpoint fails the run at once, instead of scoring every answer 0 after a long wait."""
    from ..answer.llm_settings import endpoint_status

    ok, _ = endpoint_status(llm, timeout=5.0)
    if not ok:
        raise WorkFailedError(f"the LLM endpoint {llm.base_url} does not answer GET /models; start the model server "
                              "(e.g. scripts/ensure_llama_cpp.sh), fix --llm-base-url / RAG_LLM_BASE_URL, or "
                              "evaluate without it: --answerer extractive")


def _report_failed_answers(runs) -> int:
    """One stderr line per configuration whose answers failed (the metrics count them as wrong); their number."""
    failed = 0
    for run in runs:
        errors = [a.error for a in run.answers if a.error]
        if errors:
            failed += len(errors)
            print(f"rag eval: {run.name}: {len(errors)} of {len(run.answers)} answers failed, scored as wrong "
                  f"(first: {errors[0][:200]})", file=sys.stderr)
    return failed


def _metrics(args, rows, problems, settings, runs, indexes, notes, started, seconds) -> dict:
    from ..evaluation.summary import summarize

    run = {"qa_file": str(args.qa_file), "rows": len(rows), "limit": args.limit,
           "skipped_lines": [str(p) for p in problems], "started": started, "seconds": round(seconds, 1),
           "modes": list(settings.modes), "answerers": list(settings.answerers), "ks": list(settings.ks),
           "min_overlap": settings.min_overlap, "answer_k": settings.retrieval.k,
           "extractive_passages": settings.extractive.passages,
           "abstain_threshold": settings.extractive.abstain_threshold,
           "indexes": [_index_info(corpus, idx) for corpus, idx in indexes]}
    return {"run": run, "notes": notes, **summarize(runs, settings.ks, settings.extractive.abstain_threshold)}


def _write(out: Path, data: dict, runs, settings) -> None:
    from ..evaluation.per_question import write_csv
    from ..evaluation.plots import write_plots
    from ..evaluation.report import render

    (out / "metrics.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_csv(out / "per_question.csv", runs)
    write_plots(out, data, runs, settings.ks, settings.extractive.abstain_threshold)
    (out / "report.md").write_text(render(data), encoding="utf-8")


def _print_summary(data: dict, out: Path) -> None:
    from ..evaluation.report import answer_table, calibration_table, retrieval_table

    print("\n".join(retrieval_table(data)))
    if data["answers"]:
        print()
        print("\n".join(answer_table(data)))
        print()
        print("\n".join(calibration_table(data)))
    for note in data["notes"]:
        print(f"注：{note}")
    print(f"wrote {out}/report.md, metrics.json, per_question.csv and plots")
