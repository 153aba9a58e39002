"""Answer or abstain: a logistic model over several signals, its coefficients fitted by eval/fit_abstention.py."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from ..errors import RagError
from ..models import Hit

FEATURES = ("evidence", "type_match", "focus_match", "qualifier_match", "agreement", "coverage", "focus_in_passages",
            "clause_coverage")
MODEL_FILE = "abstention.json"


@dataclass(frozen=True)
class AbstentionModel:
    """P(the best candidate answers the question) = sigmoid(bias + Σ weight·signal); abstain below threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, signals: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * signals.get(name, 0.0) for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def load_model() -> AbstentionModel:
    """The packaged coefficients (rag/answer/abstention.json)."""
    try:
        data = json.loads(files("rag.answer").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
        # a signal the file does not weigh counts zero (a model fitted before the signal existed)
        return AbstentionModel({k: float(data["weights"].get(k, 0.0)) for k in FEATURES}, float(data["bias"]),
                               float(data["threshold"]))
    except (OSError, KeyError, ValueError) as exc:
        raise RagError(f"rag/answer/{MODEL_FILE} is missing or malformed ({exc}); "
                       "re-create it with `python -m eval.fit_abstention`") from None


def agreement(hit: Hit, hits: list[Hit], top: int = 5) -> float:
    """Share of the retrievers that ran whose top `top` holds the passage (1.0 when no ranks are known)."""
    sides = {name for h in hits for name in h.ranks}
    if not sides:
        return 1.0
    return sum(1 for name in sides if hit.ranks.get(name, top + 1) <= top) / len(sides)
