"""End-to-end `ask` latency with the extractive answerer on the seed index (eval/qa/seeds.jsonl questions).

python -m bench.ask [--quick] [--out bench/out]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .common import Timer, base_parser, load_note, percentiles, plt, print_table, qa_rows, write_json


def seed_index(out: Path, quick: bool) -> Path:
    from .ingest import in_process, seed_subset

    folder = out / ("seed-index-quick" if quick else "seed-index")
    if not (folder / "manifest.json").exists():
        in_process(seed_subset(quick, out), folder)
    return folder


def main(argv=None) -> dict:
    args = base_parser(__doc__).parse_args(argv)
    from rag.answer.pipeline import ask
    from rag.index.handle import Index

    folder = seed_index(args.out, args.quick)
    with Timer() as t:
        index = Index.open(folder)
        index.embedder.embed_query("热身")  # model load and first call, reported separately
    rows = qa_rows(answerable_only=False)
    if args.quick:
        sources = {f.name for f in index.files()}  # through the backend contract, not the store's rows
        rows = [r for r in rows if r.get("source") in sources][:10]
    totals, retrieve, answer = [], [], []
    print(f"{len(rows)} questions ({load_note()})", file=sys.stderr, flush=True)
    for r in rows:
        t0 = time.perf_counter()
        a = ask(index, r["question"])
        totals.append(time.perf_counter() - t0)
        retrieve.append(a.timings["retrieve"])
        answer.append(a.timings["answer"])
    result = {"questions": len(rows), "index_chunks": index.size, "open_and_warm_s": round(t.seconds, 3),
              "total": percentiles(totals), "retrieve": percentiles(retrieve), "answer": percentiles(answer),
              "load": load_note()}
    print_table("ask latency, extractive (ms)", [{"stage": k, **result[k]} for k in ("retrieve", "answer", "total")],
                ["stage", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "n"])
    path = write_json(args.out, "ask", {"quick": args.quick, **result})
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(6, 3.5))
    ax.hist([x * 1000 for x in totals], bins=30)
    ax.set_xlabel("ask latency (ms), extractive, seed index")
    ax.set_ylabel("questions")
    fig.tight_layout()
    fig.savefig(args.out / "ask.png", dpi=80)
    pyplot.close(fig)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
