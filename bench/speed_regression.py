"""Speed against a baseline commit, in one run: `rag ask` latency on the seed index and hybrid search at 10^5 chunks.

    python -m bench.speed_regression [--baseline 5e6a8a7] [--rounds 2] [--size 100000] [--out bench/out/regression]

The baseline commit is checked out into a git worktree beside the current tree; `bench.ask` and `bench.scale
--sizes N --kinds hnsw` then run alternately in each tree (baseline, current, baseline, current …), so both see
the same machine load. Prints each round's figures (the index build at that size, hybrid p50/p95, hybrid with the
query embedding) and the ratio current/baseline of the median over rounds; the bar is a ratio within 1.10. 5e6a8a7 is the last commit before the quality work of issue 12 (RRF fusion, the
earlier extractive answerer).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "crud-news-part1-4.jsonl.xz"


def worktree(commit: str, out: Path) -> Path:
    """A checkout of the baseline commit (reused when it already exists at that commit)."""
    folder = out / f"baseline-{commit}"
    if (folder / "rag").is_dir():
        return folder
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(folder), commit], check=True,
                   stdout=subprocess.DEVNULL)
    return folder


def run_bench(tree: Path, args: list[str], out: Path, name: str) -> dict:
    """Run `python -m bench.<args>` with `tree` first on the import path; return the JSON it writes."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(tree)}
    if CORPUS.is_file():  # the same real chunks for both trees (a worktree has no ../shared beside it)
        env["RAG_BENCH_CORPUS"] = str(CORPUS)
    subprocess.run([sys.executable, "-m", *args, "--out", str(out)], cwd=tree, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


def ask_figures(data: dict) -> dict[str, float]:
    return {"ask p50": data["total"]["p50_ms"], "ask p95": data["total"]["p95_ms"]}


def scale_figures(data: dict) -> dict[str, float]:
    """Build time and hybrid latency of the HNSW index (`bench.scale` reports build in seconds: kept as ms)."""
    row = next(r for r in data["table"] if r.get("dense") == "hnsw")
    hybrid = next(r["kinds"]["hnsw"]["hybrid"] for r in data["results"] if "hnsw" in r["kinds"])
    return {"build @size": row["build_s"] * 1000, "hybrid p50 @size": hybrid["p50_ms"],
            "hybrid p95 @size": row["hybrid_p95"], "hybrid+embed p95 @size": row["hybrid+embed_p95"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="5e6a8a7", help="commit to compare against (default 5e6a8a7)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per tree (default 2)")
    parser.add_argument("--size", type=int, default=100_000, help="chunks for the scale bench (default 10^5)")
    parser.add_argument("--skip-scale", action="store_true", help="only the ask latency")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "regression")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    trees = {"baseline": worktree(args.baseline, out), "current": ROOT}
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    for r in range(args.rounds):
        for name, tree in trees.items():
            got = ask_figures(run_bench(tree, ["bench.ask"], out / name, "ask"))
            if not args.skip_scale:
                scale = run_bench(tree, ["bench.scale", "--sizes", str(args.size), "--kinds", "hnsw"], out / name, "scale")
                got |= scale_figures(scale)
                got["real chunks"] = scale["results"][0]["real_chunks"]
            for key, value in got.items():
                figures[name].setdefault(key, []).append(value)
            print(f"round {r + 1} {name:8s} " + "  ".join(f"{k} {v:.1f}" for k, v in got.items()), flush=True)
    if set(figures["baseline"].pop("real chunks", [])) != set(figures["current"].pop("real chunks", [])):
        print("the two trees' scale benches used different real chunks: the build figures are not comparable")
    print(f"\n| figure (median of {args.rounds} rounds) | baseline {args.baseline} | current | ratio |")
    print("|---|---|---|---|")
    result = {}
    for key in figures["current"]:
        base, cur = statistics.median(figures["baseline"][key]), statistics.median(figures["current"][key])
        result[key] = {"baseline_ms": base, "current_ms": cur, "ratio": round(cur / base, 3)}
        print(f"| {key} | {base:.1f} ms | {cur:.1f} ms | {cur / base:.2f} |")
    (out / "regression.json").write_text(json.dumps({"baseline": args.baseline, "rounds": args.rounds,
                                                     "figures": figures, "result": result}, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
