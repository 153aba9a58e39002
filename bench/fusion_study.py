"""Fusion study: BM25 and dense candidates retrieved once per question, then many ways of fusing them scored.

    python -m bench.fusion_study --index DIR --qa eval/qa/seeds.jsonl --qa eval/qa/news.jsonl:dev --out docs/fusion

Each question's BM25 scores and exact dense scores (from the index's stored vectors) are computed over the union of
both retrievers' top `--depth` candidates, so every variant ranks the same candidates: RRF over (k, BM25 weight),
convex combinations of normalised scores, dense re-scoring of the BM25 candidates, and per-question choices driven by
the BM25 score margin and retriever agreement. Relevance is the evaluation's (a passage containing the evidence span
or covering 60 % of it). Prints one table per QA set and writes them as markdown and JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.evaluation.metrics import covered_evidence
from rag.evaluation.qa_file import load_qa
from rag.index import Index
from rag.index import dense as dense_index
from rag.tokenize import tokenize

from .common import write_study


@dataclass
class Question:
    """One answerable question's candidates with both scores and which candidates are relevant."""

    rows: np.ndarray  # candidate rows (union of both top lists)
    bm25: np.ndarray  # BM25 score of each candidate (0 when the words do not occur)
    dense: np.ndarray  # exact inner product of each candidate with the query vector
    relevant: np.ndarray  # bool per candidate


def gather(index: Index, qa: Path, split: str | None, depth: int) -> list[Question]:
    """Candidates and scores for every answerable row of the QA file (of one split when given)."""
    rows, _ = load_qa(qa)
    raw = {json.loads(line)["id"]: json.loads(line) for line in qa.read_text(encoding="utf-8").splitlines()
           if line.strip()}
    vectors = np.load(index.folder / "vectors.npy", mmap_mode="r")
    out = []
    for row in rows:
        if not row.answerable or (split and raw[row.id].get("split") != split):
            continue
        ids = index.bm25.get_tokens_ids(tokenize(row.question))
        bm25_all = index.bm25.get_scores(ids) if ids else np.zeros(index.size, dtype=np.float32)
        bm25_top = np.argsort(-bm25_all, kind="stable")[:depth]
        bm25_top = bm25_top[bm25_all[bm25_top] > 0]
        query = index.embedder.embed_query(row.question)
        _, dense_top = dense_index.search(index.dense, query, depth)
        cand = np.unique(np.concatenate([bm25_top, dense_top]).astype(np.int64))
        chunks = index.chunks_by_rows(cand.tolist())
        relevant = np.array([bool(covered_evidence(chunks[int(r)].text, row.evidences)) for r in cand])
        dense_scores = np.asarray(vectors[cand]) @ query.astype(np.float32)
        out.append(Question(cand, bm25_all[cand].astype(np.float32), dense_scores.astype(np.float32), relevant))
    return out


