"""Both index backends in one run: build and search time at 10^3 and 10^4 chunks, local folder vs Milvus Lite,
and Milvus HNSW recall@10 against exact search.

Chunks, BM25 tokens and e5 vectors come from an existing local index (--from; default the 1,000-article
distractor index `rag eval --distractors` leaves in the cache, else ./.rag-index); beyond its chunks they are
replicated (bench.scale.replicate) with synthetic e5-like vectors mixed from its real ones (bench.scale), since
embedding is the same cost on both backends and not what is compared. Build time is from chunks + vectors to a
searchable index (local: bm25s + FAISS flat + SQLite; Milvus: collections, inserts, BM25 function, HNSW). Search
runs the project's search path (rag.retrieval.search.run_search) with real e5 query vectors of the seed QA
questions; "milvus native hybrid" is one `hybrid_search` call with Milvus's RRFRanker (k=60).

python -m bench.milvus [--quick] [--sizes 1000,10000] [--questions 20] [--from INDEX_FOLDER] [--out bench/out]
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import numpy as np

from .common import Timer, base_parser, folder_mb, load_note, percentiles, print_table, qa_rows, write_json
from .scale import build_folder, replicate, synthetic_vectors

MODES = ("bm25", "dense", "hybrid")


def source_index(given: Path | None) -> Path:
    from rag.settings import cache_root

    candidates = [given] if given else sorted(cache_root().glob("distractor-index-1000-e5-*")) + [Path(".rag-index")]
    for folder in candidates:
        if folder and (Path(folder) / "manifest.json").exists():
            return Path(folder)
    raise SystemExit("no local index to take chunks and vectors from; give --from INDEX_FOLDER")


def read_index(folder: Path):
    """Chunks, BM25 tokens and vectors of a local index, in row order."""
    from rag.index import store

    conn = sqlite3.connect(f"file:{folder / 'store.sqlite'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    rows = list(conn.execute("SELECT * FROM chunks ORDER BY row"))
    conn.close()
    chunks = [store.chunk_from_row(r) for r in rows]
    tokens = [r["tokens"].split("\t") if r["tokens"] else [] for r in rows]
    return chunks, tokens, np.load(folder / "vectors.npy")


def vectors_for(real: np.ndarray, n: int) -> np.ndarray:
    """The real vectors first, then synthetic ones mixed from them."""
    if n <= len(real):
        return np.ascontiguousarray(real[:n], dtype=np.float32)
    return np.concatenate([real, synthetic_vectors(real, n - len(real), seed=n)]).astype(np.float32)


def local_build(folder: Path, chunks, tokens, vectors) -> float:
    built = build_folder(folder, chunks, tokens, vectors, ["flat"])
    (folder / "dense-flat.faiss").rename(folder / "dense.faiss")
    return round(sum(built["build_s"].values()), 3)


def milvus_build(location, chunks, vectors) -> float:
    from rag.index.backends.base import FileChunks
    from rag.index.backends.milvus import MilvusIndex
    from rag.index.manifest import Manifest
    from rag.index.store import FileRecord

    n = len(chunks)
    manifest = Manifest(embedder="e5", dimension=vectors.shape[1], chunk_size=300, chunk_overlap=60,
                        chunk_max_size=450, dense_kind="milvus-hnsw", files=1, articles=n, chunks=n,
                        built_at="bench", build_seconds=0.0, extra={"has_dates": False})
    with Timer() as t:
        index = MilvusIndex.create(location, manifest)
        record = FileRecord("bench", "bench", "bench", "", "utf-8", n, n, "bench")
        index.put_file(FileChunks(record, [], list(chunks), vectors, [""] * n, [-1] * n))
        index.client.flush(index.collection)
        index.count_chunks()  # the first read waits for the inserts to be searchable
    index.close()
    return round(t.seconds, 3)


def time_searches(index, questions, qvecs, settings) -> dict:
    from dataclasses import replace

    from rag.retrieval.search import run_search

    out = {}
    for mode in MODES:
        samples = []
        run_search(index, questions[0], replace(settings, mode=mode), query_vector=qvecs[0])  # warm
        for q, v in zip(questions, qvecs):
            with Timer() as t:
                run_search(index, q, replace(settings, mode=mode), query_vector=v)
            samples.append(t.seconds)
        out[mode] = percentiles(samples)
    return out


def native_hybrid(index, questions, qvecs, depth: int = 50, k: int = 5) -> dict:
    """One hybrid_search call per question, Milvus's own RRF (k=60) on the server side."""
    from pymilvus import AnnSearchRequest, RRFRanker

    samples = []
    for q, v in zip(questions, qvecs):
        with Timer() as t:
            index.client.hybrid_search(index.collection, [
                AnnSearchRequest(data=[q], anns_field="sparse", param={"metric_type": "BM25"}, limit=depth),
                AnnSearchRequest(data=[v.tolist()], anns_field="vector",
                                 param={"metric_type": "IP", "params": {"ef": 128}}, limit=depth)],
                ranker=RRFRanker(60), limit=k, output_fields=["id"])
        samples.append(t.seconds)
    return percentiles(samples)


