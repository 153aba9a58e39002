"""The abstention model: packaged coefficients, its inputs, and the fitting script's pieces on known data."""

from __future__ import annotations

import numpy as np

from rag.answer.abstention import FEATURES, agreement, load_model
from rag.models import Hit


def _hit(ranks: dict[str, int]) -> Hit:
    return Hit(rank=1, chunk_id="c", article_id="a", title="t", dateline="", source="s", text="x", score=1.0,
               start=0, end=1, ranks=ranks)


def test_packaged_model_weighs_every_signal_and_rises_with_evidence():
    model = load_model()
    assert set(model.weights) == set(FEATURES) and 0.0 < model.threshold < 1.0
    base = {name: 0.5 for name in FEATURES}
    weak, strong = dict(base, evidence=0.1), dict(base, evidence=0.9)
    assert model.probability(weak) < model.probability(strong)


def test_agreement_counts_the_retrievers_that_rank_the_passage_high():
    both, one = _hit({"bm25": 1, "dense": 2}), _hit({"bm25": 1, "dense": 40})
    hits = [both, one]
    assert agreement(both, hits) == 1.0 and agreement(one, hits) == 0.5
    assert agreement(_hit({}), [_hit({})]) == 1.0


def test_fit_recovers_the_informative_signal_and_a_separating_threshold():
    from eval.fit_abstention import choose_threshold, fit_logistic

    rng = np.random.default_rng(0)
    informative = rng.random(400)
    noise = rng.random(400)
    y = (informative > 0.5).astype(float)
    w, b = fit_logistic(np.column_stack([informative, noise]), y)
    assert w[0] > 3 * abs(w[1])
    p = 1 / (1 + np.exp(-(np.column_stack([informative, noise]) @ w + b)))
    answerable = y == 1  # every answerable row correct, every other one unanswerable
    threshold, accuracy = choose_threshold(p, answerable, answerable)
    assert accuracy > 0.95 and p[informative > 0.6].min() >= threshold > p[informative < 0.4].max()
