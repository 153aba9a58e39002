"""The `--quick` benchmark run: every benchmark writes its JSON (with the expected keys) and its plot.

Checks the output's shape, never the times (the machine is shared). Slow: it embeds a few dozen chunks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_benchmarks_write_json_and_plots(tmp_path):
    out = tmp_path / "bench"
    proc = subprocess.run([sys.executable, "-m", "bench.run_all", "--quick", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in ("embedders", "ingest", "scale", "ask", "langchain_baseline"):
        assert (out / f"{name}.json").is_file(), name
        assert (out / f"{name}.png").stat().st_size > 1000, name
    data = {n: json.loads((out / f"{n}.json").read_text(encoding="utf-8"))
            for n in ("embedders", "ingest", "scale", "ask", "langchain_baseline", "run_all")}
    for d in data.values():
        assert {"benchmark", "machine", "quick"} <= set(d) and d["quick"] is True
        assert d["machine"]["cpus"] >= 1

    emb = data["embedders"]
    assert emb["results"] and all({"config", "dataset", "engine", "threads", "workers", "batch"} <= set(r)
                                  for r in emb["results"])
    assert any(r.get("chunks_per_s", 0) > 0 and r.get("tokens_per_s", 0) > 0 for r in emb["results"])
    assert {"mean_tokens_embed_text", "mean_tokens_body_only", "title_share"} <= set(emb["title_prefix"])
    assert emb["quality"]["min_cosine_native_vs_bundled"] > 0.999

    runs = data["ingest"]["runs"]
    stages = runs["seeds"]["stages_s"]
    assert {"load+segment+chunk", "embed", "bm25", "faiss", "save"} <= set(stages)
    assert 0 <= runs["seeds"]["overhead_share"] <= 1 and runs["seeds"]["chunks"] > 0

    sc = data["scale"]
    assert [r["chunks"] for r in sc["results"]] == [1000, 2000]
    for r in sc["results"]:
        assert {"build_s", "disk_mb", "kinds"} <= set(r)
        assert {"flat", "hnsw", "hnsw-sq8"} <= set(r["kinds"])
        for res in r["kinds"].values():
            assert {"load_s", "rss_delta_mb", "bm25", "dense", "hybrid", "hybrid+embed", "recall@10"} <= set(res)
            assert {"p50_ms", "p95_ms", "p99_ms"} <= set(res["hybrid+embed"])
        assert r["kinds"]["flat"]["recall@10"] == 1.0
    assert {"p50_ms", "p95_ms"} <= set(sc["query_embedding"])

    a = data["ask"]
    assert a["questions"] > 0 and {"p50_ms", "p95_ms", "p99_ms"} <= set(a["total"])

    lc = data["langchain_baseline"]
    assert {"index_ours_s", "index_theirs_s", "hit@5_ours", "hit@5_theirs", "query_ours", "query_theirs"} \
        <= set(lc["seeds"])
    assert lc["scale"]["chunks"] == 2000 and lc["scale"]["query_p50_ratio_ours_over_theirs"] > 0
