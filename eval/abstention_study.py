"""Can cheap signals tell a near-miss unanswerable from a paraphrase? Three measured checks on the labelled dev sets.

python -m eval.abstention_study --set eval/qa/news.jsonl=.news-index --set eval/qa/news-dev2.jsonl=.news-dev2-index
                                --set eval/qa/news-dev3.jsonl=.news-dev3-index --set eval/qa/news-dev4.jsonl=.news-dev4-index
                                [--set eval/qa/seeds.jsonl=.rag-index] [--dense] [--cache /tmp/study.json]

Every dev question is answered through the real pipeline with the model's abstention off (eval/fit_abstention.py's
collect), then:
1. rare question words missing from the cited passage: for a cut on jieba's IDF, how many near-misses the rule
   "abstain when a question word at least that rare is missing" catches, and how many right answers it costs;
2. leave-one-set-out: the abstention model refit without one news set, with and without more signals (IDF-weighted
   coverage, question kind), scored on the set left out;
3. with --dense, whether e5 similarity between the question and each sentence of the passages finds the sentence
   holding the gold answer (slow: about 20 ms a sentence on two cores).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# words of the question's frame, not of its content: 多少, 哪一天, 名字, 分别, 共有 …
FRAME_RE = re.compile(r"多少|几|哪|什么|谁|名字|^叫$|是否|有没有|怎么|如何|为何|为什么|分别|^(有|共|共有|一家|一天|一年|期间|"
                      r"中有|来|出来|是从|给|因|那名|那位|预计|开始|正式|目前|当天|其中|此次|这次|该|今年|去年|上半年|下半年|"
                      r"半年|上半|下半)$")
KINDS = ("number", "person", "date", "place")
CUTS = (6, 7, 8, 9, 10, 11)


@lru_cache(maxsize=1)
def idf_table() -> dict[str, float]:
    """jieba's general-domain IDF table (jieba/analyse/idf.txt), a background rarity for question words."""
    import jieba.analyse

    path = Path(jieba.analyse.__file__).with_name("idf.txt")
    return {w: float(v) for w, v in (line.split() for line in path.read_text(encoding="utf-8").splitlines())}


def idf(word: str) -> float:
    return idf_table().get(word, 11.0)  # an unknown word counts as rare


def content_words(question: str) -> list[str]:
    """The question's words of two characters or more, frame words and digits out."""
    from rag.tokenize import tokenize

    return [w for w in dict.fromkeys(tokenize(question)) if len(w) >= 2 and not w.isdigit() and not FRAME_RE.search(w)]


def asked(r: dict) -> str:
    """The question as the answerer took it: a follow-up rewritten from the question before it."""
    return r["rewritten"] or r["question"]


def answered_by_model(records: list[dict]) -> list[bool]:
    """What the shipped model does with each record (rag/answer/abstention.json)."""
    from rag.answer.abstention import load_model

    model = load_model()
    return [not r["hard_abstain"] and bool(r["signals"]) and model.probability(r["signals"]) >= model.threshold
            for r in records]


def missing_word_table(records: list[dict]) -> list[str]:
    """Check 1 as markdown rows: near-misses caught and right answers lost by a missing-rare-word rule."""
    kept = [r for r, a in zip(records, answered_by_model(records)) if a]
    rarest = [max((idf(w) for w in content_words(asked(r)) if w not in r["passage"]), default=0.0) for r in kept]
    unans = sum(1 for r in kept if not r["answerable"])
    right = sum(1 for r in kept if r["label"])
    lines = ["| rarest missing word IDF ≥ | near-misses caught | right answers lost |", "|---|---|---|"]
    for cut in CUTS:
        caught = sum(1 for r, x in zip(kept, rarest) if not r["answerable"] and x >= cut)
        lost = sum(1 for r, x in zip(kept, rarest) if r["label"] and x >= cut)
        lines.append(f"| {cut} | {caught} / {unans} | {lost} / {right} |")
    return lines


def extra_signals(r: dict) -> dict[str, float]:
    """The candidate signals of check 2."""
    from rag.answer.question_type import classify_question

    words = content_words(asked(r))
    total = sum(idf(w) for w in words) or 1.0
    hits = "".join(r["hits"])
    kind = classify_question(asked(r)).kind
    out = {"idf_cov_passage": sum(idf(w) for w in words if w in r["passage"]) / total,
           "idf_cov_sentence": sum(idf(w) for w in words if w in r["sentence"]) / total,
           "idf_cov_hits": sum(idf(w) for w in words if w in hits) / total,
           "rarest_missing": max((idf(w) for w in words if w not in hits), default=0.0) / 12,
           "has_short": 1.0 if r["short"] else 0.0}
    out.update({f"kind_{k}": float(kind == k) for k in KINDS})
    return out


