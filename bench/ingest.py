"""`rag index` end to end, split by stage, so pipeline overhead is visible next to embedding.

python -m bench.ingest [--quick] [--articles 100] [--out bench/out]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from .common import (
    ROOT,
    SEEDS,
    Timer,
    base_parser,
    corpus_articles,
    corpus_path,
    load_note,
    plt,
    print_table,
    write_json,
)

QUICK_SEED_FILES = 1


def seed_subset(quick: bool, out: Path) -> Path:
    """The seeds folder, or (quick) a folder with the first few seed files."""
    if not quick:
        return SEEDS
    folder = out / "cache" / "seeds-quick"
    if not folder.exists():
        folder.mkdir(parents=True)
        for f in sorted(SEEDS.glob("*.txt"))[:QUICK_SEED_FILES]:
            shutil.copy(f, folder / f.name)
    return folder


def corpus_folder(out: Path, articles: int, corpus: Path | None) -> Path | None:
    path = corpus_path(corpus)
    if path is None:
        return None
    folder = out / "cache" / f"corpus-{articles}"
    if not folder.exists():
        folder.mkdir(parents=True)
        for aid, text in corpus_articles(path, articles):
            (folder / f"{aid}.txt").write_text(text, encoding="utf-8")
    return folder


def in_process(source: Path, index_dir: Path, repeats: int = 1) -> dict:
    """Clean builds alternated with embedding-alone runs of the same chunks; medians of each."""
    from rag.index import build_index

    totals, alone, reports = [], [], []
    for _ in range(repeats):
        if index_dir.exists():
            shutil.rmtree(index_dir)
        with Timer() as t:
            reports.append(build_index(index_dir, [source], rebuild=True, progress=False))
        totals.append(t.seconds)
        alone.append(embed_alone_seconds(index_dir))
    total, embed_alone = float(np.median(totals)), float(np.median(alone))
    report = reports[int(np.argsort(totals)[len(totals) // 2])]
    stages = dict(report.stage_seconds)
    # overhead = what the build costs beyond embedding the same texts with nothing else running; the embed
    # stage itself runs beside BM25, so total - embed stage would understate it
    overhead = total - embed_alone
    return {"chunks": report.chunks, "articles": report.articles, "files": report.files, "repeats": repeats,
            "total_s": round(total, 3), "total_s_all": [round(x, 3) for x in totals], "stages_s": stages,
            "embed_s": round(embed_alone, 3), "embed_alone_s_all": [round(x, 3) for x in alone],
            "overhead_s": round(overhead, 3), "overhead_share": round(max(0.0, overhead) / total, 4),
            "chunks_per_s_end_to_end": round(report.chunks / total, 3)}


def embed_alone_seconds(index_dir: Path) -> float:
    """Wall time of the default embedder on the index's chunk texts alone (a fresh embedder, as a build makes)."""
    from rag.embedders import make_embedder
    from rag.index.handle import Index

    index = Index.open(index_dir)
    texts = [c.embed_text() for _, c in sorted(index.chunks_by_rows(list(range(index.size))).items())]
    index.close()
    embedder = make_embedder("e5")
    with Timer() as t:
        embedder.embed_passages(texts)
    return t.seconds


def cli(source: Path, index_dir: Path, embed_alone: float) -> dict:
    """`python -m rag index` in a fresh process: interpreter start, imports, jieba's dictionary all included;
    overhead against `embed_alone`, the embedder's own time on the same chunks."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    with Timer() as t:
        proc = subprocess.run([sys.executable, "-m", "rag", "index", str(source), "--index", str(index_dir), "--quiet"],
                              capture_output=True, text=True, cwd=str(ROOT), env=dict(os.environ))
    if proc.returncode != 0:
        return {"error": proc.stderr[-500:]}
    stages = {k: float(v) for k, v in re.findall(r"([\w+/-]+) ([\d.]+)s", proc.stdout.split("stages:")[-1])}
    return {"wall_s": round(t.seconds, 3), "stages_s": stages, "embed_s": round(embed_alone, 3),
            "overhead_s": round(t.seconds - embed_alone, 3),
            "overhead_share": round(max(0.0, t.seconds - embed_alone) / t.seconds, 4)}


def main(argv=None) -> dict:
    p = base_parser(__doc__)
    p.add_argument("--articles", type=int, default=100, help="corpus articles for the corpus build")
    p.add_argument("--repeats", type=int, default=None, help="builds per run, medians reported (default 3; quick 1)")
    args = p.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 3)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    runs = {}
    seeds = seed_subset(args.quick, out)
    print(f"seeds build ({load_note()})", file=sys.stderr, flush=True)
    runs["seeds"] = in_process(seeds, out / ("seed-index-quick" if args.quick else "seed-index"), args.repeats)
    if not args.quick:
        print(f"seeds build via CLI ({load_note()})", file=sys.stderr, flush=True)
        runs["seeds_cli"] = cli(seeds, out / "cache" / "seed-index-cli", runs["seeds"]["embed_s"])
        folder = corpus_folder(out, args.articles, args.corpus)
        if folder is not None:
            print(f"corpus build ({load_note()})", file=sys.stderr, flush=True)
            runs[f"corpus_{args.articles}_articles"] = in_process(folder, out / "cache" / "corpus-index", args.repeats)
    rows = []
    for name, r in runs.items():
        row = {"run": name, "chunks": r.get("chunks"), "total_s": r.get("total_s", r.get("wall_s")),
               "embed_alone_s": r.get("embed_s"), "overhead_s": r.get("overhead_s"), "overhead_%": None}
        if r.get("overhead_share") is not None:
            row["overhead_%"] = round(100 * r["overhead_share"], 1)
        row.update({k: v for k, v in r.get("stages_s", {}).items()})
        rows.append(row)
    cols = ["run", "chunks", "total_s", "embed_alone_s", "overhead_s", "overhead_%"]
    stage_cols = sorted({k for r in runs.values() for k in r.get("stages_s", {})})
    print_table("rag index by stage (s)", rows, cols + stage_cols)
    path = write_json(out, "ingest", {"quick": args.quick, "runs": runs, "load": load_note()})
    _plot(runs, out)
    print(f"wrote {path}")
    return {"runs": runs}


def _plot(runs: dict, out: Path) -> None:
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(8, 0.8 * len(runs) + 1.5))
    names = list(runs)
    parts = ["load+segment+chunk", "embed/model-load", "embed", "bm25", "faiss", "save", "other"]
    left = [0.0] * len(names)
    for part in parts:
        widths = []
        for n in names:
            st = runs[n].get("stages_s", {})
            if part == "embed":
                w = st.get("embed", 0) - st.get("embed/model-load", 0)
            elif part == "other":
                total = runs[n].get("total_s", runs[n].get("wall_s", 0)) or 0
                w = max(0.0, total - sum(v for k, v in st.items() if "/" not in k))
            else:
                w = st.get(part, 0)
            widths.append(w)
        ax.barh(names, widths, left=left, label=part)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_xlabel("seconds (wall)")
    ax.set_title("rag index: time by stage ('other' = start-up, imports, locks)")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "ingest.png", dpi=80)
    pyplot.close(fig)


if __name__ == "__main__":
    main()
