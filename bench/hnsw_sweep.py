"""HNSW recall@10 and ANN latency against exact search for a range of efSearch values, at one graph setting.

The vectors are bench.scale's synthetic e5-like vectors (its cached base vectors and question vectors, so run
bench.scale once first); exact top 10 is `q @ V.T`. This is how dense.py's efConstruction and efSearch steps
were chosen (docs/PERFORMANCE.md §3).

python -m bench.hnsw_sweep [--n 1000000] [--ef-construction 200] [--kind hnsw] [--efs 512,1024,2048,4096]
"""

from __future__ import annotations

import json
import time

import numpy as np

from .common import Timer, base_parser, percentiles, write_json
from .scale import synthetic_vectors


def main(argv=None) -> dict:
    import faiss

    p = base_parser(__doc__)
    p.add_argument("--n", type=int, default=1_000_000, help="vectors in the index")
    p.add_argument("--ef-construction", type=int, default=200)
    p.add_argument("--m", type=int, default=32, help="HNSW neighbours per node")
    p.add_argument("--kind", choices=("hnsw", "hnsw-sq8"), default="hnsw")
    p.add_argument("--efs", default="512,1024,2048,4096", help="comma-separated efSearch values")
    p.add_argument("--base", default=None, help="base vectors .npy (default: bench.scale's cache)")
    args = p.parse_args(argv)
    cache = args.out / "cache"
    base_file = args.base or next(iter(sorted(cache.glob("scale-base-r*-b*.npy"))), None)
    if base_file is None:
        raise SystemExit("no base vectors: run `python -m bench.scale --sizes 1000` first (it caches them)")
    base = np.load(base_file)
    queries = np.asarray(json.loads((cache / "scale-queries.json").read_text(encoding="utf-8"))["vectors"],
                         dtype=np.float32)
    vectors = synthetic_vectors(base, args.n, seed=args.n)  # the same vectors bench.scale builds at this size
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    dim = vectors.shape[1]
    if args.kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, args.m, faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, args.m, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
    index.hnsw.efConstruction = args.ef_construction
    with Timer() as t:
        index.add(vectors)
    print(f"{args.n} vectors, {args.kind}, M {args.m}, efConstruction {args.ef_construction}: "
          f"built in {t.seconds:.1f}s", flush=True)
    faiss.omp_set_num_threads(1)  # one query at a time, as the search path runs it
    rows = []
    for ef in [int(x) for x in args.efs.split(",")]:
        index.hnsw.efSearch = ef
        times, recalls = [], []
        for query, truth in zip(queries, exact):
            t0 = time.perf_counter()
            _, found = index.search(query[None, :], 10)
            times.append(time.perf_counter() - t0)
            recalls.append(len(set(found[0].tolist()) & set(truth.tolist())) / 10)
        row = {"efSearch": ef, "recall@10": round(float(np.mean(recalls)), 4), **percentiles(times)}
        rows.append(row)
        print(f"efSearch {ef}: recall@10 {row['recall@10']:.4f}, p50 {row['p50_ms']:.2f} ms, "
              f"p95 {row['p95_ms']:.2f} ms", flush=True)
    name = f"hnsw_sweep-{args.kind}-n{args.n}-efc{args.ef_construction}"
    write_json(args.out, name, {"quick": False, "n": args.n, "kind": args.kind, "m": args.m,
                                "ef_construction": args.ef_construction, "build_s": round(t.seconds, 1),
                                "rows": rows})
    return {"rows": rows}


if __name__ == "__main__":
    main()
