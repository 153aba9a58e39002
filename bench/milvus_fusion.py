"""Hybrid fusion inside Milvus or on the client: hit@1 and hit@5 on the seed QA set through one Milvus index, native
`hybrid_search` (RRFRanker k=60; WeightedRanker 0.7/0.3 over Milvus's own score normalisation) against the
project's convex fusion with BM25's top 10 first (rag.retrieval.search). The client path's time includes its query
embedding; the native paths get the vector precomputed.

python -m bench.milvus_fusion milvus:./news.db [--collection NAME] [--qa eval/qa/seeds.jsonl]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def native_texts(index, question: str, vector: np.ndarray, ranker, depth: int = 50, k: int = 5) -> list[str]:
    from pymilvus import AnnSearchRequest

    result = index.client.hybrid_search(index.collection, [
        AnnSearchRequest(data=[question], anns_field="sparse", param={"metric_type": "BM25"}, limit=depth),
        AnnSearchRequest(data=[vector.tolist()], anns_field="vector",
                         param={"metric_type": "IP", "params": {"ef": 128}}, limit=depth)],
        ranker=ranker, limit=k, output_fields=["id"])
    keys = [hit["id"] for hit in result[0]]
    chunks = index.chunks_by_keys(keys)
    return [chunks[key].text for key in keys]


def main(argv=None) -> dict:
    from pymilvus import RRFRanker, WeightedRanker

    from rag.evaluation import metrics
    from rag.evaluation.qa_file import load_qa
    from rag.index.backends.milvus import MilvusIndex
    from rag.index.backends.registry import parse_index_location

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("index", help="milvus:URI")
    p.add_argument("--collection", default=None)
    p.add_argument("--qa", default="eval/qa/seeds.jsonl")
    args = p.parse_args(argv)
    rows, _ = load_qa(args.qa)
    rows = [r for r in rows if r.answerable and not r.previous]
    index = MilvusIndex.open(parse_index_location(args.index, args.collection))
    ways = {
        "convex (client)": lambda q, v: [h.text for h in index.search(q, k=5, mode="hybrid")],
        "rrf60 (native)": lambda q, v: native_texts(index, q, v, RRFRanker(60)),
        "weighted 0.7/0.3 (native)": lambda q, v: native_texts(index, q, v, WeightedRanker(0.7, 0.3)),
    }
    hits: dict[str, list[bool]] = {name: [] for name in ways}  # evidence in the top 5
    firsts: dict[str, list[bool]] = {name: [] for name in ways}  # … in the top 1
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    for row in rows:
        vector = index.embedder.embed_query(row.question)
        for name, search in ways.items():
            started = time.perf_counter()
            texts = search(row.question, vector)
            seconds[name].append(time.perf_counter() - started)
            covered = [metrics.covered_evidence(t, row.evidences, metrics.MIN_OVERLAP) for t in texts]
            hits[name].append(any(covered))
            firsts[name].append(bool(covered and covered[0]))
    out = {}
    for name in ways:
        out[name] = {"hit@1": round(float(np.mean(firsts[name])), 3), "hit@5": round(float(np.mean(hits[name])), 3),
                     "p50_ms": round(float(np.median(seconds[name])) * 1000, 1)}
        print(f"{name}: hit@1 {out[name]['hit@1']:.3f}, hit@5 {out[name]['hit@5']:.3f} over {len(rows)} questions; "
              f"p50 {out[name]['p50_ms']:.0f} ms")
    index.close()
    return out


if __name__ == "__main__":
    main()