def held_out(train: list[dict], test: list[dict], names: list[str]) -> tuple[float, float, float]:
    """Overall accuracy (all questions), abstention and false abstention on `test` of a model fitted on `train`."""
    from eval.fit_abstention import choose_threshold, fit_logistic

    def matrix(rs):
        return np.array([[{**extra_signals(r), **r["signals"]}.get(n, 0.0) for n in names] for r in rs])

    fit = [r for r in train if not r["hard_abstain"] and r["signals"]]
    y = np.array([r["label"] for r in fit], dtype=float)
    x = matrix(fit)
    w, b = fit_logistic(x, y)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    cut, _ = choose_threshold(p, np.array([r["answerable"] for r in fit]), y == 1)
    usable = [r for r in test if not r["hard_abstain"] and r["signals"]]
    scores = dict(zip((id(r) for r in usable), 1 / (1 + np.exp(-(matrix(usable) @ w + b))))) if usable else {}
    answered = [scores.get(id(r), 0.0) >= cut for r in test]
    unans = [not a for r, a in zip(test, answered) if not r["answerable"]]
    ans = [(a, r["label"]) for r, a in zip(test, answered) if r["answerable"]]
    accuracy = (sum(1 for a, lab in ans if a and lab) + sum(unans)) / len(test)
    return accuracy, sum(unans) / max(1, len(unans)), sum(1 for a, _ in ans if not a) / max(1, len(ans))


def leave_one_out(records: list[dict]) -> list[str]:
    """Check 2 as markdown rows."""
    from rag.answer.abstention import FEATURES

    base = list(FEATURES)
    coverage = ["idf_cov_passage", "idf_cov_sentence", "idf_cov_hits", "rarest_missing"]
    kinds = [f"kind_{k}" for k in KINDS] + ["has_short"]
    variants = {"shipped signals": base, "+ IDF coverage": base + coverage, "+ question kind": base + kinds,
                "+ both": base + coverage + kinds}
    held = [s for s in dict.fromkeys(r["set"] for r in records) if s != "seeds.jsonl"]
    lines = ["| signals | " + " | ".join(f"{s.removesuffix('.jsonl')} left out" for s in held) + " |",
             "|---|" + "---|" * len(held)]
    for name, names in variants.items():
        cells = []
        for s in held:
            acc, abst, false = held_out([r for r in records if r["set"] != s], [r for r in records if r["set"] == s],
                                        names)
            cells.append(f"{acc:.3f} / {abst:.3f} / {false:.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def dense_sentences(records: list[dict]) -> list[str]:
    """Check 3: does e5's most similar sentence hold the gold answer, where some sentence of the passages does?"""
    from rag.chunking import split_sentences
    from rag.embedders.registry import shared_embedder

    embedder = shared_embedder("e5")
    counts = {"right": [0, 0], "wrong": [0, 0]}
    for r, answered in zip(records, answered_by_model(records)):
        if not r["answerable"] or r["type"] not in ("factoid", "paraphrase"):
            continue
        sentences = list(dict.fromkeys(h[a:b] for h in r["hits"] for a, b in split_sentences(h) if b - a >= 4))
        holds = [any(g in s for g in r["answers"]) for s in sentences]
        if not any(holds):
            continue
        sim = embedder.embed_passages(sentences) @ embedder.embed_query(asked(r)).reshape(-1)
        side = counts["right" if r["label"] and answered else "wrong"]
        side[0] += 1
        side[1] += int(holds[int(np.argmax(sim))])
    return ["| answerer today | questions | e5's top sentence holds the answer |", "|---|---|---|",
            *(f"| {k} | {n} | {h} |" for k, (n, h) in counts.items())]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", required=True, help="QA_FILE=INDEX_DIR (repeatable)")
    parser.add_argument("--dense", action="store_true", help="also run check 3 (slow)")
    parser.add_argument("--cache", type=Path, help="keep the answered records here and reuse them")
    args = parser.parse_args(argv)
    if args.cache and args.cache.exists():
        records = json.loads(args.cache.read_text(encoding="utf-8"))
    else:
        from eval.fit_abstention import collect

        records = []
        for spec in args.set:
            qa, _, idx = spec.partition("=")
            records += collect(Path(qa), Path(idx or ".rag-index"), "hybrid")
            print(f"answered {qa}", file=sys.stderr)
        if args.cache:
            args.cache.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    news = [r for r in records if r["set"] != "seeds.jsonl"]
    print(f"## 1. A rare question word missing from the cited passage ({len(news)} news dev questions)\n")
    print("\n".join(missing_word_table(news)))
    print("\n## 2. The abstention model refit without one set, scored on it (overall accuracy / abstention / "
          "false abstention; overall accuracy counts an abstention on an unanswerable question as right, so it "
          "is not the answerable-only accuracy of rag eval)\n")
    print("\n".join(leave_one_out(records)))
    if args.dense:
        print("\n## 3. e5 similarity between the question and each sentence of the first 4 passages\n")
        print("\n".join(dense_sentences(news)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
