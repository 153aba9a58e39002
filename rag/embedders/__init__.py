"""Embedding backends behind one small contract; `make_embedder` picks one by name."""

from .base import Embedder
from .registry import EMBEDDER_CHOICES, make_embedder

__all__ = ["EMBEDDER_CHOICES", "Embedder", "make_embedder"]
