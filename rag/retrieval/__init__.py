"""Search an index: named retrievers (BM25, dense, any registered one) fused by a convex mix or RRF."""

from .fusion import reciprocal_rank_fusion
from .retrievers import Retriever, register
from .settings import MODES, RetrievalSettings

__all__ = ["MODES", "RetrievalSettings", "Retriever", "reciprocal_rank_fusion", "register"]
