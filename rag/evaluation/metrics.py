"""Evaluation metrics as pure functions; each docstring is the definition the report's glossary repeats."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..normalize import compact

MIN_OVERLAP = 0.6
_MARKER = re.compile(r"\[\d+\]")


# --- retrieval -------------------------------------------------------------------------------------------

def evidence_overlap(evidence: str, passage: str) -> float:
    """Share of the evidence's characters (compacted) covered by its longest common substring with the passage."""
    ev, text = compact(evidence), compact(passage)
    if not ev:
        return 0.0
    if ev in text:
        return 1.0
    match = SequenceMatcher(None, ev, text, autojunk=False).find_longest_match(0, len(ev), 0, len(text))
    return match.size / len(ev)


def covered_evidence(passage: str, evidences: Sequence[str], min_overlap: float = MIN_OVERLAP) -> frozenset[int]:
    """Indices of the evidence spans the passage contains or overlaps by at least `min_overlap`."""
    return frozenset(i for i, ev in enumerate(evidences) if evidence_overlap(ev, passage) >= min_overlap)


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 when any of the first k retrieved passages is relevant, else 0.0."""
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: Sequence[bool], k: int = 10) -> float:
    """1/rank of the first relevant passage within the first k, 0.0 when there is none (MRR is its mean)."""
    for rank, rel in enumerate(relevant[:k], start=1):
        if rel:
            return 1.0 / rank
    return 0.0


def novel_gains(covers: Sequence[frozenset[int]]) -> list[float]:
    """Gain 1 for a passage that covers an evidence span no higher-ranked passage covered, else 0."""
    seen: set[int] = set()
    gains = []
    for cover in covers:
        gains.append(1.0 if cover - seen else 0.0)
        seen |= cover
    return gains


def ndcg_at_k(gains: Sequence[float], n_ideal: int, k: int = 10) -> float:
    """DCG@k = Σ gain_i / log2(i + 1); divided by the DCG of `n_ideal` gains of 1 at the top ranks."""
    dcg = sum(g / math.log2(i + 1) for i, g in enumerate(gains[:k], start=1))
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, n_ideal) + 1))
    return dcg / idcg if idcg else 0.0


# --- answers ---------------------------------------------------------------------------------------------

def strip_answer(text: str) -> str:
    """Compacted text without [n] markers, quotes or any other punctuation: what F1 compares."""
    text = compact(_MARKER.sub("", text))
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))


def answer_correct(answer_text: str, golds: Sequence[str]) -> bool:
    """True when any gold answer, compacted, occurs in the compacted answer text ([n] markers removed)."""
    text = compact(_MARKER.sub("", answer_text))
    return any(compact(g) and compact(g) in text for g in golds)


def char_f1(prediction: str, gold: str) -> float:
    """F1 of the character multisets of strip_answer(prediction) and strip_answer(gold)."""
    pred, ref = Counter(strip_answer(prediction)), Counter(strip_answer(gold))
    common = sum((pred & ref).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def answer_f1(short_answer: str, answer_text: str, golds: Sequence[str]) -> float:
    """Best char_f1 over the gold answers, predicting the short answer if there is one, else the answer text."""
    prediction = short_answer or answer_text
    return max((char_f1(prediction, g) for g in golds), default=0.0)


# --- citations -------------------------------------------------------------------------------------------

def citation_supported(passage: str, passage_source: str, sources: Sequence[str], evidences: Sequence[str],
                       golds: Sequence[str], min_overlap: float = MIN_OVERLAP) -> bool:
    """A cited passage supports the answer when it is from the row's source file(s) and relevant, or contains a gold answer."""
    if same_source(passage_source, sources) and covered_evidence(passage, evidences, min_overlap):
        return True
    text = compact(passage)
    return any(compact(g) and compact(g) in text for g in golds)


def same_source(passage_source: str, sources: Sequence[str]) -> bool:
    """The passage comes from one of the row's sources: the same file, or the same page in another format
    (`000_x.pdf#p1` is the page `000_x.txt` was taken from): names compared without suffix and part key."""
    def stem(name: str) -> str:
        base = name.split("#", 1)[0].rsplit("/", 1)[-1]
        return base.rsplit(".", 1)[0] if "." in base else base

    return passage_source in sources or stem(passage_source) in {stem(s) for s in sources}


def citation_precision(supported: Sequence[Sequence[bool]]) -> float | None:
    """Supported citations / all citations, pooled over the answers given (None when nothing was cited)."""
    total = sum(len(flags) for flags in supported)
    return sum(sum(flags) for flags in supported) / total if total else None


def citation_recall(evidence_cited: Sequence[bool]) -> float | None:
    """Share of answerable questions whose answer cites a relevant passage (abstaining counts as a miss)."""
    return rate(evidence_cited)


# --- abstention ------------------------------------------------------------------------------------------

def rate(flags: Sequence[bool]) -> float | None:
    """Mean of booleans; None for an empty list (the metric is undefined, not zero)."""
    return sum(bool(f) for f in flags) / len(flags) if flags else None


def abstention_rate(abstained_unanswerable: Sequence[bool]) -> float | None:
    """Share of unanswerable questions answered with 资料中没有找到 (higher is better)."""
    return rate(abstained_unanswerable)


def false_abstention_rate(abstained_answerable: Sequence[bool]) -> float | None:
    """Share of answerable questions the answerer abstained on (lower is better)."""
    return rate(abstained_answerable)


@dataclass(frozen=True)
class ThresholdPoint:
    """Outcome of abstaining whenever confidence < threshold."""

    threshold: float
    abstain_unanswerable: float
    answer_answerable: float
    balanced_accuracy: float


def at_threshold(confidences: Sequence[float], answerable: Sequence[bool], threshold: float) -> ThresholdPoint:
    """Balanced accuracy = mean of (abstention rate on unanswerable, answer rate on answerable)."""
    unans = [c < threshold for c, a in zip(confidences, answerable) if not a]
    ans = [c >= threshold for c, a in zip(confidences, answerable) if a]
    u, a = rate(unans) or 0.0, rate(ans) or 0.0
    return ThresholdPoint(round(threshold, 6), u, a, (u + a) / 2)


def threshold_curve(confidences: Sequence[float], answerable: Sequence[bool]) -> list[ThresholdPoint]:
    """The outcome at every distinct confidence value (abstain below it) and just above the largest."""
    values = sorted(set(confidences))
    if not values:
        return []
    return [at_threshold(confidences, answerable, t) for t in values + [values[-1] + 0.01]]


def best_threshold(confidences: Sequence[float], answerable: Sequence[bool]) -> ThresholdPoint | None:
    """Midpoint of the lowest threshold interval with the highest balanced accuracy (None without both classes)."""
    if all(answerable) or not any(answerable) or not confidences:
        return None
    values = sorted(set(confidences))
    curve = threshold_curve(confidences, answerable)
    best_i = max(range(len(curve)), key=lambda i: (curve[i].balanced_accuracy, -i))
    upper = curve[best_i].threshold
    lower = values[best_i - 1] if best_i > 0 else 0.0
    return at_threshold(confidences, answerable, (lower + upper) / 2)


# --- latency ---------------------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean; None for no values."""
    return sum(values) / len(values) if values else None
