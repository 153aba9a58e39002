"""BM25 study: k1, b, a title field boost and query-side term weighting, alone and inside the default hybrid.

    python -m bench.bm25_study --set eval/qa/seeds.jsonl=.rag-index --set eval/qa/news.jsonl:dev=.news-index \
        --set eval/qa/news.jsonl:test=.news-index --out docs/fusion

For each variant a bm25s index is built in memory over the index's own chunks (title tokens repeated `title`
times, then the text), every answerable question is searched, and hit@1 / hit@5 / MRR@10 are reported for BM25
alone and for the shipped hybrid (convex mix, BM25 share 0.7, BM25's top 10 first; dense scores exact from the
index's stored vectors). Query weighting: `all` keeps jieba's search-mode words and their parts (what `rag` does),
`parts½` counts a part inside a longer query word half, `whole` keeps only the longest words. Relevance is the
evaluation's (a passage containing the evidence or covering 60 % of it). Choose on dev rows; report test.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.evaluation.metrics import covered_evidence
from rag.evaluation.qa_file import load_qa
from rag.index import Index
from rag.tokenize import tokenize

from .common import write_study
from .fusion_study import minmax

DEPTH = 50


@dataclass
class Corpus:
    """One index's chunks as title and text tokens, its stored vectors, and the questions asked of it."""

    name: str
    title_tokens: list[list[str]]
    text_tokens: list[list[str]]
    vectors: np.ndarray
    questions: list[tuple[list[str], np.ndarray, np.ndarray]]  # (query tokens, query vector, relevant rows)


def load_corpus(spec: str) -> Corpus:
    """QA_FILE[:split]=INDEX_DIR -> the corpus with its answerable questions."""
    qa_spec, _, index_dir = spec.partition("=")
    path, _, split = qa_spec.partition(":")
    index = Index.open(Path(index_dir or ".rag-index"))
    chunks = index.chunks_by_rows(list(range(index.size)))
    ordered = [chunks[r] for r in range(index.size)]
    raw = {json.loads(line)["id"]: json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()
           if line.strip()}
    rows, _ = load_qa(Path(path))
    questions = []
    for row in rows:
        if not row.answerable or (split and raw[row.id].get("split") != split):
            continue
        relevant = np.array([i for i, c in enumerate(ordered) if covered_evidence(c.text, row.evidences)])
        questions.append((tokenize(row.question), index.embedder.embed_query(row.question), relevant))
    vectors = np.asarray(np.load(index.folder / "vectors.npy", mmap_mode="r"), dtype=np.float32)
    corpus = Corpus(qa_spec, [tokenize(c.title) if c.title else [] for c in ordered],
                    [tokenize(c.text) for c in ordered], vectors, questions)
    index.close()
    return corpus


def query_weights(tokens: list[str], scheme: str) -> dict[str, float]:
    """Weight of each query word: search-mode parts inside a longer query word count `scheme`-wise."""
    unique = list(dict.fromkeys(tokens))
    if scheme == "all":
        return {t: 1.0 for t in unique}
    inside = {t for t in unique if any(t != o and t in o for o in unique)}
    if scheme == "whole":
        return {t: 1.0 for t in unique if t not in inside}
    return {t: 0.5 if t in inside else 1.0 for t in unique}


def bm25_scores(retriever, weights: dict[str, float], size: int) -> np.ndarray:
    out = np.zeros(size, dtype=np.float32)
    for token, w in weights.items():
        ids = retriever.get_tokens_ids([token])
        if ids:
            out += w * retriever.get_scores(ids)
    return out


def hybrid(bm25: np.ndarray, dense: np.ndarray, share: float = 0.7, lead: int = 10) -> np.ndarray:
    """The shipped fusion over the union of both top-50 lists: BM25's top `lead` first, convex min-max mix."""
    b_top = np.argsort(-bm25, kind="stable")[:DEPTH]
    b_top = b_top[bm25[b_top] > 0]
    d_top = np.argsort(-dense, kind="stable")[:DEPTH]
    cand = np.unique(np.concatenate([b_top, d_top]))
    mix = share * minmax(bm25[cand]) + (1 - share) * minmax(dense[cand])
    mix += np.isin(cand, b_top[:lead]) * 2.0
    out = np.full(len(bm25), -np.inf, dtype=np.float32)
    out[cand] = mix
    return out