def hnsw_recall(index, ids: list[str], vectors: np.ndarray, qvecs: np.ndarray, k: int = 10) -> float:
    """Mean share of the exact top k (NumPy over all vectors) that Milvus's HNSW search returns."""
    exact = np.argsort(-(qvecs @ vectors.T), axis=1)[:, :k]
    recalls = []
    for v, want in zip(qvecs, exact):
        _, keys = index.dense_candidates(v, k, None)
        recalls.append(len({ids[i] for i in want} & set(keys)) / k)
    return round(float(np.mean(recalls)), 4)


def main(argv=None) -> dict:
    p = base_parser(__doc__)
    p.add_argument("--sizes", default=None, help="comma-separated chunk counts (default 1000,10000)")
    p.add_argument("--questions", type=int, default=20, help="seed QA questions timed per mode (default 20)")
    p.add_argument("--from", dest="source", type=Path, default=None, help="local index to take chunks from")
    p.add_argument("--name", default="milvus", help="output name (NAME.json)")
    args = p.parse_args(argv)
    from rag.embedders.registry import shared_embedder
    from rag.index.backends.milvus import MilvusIndex
    from rag.index.backends.registry import parse_index_location
    from rag.index.handle import Index
    from rag.retrieval.settings import RetrievalSettings

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([300, 1000] if args.quick else [1000, 10000])
    n_questions = 5 if args.quick else args.questions
    source = source_index(args.source)
    chunks, tokens, real = read_index(source)
    print(f"chunks and vectors from {source} ({len(chunks)} chunks); {load_note()}", file=sys.stderr)
    embedder = shared_embedder("e5")
    questions = [r["question"] for r in qa_rows()][:n_questions]
    qvecs = np.stack([embedder.embed_query(q) for q in questions])
    settings = RetrievalSettings(k=5, period_boost=1.0)
    work = args.out / "milvus-indexes"
    results, table = [], []
    for n in sizes:
        print(f"== {n} chunks", file=sys.stderr, flush=True)
        c_n, t_n = replicate(chunks, tokens, n)
        vectors = vectors_for(real, n)
        folder, lite = work / f"local-{n}", work / f"lite-{n}.db"
        shutil.rmtree(lite, ignore_errors=True)
        location = parse_index_location(f"milvus:{lite}")
        row = {"chunks": n, "real_chunks": min(n, len(chunks))}
        row["local_build_s"] = local_build(folder, c_n, t_n, vectors)
        row["milvus_build_s"] = milvus_build(location, c_n, vectors)
        local = Index.open(folder, embedder_instance=embedder)
        row["local"] = time_searches(local, questions, qvecs, settings)
        local.close()
        milvus = MilvusIndex.open(location, embedder_instance=embedder)
        row["milvus"] = time_searches(milvus, questions, qvecs, settings)
        row["milvus_native_hybrid_rrf"] = native_hybrid(milvus, questions, qvecs)
        row["milvus_hnsw_recall@10"] = hnsw_recall(milvus, [c.id for c in c_n], vectors, qvecs)
        row["disk_mb"] = {"local": round(folder_mb(folder), 2), "milvus_lite": round(folder_mb(lite), 2)}
        milvus.close()
        results.append(row)
        for backend in ("local", "milvus"):
            table.append({"chunks": n, "backend": backend, "build_s": row[f"{backend}_build_s"],
                          **{f"{m}_p50": row[backend][m]["p50_ms"] for m in MODES},
                          **{f"{m}_p95": row[backend][m]["p95_ms"] for m in MODES},
                          "native_hybrid_p50": row["milvus_native_hybrid_rrf"]["p50_ms"] if backend == "milvus" else "",
                          "recall@10": row["milvus_hnsw_recall@10"] if backend == "milvus" else 1.0,
                          "disk_mb": row["disk_mb"]["local" if backend == "local" else "milvus_lite"]})
        write_json(args.out, args.name, {"results": results, "table": table, "source": str(source),
                                         "note": __doc__.split("\n\n")[1]})
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(lite, ignore_errors=True)
    print_table("local folder vs Milvus Lite (ms; recall@10 of dense search against exact)", table,
                ["chunks", "backend", "build_s", "bm25_p50", "bm25_p95", "dense_p50", "dense_p95", "hybrid_p50",
                 "hybrid_p95", "native_hybrid_p50", "recall@10", "disk_mb"])
    path = write_json(args.out, args.name, {"results": results, "table": table, "source": str(source),
                                            "note": __doc__.split("\n\n")[1]})
    print(f"wrote {path}")
    return {"results": results, "table": table}


if __name__ == "__main__":
    main()
