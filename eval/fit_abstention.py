"""Fit the extractive answerer's abstention model (rag/answer/abstention.json) on labelled dev questions.

python -m eval.fit_abstention --set eval/qa/seeds.jsonl=.rag-index [--set eval/qa/news-part1.jsonl=IDX …]
                              [--mode hybrid] [--write] [--report /tmp/fit.json]

Each question is answered through the real pipeline (`rag.answer.pipeline.ask`, follow-up history from the
row's `previous` question, the model's own abstention switched off); the label is 1 when the answer is correct,
0 when it is wrong or the question is unanswerable. A logistic regression on the signals the answerer reports
(rag.answer.abstention.FEATURES) is fitted, and the threshold that maximises overall accuracy (correct answers plus
abstentions on unanswerable questions) is kept. Rows of news sets are used only when
their "split" is "dev"; rows without a split (the seeds) are all used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load_rows(path: Path) -> list[tuple[dict, object]]:
    """(raw dict, QARow) of the dev rows of a QA file (every row when the file has no split)."""
    from rag.evaluation.qa_file import parse_row

    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        raw = json.loads(line)
        if raw.get("split", "dev") != "dev":
            continue
        out.append((raw, parse_row(raw, n)))
    return out


def collect(qa_file: Path, index_dir: Path, mode: str) -> list[dict]:
    """Signals, label, type and the text the answerer saw (cited sentence and passage, first hits) of every dev
    question of one set, answered without model abstention."""
    from rag.answer.pipeline import AskSettings, ask
    from rag.evaluation.runner import score_answer
    from rag.index.handle import Index
    from rag.retrieval import RetrievalSettings

    index = Index.open(index_dir)
    settings = AskSettings(retrieval=RetrievalSettings(mode=mode))
    settings = replace(settings, extractive=replace(settings.extractive, abstain_threshold=0.0))
    rows = load_rows(qa_file)
    by_id = {raw["id"]: raw for raw, _ in rows}
    out = []
    for raw, row in rows:
        history = []
        prev = by_id.get(raw.get("previous") or "")
        if prev:
            history = [{"question": prev["question"], "answer": ""}]
        answer = ask(index, row.question, settings, history=history)
        record = score_answer(row, answer, 0.0)
        cited = answer.citations[0] if answer.citations else None
        out.append({"id": row.id, "type": row.type, "question": row.question, "answer": answer.text[:80], "answerable": row.answerable, "set": qa_file.name,
                    "hard_abstain": answer.abstained, "signals": answer.signals,
                    "label": int(row.answerable and record.correct and not answer.abstained),
                    # what the answerer saw, for eval/abstention_study.py
                    "rewritten": answer.rewritten_question, "short": answer.short_answer, "answers": list(row.answers),
                    "sentence": cited.sentence if cited else "", "passage": (cited.title + cited.passage) if cited else "",
                    "hits": [h.title + h.text for h in answer.hits[:4]]})
    index.close()
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 4000, lr: float = 0.5):
    """Weights and bias of an L2-regularised logistic regression by gradient descent (classes balanced)."""
    w = np.zeros(x.shape[1])
    b = 0.0
    pos = max(1, int(y.sum()))
    neg = max(1, len(y) - pos)
    sample_w = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - y) * sample_w
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return w, b


def choose_threshold(p: np.ndarray, answerable: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """The probability cut-off maximising overall accuracy (correct answers + abstentions on unanswerable)."""
    best = (0.5, -1.0)
    for t in np.unique(np.round(p, 4)):
        answer = p >= t
        unans = (~answerable)
        score = ((~answer[unans]).sum() + (answer[answerable] & correct[answerable]).sum()) / len(p)
        if score > best[1] + 1e-9:
            best = (float(t), float(score))
    lower = p[p < best[0]]
    cut = (best[0] + lower.max()) / 2 if lower.size else best[0]  # midpoint to the next value below
    return float(cut), best[1]


def main(argv=None) -> int:
    from rag.answer.abstention import FEATURES, MODEL_FILE

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", required=True, help="QA_FILE=INDEX_DIR (repeatable)")
    parser.add_argument("--mode", default="hybrid")
    parser.add_argument("--write", action="store_true", help=f"write rag/answer/{MODEL_FILE}")
    parser.add_argument("--report", type=Path, help="write every question's signals and label here (JSON)")
    args = parser.parse_args(argv)
    records = []
    for spec in args.set:
        qa, _, idx = spec.partition("=")
        records += collect(Path(qa), Path(idx or ".rag-index"), args.mode)
    usable = [r for r in records if not r["hard_abstain"]]
    x = np.array([[r["signals"].get(f, 0.0) for f in FEATURES] for r in usable])
    y = np.array([r["label"] for r in usable], dtype=float)
    w, b = fit_logistic(x, y)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    answerable = np.array([r["answerable"] for r in usable])
    threshold, score = choose_threshold(p, answerable, y == 1)
    model = {"features": list(FEATURES), "weights": {f: round(float(v), 4) for f, v in zip(FEATURES, w)},
             "bias": round(float(b), 4), "threshold": round(threshold, 4),
             "fitted_on": f"{len(usable)} dev questions of {', '.join(s.split('=')[0] for s in args.set)} "
                          f"({args.mode}); accuracy {score:.3f} on the questions it decides; python -m eval.fit_abstention"}
    print(json.dumps(model, ensure_ascii=False, indent=2))
    prob = {(r["set"], r["id"]): float(pi) for r, pi in zip(usable, p)}
    for name in dict.fromkeys(r["set"] for r in records):
        print(f"{name}:")
        summarise([r for r in records if r["set"] == name], prob, threshold)
    if args.write:
        target = Path(__file__).resolve().parents[1] / "rag" / "answer" / MODEL_FILE
        target.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target}", file=sys.stderr)
    if args.report:
        args.report.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def summarise(records: list[dict], prob: dict[tuple[str, str], float], threshold: float) -> None:
    """Accuracy per type, abstention and false abstention with the fitted model (on the fitting data)."""
    by_type: dict[str, list[int]] = defaultdict(list)
    counts = Counter()
    for r in records:
        answered = not r["hard_abstain"] and prob.get((r["set"], r["id"]), 0.0) >= threshold
        correct = (answered and r["label"] == 1) if r["answerable"] else not answered
        by_type[r["type"]].append(int(correct))
        counts["answerable" if r["answerable"] else "unanswerable"] += 1
        if r["answerable"] and not answered:
            counts["false_abstention"] += 1
    total = sum(sum(v) for v in by_type.values()) / max(1, len(records))
    unans = by_type.get("unanswerable", [])
    print(f"  overall accuracy {total:.3f}; abstention {sum(unans) / max(1, len(unans)):.3f}; "
          f"false abstention {counts['false_abstention'] / max(1, counts['answerable']):.3f}")
    for t, v in sorted(by_type.items()):
        print(f"    {t:14s} n={len(v):4d} accuracy {sum(v) / len(v):.3f}")


if __name__ == "__main__":
    sys.exit(main())