def metrics(scores_per_q: list[np.ndarray], relevant: list[np.ndarray]) -> dict[str, float]:
    h1 = h5 = mrr = 0.0
    for scores, rel in zip(scores_per_q, relevant):
        top = np.argsort(-scores, kind="stable")[:10]
        hits = [i + 1 for i, r in enumerate(top) if r in set(rel.tolist()) and np.isfinite(scores[r])]
        first = hits[0] if hits else None
        h1 += bool(first and first <= 1)
        h5 += bool(first and first <= 5)
        mrr += 1 / first if first else 0
    n = max(len(relevant), 1)
    return {"hit@1": round(h1 / n, 4), "hit@5": round(h5 / n, 4), "mrr@10": round(mrr / n, 4)}


def run_variant(corpus: Corpus, k1: float, b: float, title: int, scheme: str) -> dict[str, dict[str, float]]:
    import bm25s

    docs = [t * title + x or ["\u2205"] for t, x in zip(corpus.title_tokens, corpus.text_tokens)]
    retriever = bm25s.BM25(k1=k1, b=b)
    retriever.index(docs, show_progress=False)
    size = len(docs)
    alone, mixed, rel = [], [], []
    for tokens, vector, relevant in corpus.questions:
        bm25 = bm25_scores(retriever, query_weights(tokens, scheme), size)
        dense = corpus.vectors @ vector.astype(np.float32)
        alone.append(np.where(bm25 > 0, bm25, -np.inf) + 1e-6 * dense)
        mixed.append(hybrid(bm25, dense))
        rel.append(relevant)
    return {"bm25": metrics(alone, rel), "hybrid": metrics(mixed, rel)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", required=True, help="QA_FILE[:split]=INDEX_DIR (repeatable)")
    parser.add_argument("--out", type=Path, help="folder for bm25.md and bm25.json")
    args = parser.parse_args()
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    corpora = []
    for spec in args.set:
        t = time.perf_counter()
        corpora.append(load_corpus(spec))
        print(f"{spec}: {len(corpora[-1].questions)} answerable questions, {len(corpora[-1].text_tokens)} chunks "
              f"({time.perf_counter() - t:.0f}s)", flush=True)
    grid = [(1.5, 0.75, 1, "all")]  # bm25s' defaults and what rag ships, first
    grid += [(k1, b, 1, "all") for k1, b in itertools.product((0.9, 1.2, 1.5, 2.0), (0.4, 0.6, 0.75, 0.9))
             if (k1, b) != (1.5, 0.75)]
    grid += [(1.5, 0.75, title, "all") for title in (0, 2, 3)]
    grid += [(1.5, 0.75, 1, scheme) for scheme in ("parts½", "whole")]
    table = {}
    for k1, b, title, scheme in grid:
        name = f"k1={k1} b={b} title×{title} query={scheme}"
        table[name] = {c.name: run_variant(c, k1, b, title, scheme) for c in corpora}
        print(name, json.dumps(table[name], ensure_ascii=False), flush=True)
    header = "| variant | " + " | ".join(f"{c.name} BM25 hit@1 | hit@5 | hybrid hit@1 | hit@5" for c in corpora) + " |"
    lines = [header, "|---|" + "---|" * (4 * len(corpora))]
    for name, res in table.items():
        cells = []
        for c in corpora:
            r = res[c.name]
            cells += [f"{r['bm25']['hit@1']:.3f}", f"{r['bm25']['hit@5']:.3f}", f"{r['hybrid']['hit@1']:.3f}",
                      f"{r['hybrid']['hit@5']:.3f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    write_study(args.out, "bm25", lines, table)


if __name__ == "__main__":
    main()
