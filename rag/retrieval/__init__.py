"""Search an index: BM25, dense, or both fused with reciprocal rank fusion."""

from .fusion import reciprocal_rank_fusion
from .settings import MODES, RetrievalSettings

__all__ = ["MODES", "RetrievalSettings", "reciprocal_rank_fusion"]
