"""`st:<name or path>`: any sentence-transformers model that is present locally (no download)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import MissingModelError
from .base import Progress, batches_by_length, normalise_rows

BGE_ZH_QUERY = "为这个句子生成表示以用于检索相关文章："


def resolve_local_model(name: str) -> str:
    """A local folder, or a hub name already in the local cache; otherwise one clear error."""
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path)
    # a hub name is NAME or ORG/NAME, and may hold dots (BAAI/bge-small-zh-v1.5): only a path-like name is a folder
    if name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name:
        raise MissingModelError(f"model folder '{name}' does not exist; pass st:/path/to/a/sentence-transformers/folder")
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(name, local_files_only=True)
    except Exception:
        raise MissingModelError(
            f"embedding model '{name}' is not available offline. Download it where there is network "
            f"(`huggingface-cli download {name}`), copy the folder here and use --embedder st:/path/to/folder, "
            "or point HF_HOME at a cache that holds it"
        ) from None


class SentenceTransformerEmbedder:
    """Queries and passages get the model family's own prefixes (e5 roles, bge's Chinese instruction)."""

    def __init__(self, model: str, batch_size: int = 32, threads: int | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        location = resolve_local_model(model)
        if threads:
            import torch

            torch.set_num_threads(threads)
        self._model = SentenceTransformer(location, device="cpu", local_files_only=True)
        self.name = f"st:{model}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dim())  # renamed in sentence-transformers 5.x; the old name warns
        self.batch_size = batch_size
        lowered = model.lower()
        self._passage_prefix, self._query_prefix = "", ""
        if "e5" in lowered:
            self._passage_prefix, self._query_prefix = "passage: ", "query: "
        elif "bge" in lowered and "zh" in lowered:
            self._query_prefix = BGE_ZH_QUERY

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for batch in batches_by_length(texts, self.batch_size):
            vectors = self._model.encode([self._passage_prefix + texts[i] for i in batch],
                                         batch_size=self.batch_size, normalize_embeddings=True,
                                         show_progress_bar=False, convert_to_numpy=True)
            out[batch] = vectors
            if progress:
                progress(len(batch))
        return normalise_rows(out) if len(texts) else out

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._model.encode([self._query_prefix + text], normalize_embeddings=True,
                                    show_progress_bar=False, convert_to_numpy=True)
        return normalise_rows(vector)[0]
