"""Shared helpers: corpus chunks, the seed QA set and its relevance rule, timing, memory, output files."""

from __future__ import annotations

import argparse
import json
import lzma
import os
import platform
import re
import subprocess
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
QA_FILE = ROOT / "eval" / "qa" / "seeds.jsonl"
DEFAULT_OUT = ROOT / "bench" / "out"
CORPUS_CANDIDATES = [ROOT.parent / "shared" / "corpora" / "crud-news-part1-4.jsonl.xz",
                     ROOT / "shared" / "corpora" / "crud-news-part1-4.jsonl.xz"]
_WS = re.compile(r"\s+")


def base_parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default bench/out/)")
    p.add_argument("--quick", action="store_true", help="small sizes, finishes in well under two minutes")
    p.add_argument("--corpus", type=Path, default=None,
                   help="JSON-lines .xz corpus (default ../shared/corpora/crud-news-part1-4.jsonl.xz; "
                        "$RAG_BENCH_CORPUS)")
    return p


def corpus_path(given: Path | None = None) -> Path | None:
    for cand in [given, Path(os.environ["RAG_BENCH_CORPUS"]) if os.environ.get("RAG_BENCH_CORPUS") else None,
                 *CORPUS_CANDIDATES]:
        if cand is not None and Path(cand).exists():
            return Path(cand)
    return None


def corpus_articles(path: Path, limit: int | None = None):
    """(id, text) of each corpus article."""
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                return
            row = json.loads(line)
            if row.get("text"):
                yield str(row["id"]), row["text"]


def corpus_chunks(path: Path | None, limit_articles: int | None = None):
    """Chunks of corpus articles through rag's own ingest (one article per source); seeds if no corpus."""
    from rag.ingest import ingest_paths, ingest_source
    from rag.loading import SourceText

    if path is None:
        docs, _ = ingest_paths([SEEDS])
        return [c for d in docs for c in d.chunks]
    chunks = []
    for aid, text in corpus_articles(path, limit_articles):
        src = SourceText(Path(f"{aid}.txt"), f"{aid}.txt", text, "utf-8", "")
        try:
            chunks.extend(ingest_source(src).chunks)
        except Exception:  # a segmentation failure loses one article, as in `rag index`
            continue
    return chunks


def seed_chunks():
    from rag.ingest import ingest_paths

    docs, _ = ingest_paths([SEEDS])
    return [c for d in docs for c in d.chunks]


def qa_rows(answerable_only: bool = True, limit: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in QA_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    if answerable_only:
        rows = [r for r in rows if r.get("answerable") and r.get("evidence")]
    return rows[:limit] if limit else rows


def squash(text: str) -> str:
    return _WS.sub("", text)


def relevant(text: str, evidence: str) -> bool:
    """The relevance rule: the chunk contains the evidence string once whitespace is removed."""
    return squash(evidence) in squash(text)


def hit_at(texts_per_question: list[list[str]], rows: list[dict], k: int = 5) -> float:
    hits = [any(relevant(t, r["evidence"]) for t in texts[:k]) for texts, r in zip(texts_per_question, rows)]
    return round(sum(hits) / len(hits), 4) if hits else float("nan")


def percentiles(samples_s: list[float]) -> dict:
    """p50/p95/p99/mean in milliseconds."""
    a = np.asarray(samples_s, dtype=np.float64) * 1000.0
    if not len(a):
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None, "n": 0}
    return {"p50_ms": round(float(np.percentile(a, 50)), 3), "p95_ms": round(float(np.percentile(a, 95)), 3),
            "p99_ms": round(float(np.percentile(a, 99)), 3), "mean_ms": round(float(a.mean()), 3), "n": len(a)}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def folder_mb(path: Path) -> float:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        self.cpu_seconds = time.process_time() - self.c0


def machine() -> dict:
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
    except Exception:
        pass
    try:
        import psutil

        info["ram_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
        info["load_avg_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except Exception:
        pass
    return info


def write_json(out: Path, name: str, data: dict) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    data = {"benchmark": name, "machine": machine(), "created": time.strftime("%Y-%m-%dT%H:%M:%S"), **data}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=_jsonable), encoding="utf-8")
    return path


def write_study(out: Path | None, name: str, lines: list[str], table: dict) -> None:
    """Print a study's markdown table and, with an output folder, keep it as NAME.md and NAME.json."""
    print("\n".join(lines))
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (out / f"{name}.json").write_text(json.dumps(table, ensure_ascii=False, indent=1), encoding="utf-8")


def _jsonable(obj):
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(type(obj))


def print_table(title: str, rows: list[dict], columns: list[str]) -> None:
    print(f"\n## {title}")
    widths = [max(len(c), *(len(_fmt(r.get(c))) for r in rows)) if rows else len(c) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for r in rows:
        print("  ".join(_fmt(r.get(c)).ljust(w) for c, w in zip(columns, widths)))


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e5 else f"{v:.0f}"
    return str(v)


def plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def load_note() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return ""