def _ranks(scores: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """1-based rank of each candidate by score (inf where not `present`)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    if present is not None:
        ranks[~present] = np.inf
    return ranks


def minmax(x: np.ndarray) -> np.ndarray:
    """Scores scaled to [0, 1] over the candidates (all zero when they are equal)."""
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def rrf(k: float, w: float, depth: int) -> Callable[[Question], np.ndarray]:
    def score(q: Question) -> np.ndarray:
        rb = _ranks(q.bm25, q.bm25 > 0)
        rd = _ranks(q.dense)
        rb[rb > depth] = np.inf
        rd[rd > depth] = np.inf
        return w / (k + rb) + 1 / (k + rd)
    return score


def convex(alpha: float, norm: str) -> Callable[[Question], np.ndarray]:
    def score(q: Question) -> np.ndarray:
        if norm == "minmax":
            b, d = minmax(q.bm25), minmax(q.dense)
        else:  # BM25 over its best, dense as it is (cosine of unit vectors)
            b = q.bm25 / q.bm25.max() if q.bm25.max() > 0 else q.bm25
            d = q.dense
        return alpha * b + (1 - alpha) * d
    return score


def bm25_rescored(n: int, alpha: float) -> Callable[[Question], np.ndarray]:
    """BM25's top n first, re-ordered by the convex mix with the dense score; the rest after, by the mix
    (what `rag` runs: RetrievalSettings fusion="convex", bm25_share=alpha, bm25_lead=n)."""
    def score(q: Question) -> np.ndarray:
        lead = _ranks(q.bm25, q.bm25 > 0) <= n
        return convex(alpha, "minmax")(q) + np.where(lead, 2.0, 0.0)
    return score


def margin_switch(threshold: float, fallback: Callable[[Question], np.ndarray]) -> Callable[[Question], np.ndarray]:
    """BM25 alone when its best score clearly leads (top1/top2 >= threshold), else the fallback fusion."""
    def score(q: Question) -> np.ndarray:
        top = np.sort(q.bm25)[::-1]
        if len(top) > 1 and top[1] > 0 and top[0] / top[1] >= threshold:
            return q.bm25 + 1e-6 * q.dense
        return fallback(q)
    return score


def evaluate(questions: list[Question], score: Callable[[Question], np.ndarray]) -> dict[str, float]:
    h1 = h5 = mrr = 0.0
    for q in questions:
        order = np.argsort(-score(q), kind="stable")
        rel = q.relevant[order]
        first = int(np.argmax(rel)) + 1 if rel.any() else None
        h1 += bool(first and first <= 1)
        h5 += bool(first and first <= 5)
        mrr += 1 / first if first and first <= 10 else 0
    n = max(len(questions), 1)
    return {"hit@1": round(h1 / n, 4), "hit@5": round(h5 / n, 4), "mrr@10": round(mrr / n, 4)}


def variants(depth: int) -> dict[str, Callable[[Question], np.ndarray]]:
    out: dict[str, Callable[[Question], np.ndarray]] = {
        "bm25": lambda q: q.bm25 + 1e-6 * q.dense,
        "dense": lambda q: q.dense,
    }
    for k in (5, 10, 20, 30, 60, 100):
        for w in (1.0, 1.5, 2.0, 3.0):
            out[f"rrf k={k} w={w}"] = rrf(k, w, depth)
    for norm in ("minmax", "max"):
        for alpha in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            out[f"convex {norm} a={alpha}"] = convex(alpha, norm)
    for n in (10, 20, 50):
        for alpha in (0.5, 0.6, 0.7, 0.8):
            out[f"bm25@{n} rescored a={alpha}"] = bm25_rescored(n, alpha)
    for t in (1.2, 1.5, 2.0):
        out[f"margin>={t} else rrf k=60 w=1.5"] = margin_switch(t, rrf(60, 1.5, depth))
        out[f"margin>={t} else convex max a=0.7"] = margin_switch(t, convex(0.7, "max"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="the index to study (or build one with --base/--distractors)")
    parser.add_argument("--base", type=Path, action="append", default=[],
                        help="with --distractors: files or folders of the index (repeatable)")
    parser.add_argument("--distractors", type=Path, help="JSONL[.xz] corpus to add N articles from")
    parser.add_argument("--n", type=int, default=1000, help="distractor articles (default 1000)")
    parser.add_argument("--qa", action="append", required=True, help="QA file, optionally FILE:split")
    parser.add_argument("--depth", type=int, default=50, help="candidates per retriever (default 50, as search)")
    parser.add_argument("--out", type=Path, default=None, help="folder for fusion.md and fusion.json")
    args = parser.parse_args()
    if args.distractors:
        from rag.evaluation.distractors import distractor_index

        asked_about = frozenset(p.stem for b in args.base for p in Path(b).rglob("*.txt"))
        args.index, _ = distractor_index(args.distractors, args.n, "e5", args.base, exclude=asked_about)
    if args.index is None:
        parser.error("give --index DIR, or --base PATH … --distractors CORPUS")
    index = Index.open(args.index)
    sets: dict[str, list[Question]] = {}
    for spec in args.qa:
        path, _, split = spec.partition(":")
        t = time.perf_counter()
        sets[spec] = gather(index, Path(path), split or None, args.depth)
        print(f"{spec}: {len(sets[spec])} answerable questions gathered in {time.perf_counter() - t:.0f}s")
    table = {name: {spec: evaluate(qs, fn) for spec, qs in sets.items()} for name, fn in variants(args.depth).items()}
    header = "| variant | " + " | ".join(f"{s} hit@1 | hit@5 | MRR" for s in sets) + " |"
    lines = [f"Index `{args.index}` ({index.size} chunks), depth {args.depth}.", "", header,
             "|---|" + "---|" * (3 * len(sets))]
    for name, res in table.items():
        lines.append(f"| {name} | " + " | ".join(f"{r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr@10']:.3f}"
                                                  for r in res.values()) + " |")
    write_study(args.out, "fusion", lines, table)


if __name__ == "__main__":
    main()
