"""Aggregate ConfigRuns into the metrics.json structure (retrieval per mode, answers per configuration)."""

from __future__ import annotations

from collections import defaultdict

from . import metrics as m
from .runner import ConfigRun, RetrievalRecord


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def latency(seconds: list[float]) -> dict:
    """p50, p95 and mean in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": _r(m.percentile(ms, 50), 1), "p95_ms": _r(m.percentile(ms, 95), 1),
            "mean_ms": _r(m.mean(ms), 1)}


def retrieval_metrics(records: tuple[RetrievalRecord, ...], ks: tuple[int, ...]) -> dict:
    """hit@k, MRR@10 and nDCG@10 over answerable rows; search latency over all rows."""
    scored = [r for r in records if r.row.answerable]
    out: dict = {"questions": len(scored)}
    for k in ks:
        out[f"hit@{k}"] = _r(m.mean([m.hit_at_k(r.relevant, k) for r in scored]))
    out["mrr@10"] = _r(m.mean([m.reciprocal_rank(r.relevant, 10) for r in scored]))
    out["ndcg@10"] = _r(m.mean([m.ndcg_at_k(m.novel_gains(r.covers), len(r.row.evidences), 10) for r in scored]))
    by_type: dict[str, list[float]] = defaultdict(list)
    for r in scored:
        by_type[r.row.type].append(m.hit_at_k(r.relevant, 5))
    out["hit@5_by_type"] = {t: _r(m.mean(v)) for t, v in sorted(by_type.items())}
    out["latency"] = {"retrieve": latency([r.seconds for r in records])}
    return out


def answer_metrics(run: ConfigRun, abstain_threshold: float) -> dict:
    """Accuracy, F1, citation precision/recall, abstention, calibration and stage latencies of one configuration."""
    pairs = list(zip(run.retrieval, run.answers))
    answerable = [a for r, a in pairs if r.row.answerable]
    unanswerable = [a for r, a in pairs if not r.row.answerable]
    out = {
        "questions": len(pairs), "answerable": len(answerable), "unanswerable": len(unanswerable),
        "accuracy": _r(m.rate([a.correct for a in answerable])),
        "overall_accuracy": _r(m.rate([a.correct for _, a in pairs])),
        "f1": _r(m.mean([a.f1 for a in answerable if a.f1 is not None])),
        "citation_precision": _r(m.citation_precision([a.supported for a in answerable])),
        "citation_recall": _r(m.citation_recall([a.evidence_cited for a in answerable])),
        "abstention_rate": _r(m.abstention_rate([a.abstained for a in unanswerable])),
        "false_abstention_rate": _r(m.false_abstention_rate([a.abstained for a in answerable])),
        "errors": sum(1 for _, a in pairs if a.error),
    }
    by_type: dict[str, list[bool]] = defaultdict(list)
    for r, a in pairs:
        by_type[r.row.type].append(a.correct)
    out["accuracy_by_type"] = {t: {"n": len(v), "accuracy": _r(m.rate(v))} for t, v in sorted(by_type.items())}
    out["calibration"] = calibration([a.confidence for _, a in pairs], [r.row.answerable for r, _ in pairs],
                                     abstain_threshold)
    out["latency"] = {"retrieve": latency([r.seconds for r, _ in pairs]),
                      "answer": latency([a.seconds for _, a in pairs]),
                      "total": latency([r.seconds + a.seconds for r, a in pairs])}
    return out


def _point(p: m.ThresholdPoint | None) -> dict | None:
    if p is None:
        return None
    return {"threshold": round(p.threshold, 4), "abstention_rate": _r(p.abstain_unanswerable),
            "answer_rate": _r(p.answer_answerable), "balanced_accuracy": _r(p.balanced_accuracy)}


def calibration(confidences: list[float], answerable: list[bool], current: float) -> dict:
    """Balanced accuracy at the current threshold and at the best one (None without both kinds of question)."""
    both = any(answerable) and not all(answerable)
    return {"current": _point(m.at_threshold(confidences, answerable, current)) if both else None,
            "best": _point(m.best_threshold(confidences, answerable))}


def summarize(runs: list[ConfigRun], ks: tuple[int, ...], abstain_threshold: float) -> dict:
    """{"retrieval": [one entry per corpus × mode], "answers": [one entry per configuration]}."""
    retrieval, answers, seen = [], [], set()
    for run in runs:
        key = (run.corpus, run.mode)
        if key not in seen:
            seen.add(key)
            retrieval.append({"corpus": run.corpus, "mode": run.mode, **retrieval_metrics(run.retrieval, ks)})
        if run.answerer:
            answers.append({"name": run.name, "corpus": run.corpus, "mode": run.mode, "answerer": run.answerer,
                            **answer_metrics(run, abstain_threshold)})
    return {"retrieval": retrieval, "answers": answers}
