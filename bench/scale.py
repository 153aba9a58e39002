"""Search at scale: build time, size on disk, RSS, load time, query latency (bm25, dense exact/approximate,
hybrid) and approximate recall@10 for indexes of 10^3 ... 10^6 chunks.

Text: real corpus chunks cut by rag's own ingest; beyond the real chunks available (--real-chunks) the chunks are
replicated with a suffix (" #r" in the text, token "dupr" in the BM25 tokens) to reach the size. Vectors:
synthetic e5-like unit vectors (each a noisy mix of two of --n-base real e5 passage vectors of corpus chunks, or
of the vectors given by --base-vectors), since embedding 10^5+ chunks takes hours; query vectors are the real e5
embeddings of the seed QA questions (for recall and the bm25/dense/hybrid columns); "hybrid+embed" is the full
search path from the question text, the real e5 query embedding included.

python -m bench.scale [--quick] [--sizes 1000,10000,100000,1000000] [--base-vectors V.npy] [--out bench/out]
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .common import (
    Timer,
    base_parser,
    corpus_chunks,
    corpus_path,
    folder_mb,
    load_note,
    percentiles,
    plt,
    print_table,
    qa_rows,
    rss_mb,
    write_json,
)

KINDS = ("flat", "hnsw", "hnsw-sq8")


def synthetic_vectors(base: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    step = 65536
    for s in range(0, n, step):
        m = min(step, n - s)
        i = rng.integers(0, len(base), m)
        j = rng.integers(0, len(base), m)
        a = rng.uniform(0.5, 1.0, (m, 1)).astype(np.float32)
        v = a * base[i] + (1 - a) * base[j] + rng.normal(0, 0.02, (m, base.shape[1])).astype(np.float32)
        out[s:s + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def prepare(args, out: Path, quick: bool):
    """Real chunks + their BM25 tokens, base e5 vectors, question vectors and query-embedding times (cached)."""
    from rag.embedders.e5 import E5Embedder
    from rag.tokenize import tokenize

    cache = out / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    tag = "quick" if quick else f"r{args.real_chunks}"
    chunk_file = cache / f"scale-chunks-{tag}.jsonl"
    if not chunk_file.exists():
        chunks = corpus_chunks(corpus_path(args.corpus), limit_articles=max(50, args.real_chunks // 3 + 50))
        chunks = chunks[: args.real_chunks]
        with Timer() as t:
            tokens = [tokenize(c.embed_text()) for c in chunks]
        print(f"tokenized {len(chunks)} real chunks in {t.seconds:.1f}s", file=sys.stderr)
        with chunk_file.open("w", encoding="utf-8") as fh:
            for c, tok in zip(chunks, tokens):
                fh.write(json.dumps({"chunk": c.to_dict(), "tokens": tok}, ensure_ascii=False) + "\n")
    from rag.models import Chunk

    rows = [json.loads(line) for line in chunk_file.read_text(encoding="utf-8").splitlines()]
    chunks = [Chunk(**{**r["chunk"], "spans": tuple(tuple(s) for s in r["chunk"]["spans"])}) for r in rows]
    tokens = [r["tokens"] for r in rows]
    emb = E5Embedder()
    n_base_tag = "" if quick else f"-b{args.n_base}"
    base_file = (Path(args.base_vectors) if getattr(args, "base_vectors", None)
                 else cache / f"scale-base-{tag}{n_base_tag}.npy")
    if not base_file.exists():
        n_base = 16 if quick else args.n_base
        step = max(1, len(chunks) // n_base)
        np.save(base_file, emb.embed_passages([chunks[i].embed_text() for i in range(0, len(chunks), step)][:n_base]))
    base = np.load(base_file)
    questions = [r["question"] for r in qa_rows()][: (20 if quick else 100)]
    emb.embed_query(questions[0])
    qvecs, qtimes, qcpu = [], [], []
    for q in questions:
        t0, c0 = time.perf_counter(), time.process_time()
        qvecs.append(emb.embed_query(q))
        qtimes.append(time.perf_counter() - t0)
        qcpu.append(time.process_time() - c0)
    print(f"query embedding CPU time: {percentiles(qcpu)}", file=sys.stderr)
    prepare.cpu = percentiles(qcpu)
    return chunks, tokens, base, questions, np.stack(qvecs), qtimes


def build_folder(folder: Path, chunks, tokens, vectors: np.ndarray, kinds) -> dict:
    """An index folder in rag's own format, stage by stage with rag's own modules."""
    from rag.index import dense, sparse, store
    from rag.index.manifest import Manifest

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    n = len(vectors)
    times, sizes = {}, {}
    with Timer() as t:
        bm25 = sparse.build(tokens)
        sparse.save(bm25, folder / "bm25")
    del bm25
    times["bm25"] = t.seconds
    sizes["bm25"] = folder_mb(folder / "bm25")
    for kind in kinds:
        with Timer() as t:
            index = dense.build(vectors, kind)
            dense.save(index, folder / f"dense-{kind}.faiss")
        del index
        times[f"faiss_{kind}"] = t.seconds
        sizes[f"faiss_{kind}"] = folder_mb(folder / f"dense-{kind}.faiss")
    with Timer() as t:
        np.save(folder / "vectors.npy", vectors, allow_pickle=False)
        conn = store.create(folder / "store.sqlite")
        with conn:
            for row, (chunk, tok) in enumerate(zip(chunks, tokens)):
                store.write_chunk(conn, row, chunk, "", tok)
        conn.close()
        Manifest(embedder="e5", dimension=vectors.shape[1], chunk_size=300, chunk_overlap=60, chunk_max_size=450,
                 dense_kind=kinds[0], files=1, articles=n, chunks=n, built_at="bench",
                 build_seconds=0.0).write(folder)
    times["save_store+vectors"] = t.seconds
    sizes["store.sqlite"] = folder_mb(folder / "store.sqlite")
    sizes["vectors.npy"] = folder_mb(folder / "vectors.npy")
    return {"build_s": {k: round(v, 3) for k, v in times.items()}, "disk_mb": {k: round(v, 2) for k, v in sizes.items()}}


def replicate(chunks, tokens, n: int):
    """n chunks: the real ones, then copies with a suffix so every text (and chunk id) is distinct."""
    from dataclasses import replace

    out_c, out_t = list(chunks[:n]), list(tokens[:n])
    r = 1
    while len(out_c) < n:
        for c, tok in zip(chunks, tokens):
            if len(out_c) >= n:
                break
            out_c.append(replace(c, id=f"{c.id}-{r}", article_id=f"{c.article_id}-{r}", text=f"{c.text} #{r}"))
            out_t.append(tok + [f"dup{r}"])
        r += 1
    return out_c, out_t


def child(folder: Path, kind: str, qfile: Path) -> dict:
    """In a fresh process: open the index, RSS delta, latencies, the dense search's chunk ids for recall; every
    lookup goes through the backend contract (chunk ids out, no row numbers or FAISS calls of the folder)."""
    from rag.index.handle import Index
    from rag.retrieval.search import run_search
    from rag.retrieval.settings import RetrievalSettings

    data = json.loads(qfile.read_text(encoding="utf-8"))
    questions, qvecs = data["questions"], np.asarray(data["vectors"], dtype=np.float32)
    link = folder / "dense.faiss"
    if link.exists() or link.is_symlink():
        link.unlink()
    link.symlink_to(f"dense-{kind}.faiss")
    import bm25s  # noqa: F401
    import faiss  # noqa: F401  imported before the baseline so the library itself is not counted

    rss0 = rss_mb()
    with Timer() as t:
        index = Index.open(folder)
        index.files()  # a first read of the store, as the page's file list does
    load_s = t.seconds
    rss1 = rss_mb()

    class _NoEmbed:  # query vectors are given; embedding time is measured by the parent
        name, dimension = "e5", qvecs.shape[1]

        def embed_query(self, text):
            raise AssertionError("not used")

    index._embedder = _NoEmbed()
    res = {"load_s": round(load_s, 3), "rss_delta_mb": round(rss1 - rss0, 1)}
    dense_ids = []
    for mode in ("bm25", "dense", "hybrid"):
        settings = RetrievalSettings(mode=mode, k=10)
        times = []
        for rep in range(2):
            for q, v in zip(questions, qvecs):
                t0 = time.perf_counter()
                run_search(index, q, settings, query_vector=v)
                if rep:
                    times.append(time.perf_counter() - t0)
        res[mode] = percentiles(times)
        res[mode]["samples_ms"] = [round(x * 1000, 3) for x in times]
    times = []
    searchable = index.searchable()
    for v in qvecs:  # the backend's dense search alone (the ANN index), for recall and raw speed
        t0 = time.perf_counter()
        _, keys = searchable.dense_candidates(v, 10, None)
        times.append(time.perf_counter() - t0)
        found = searchable.chunks_by_keys(keys)
        dense_ids.append([found[key].id for key in keys])
    res["ann_only"] = percentiles(times)
    res["ids"] = dense_ids
    res["rss_after_queries_mb"] = round(rss_mb() - rss0, 1)
    # the real path: the question text in, the real e5 query embedding (beside BM25) included
    from rag.embedders.e5 import E5Embedder

    index._embedder = E5Embedder()
    index._embedder.embed_query(questions[0])
    settings = RetrievalSettings(mode="hybrid", k=10)
    times = []
    for rep in range(2):
        for q in questions:
            t0 = time.perf_counter()
            run_search(index, q, settings)
            if rep:
                times.append(time.perf_counter() - t0)
    res["hybrid+embed"] = percentiles(times)
    return res


def main(argv=None) -> dict:
    p = base_parser(__doc__)
    p.add_argument("--sizes", default=None, help="comma-separated chunk counts")
    p.add_argument("--real-chunks", type=int, default=20000, help="real corpus chunks before replication")
    p.add_argument("--keep", action="store_true", help="keep the index folders")
    p.add_argument("--base-vectors", default=None,
                   help="real e5 passage vectors (.npy, e.g. an index's vectors.npy) to mix synthetic vectors from; "
                        "more base vectors mean fewer artificial near-ties (default: --n-base corpus chunks embedded now)")
    p.add_argument("--n-base", type=int, default=2000,
                   help="real corpus chunks embedded now as the base of the synthetic vectors (default 2000)")
    p.add_argument("--kinds", default=",".join(KINDS), help="dense index kinds to build (default all)")
    p.add_argument("--name", default="scale", help="output name (NAME.json, NAME.png)")
    p.add_argument("--child", nargs=3, metavar=("FOLDER", "KIND", "QFILE"), help=argparse_suppress())
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1], Path(args.child[2]))))
        return {}
    quick = args.quick
    if quick:
        args.real_chunks = 600
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([1000, 2000] if quick else
                                                                         [1000, 10000, 100000, 1000000])
    out = args.out
    work = out / "scale-indexes"
    chunks, tokens, base, questions, qvecs, qtimes = prepare(args, out, quick)
    embed = percentiles(qtimes)
    embed["cpu"] = getattr(prepare, "cpu", None)
    print(f"query embedding (e5, real): {embed}", file=sys.stderr)
    qfile = out / "cache" / "scale-queries.json"
    qfile.write_text(json.dumps({"questions": questions, "vectors": qvecs.tolist()}), encoding="utf-8")
    results = []
    json_name = args.name
    for n in sizes:
        print(f"== {n} chunks ({load_note()})", file=sys.stderr, flush=True)
        c_n, t_n = replicate(chunks, tokens, n)
        vectors = synthetic_vectors(base, n, seed=n)
        kinds = [k for k in args.kinds.split(",") if k]
        folder = work / f"n{n}"
        built = build_folder(folder, c_n, t_n, vectors, kinds)
        exact = [[c_n[i].id for i in top] for top in np.argsort(-(qvecs @ vectors.T), axis=1)[:, :10]]
        del vectors, c_n, t_n
        row = {"chunks": n, "real_chunks": min(n, len(chunks)), **built, "kinds": {}}
        for kind in kinds:
            proc = subprocess.run([sys.executable, "-m", "bench.scale", "--child", str(folder), kind, str(qfile)],
                                  capture_output=True, text=True, cwd=str(Path(__file__).resolve().parents[1]))
            if proc.returncode != 0:
                row["kinds"][kind] = {"error": proc.stderr[-800:]}
                continue
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            ids = res.pop("ids")  # recall by chunk id, as the contract addresses chunks
            res["recall@10"] = round(float(np.mean([len(set(r) & set(e)) / 10 for r, e in zip(ids, exact)])), 4)
            for m in ("bm25", "dense", "hybrid"):
                res[m].pop("samples_ms", None)
            res["bytes_per_chunk_disk"] = round((built["disk_mb"][f"faiss_{kind}"] + built["disk_mb"]["bm25"]
                                                 + built["disk_mb"]["store.sqlite"]) * 2**20 / n, 1)
            res["rss_bytes_per_chunk"] = round(res["rss_delta_mb"] * 2**20 / n, 1)
            row["kinds"][kind] = res
        results.append(row)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        write_json(out, json_name, {"quick": quick, "query_embedding": embed, "results": results,
                                    "note": __doc__.split("\n\n")[1]})
    table = []
    for r in results:
        for kind, res in r["kinds"].items():
            if "error" in res:
                table.append({"chunks": r["chunks"], "dense": kind, "error": res["error"][-120:]})
                continue
            table.append({"chunks": r["chunks"], "dense": kind, "build_s": round(sum(v for k, v in r["build_s"].items()
                                                                                     if not k.startswith("faiss") or k == f"faiss_{kind}"), 1),
                          "disk_mb": round(sum(v for k, v in r["disk_mb"].items()
                                               if not k.startswith("faiss") or k == f"faiss_{kind}"), 1),
                          "rss_mb": res["rss_delta_mb"], "load_s": res["load_s"],
                          "bm25_p95": res["bm25"]["p95_ms"], "dense_p95": res["dense"]["p95_ms"],
                          "hybrid_p95": res["hybrid"]["p95_ms"], "hybrid+embed_p95": res["hybrid+embed"]["p95_ms"],
                          "hybrid+embed_p99": res["hybrid+embed"]["p99_ms"], "recall@10": res["recall@10"]})
    print_table("search at scale (ms)", table, ["chunks", "dense", "build_s", "disk_mb", "rss_mb", "load_s", "bm25_p95",
                                               "dense_p95", "hybrid_p95", "hybrid+embed_p95", "hybrid+embed_p99",
                                               "recall@10", "error"])
    print(f"query embedding: {embed}")
    path = write_json(out, json_name, {"quick": quick, "query_embedding": embed, "results": results, "table": table,
                                       "note": __doc__.split("\n\n")[1]})
    _plot(table, out, json_name)
    print(f"wrote {path}")
    return {"results": results, "table": table}


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def _plot(table, out: Path, name: str = "scale") -> None:
    pyplot = plt()
    ok = [r for r in table if "error" not in r]
    fig, axes = pyplot.subplots(1, 3, figsize=(15, 4))
    for kind in KINDS:
        rows = [r for r in ok if r["dense"] == kind]
        if not rows:
            continue
        x = [r["chunks"] for r in rows]
        axes[0].plot(x, [r["hybrid+embed_p95"] for r in rows], "o-", label=f"hybrid+embed p95 ({kind})")
        axes[0].plot(x, [r["dense_p95"] for r in rows], "x--", label=f"dense p95 ({kind})")
        axes[1].plot(x, [r["rss_mb"] for r in rows], "o-", label=f"RSS after load ({kind})")
        axes[1].plot(x, [r["disk_mb"] for r in rows], "x--", label=f"disk ({kind})")
        axes[2].plot(x, [r["load_s"] for r in rows], "o-", label=f"load ({kind})")
    bm = [r for r in ok if r["dense"] == "flat"]
    axes[0].plot([r["chunks"] for r in bm], [r["bm25_p95"] for r in bm], "s:", label="bm25 p95")
    axes[0].axhline(50, color="red", lw=0.8, ls="--")
    axes[0].axhline(150, color="red", lw=0.8, ls=":")
    for ax, title, unit in zip(axes, ("query latency", "memory / disk", "index load"), ("ms", "MB", "s")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("chunks")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / f"{name}.png", dpi=80)
    pyplot.close(fig)


if __name__ == "__main__":
    main()
