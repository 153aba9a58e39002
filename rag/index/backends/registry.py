"""Resolve an `--index` value to an opened backend: a folder is the local index, `milvus:URI` a Milvus collection."""

from __future__ import annotations

from .location import (
    DEFAULT_COLLECTION,
    ENV_MILVUS_TOKEN,
    INDEX_CHOICES,
    MILVUS_PREFIX,
    IndexLocation,
    is_milvus,
    parse_index_location,
)

__all__ = ["DEFAULT_COLLECTION", "ENV_MILVUS_TOKEN", "INDEX_CHOICES", "MILVUS_PREFIX", "IndexLocation", "is_milvus",
           "open_backend", "parse_index_location"]


def open_backend(location: IndexLocation, embedder: str | None = None, chunking: tuple[int, int, int] | None = None):
    """The opened index at `location`, refusing one built with another embedder or chunking."""
    if location.kind == "local":
        from ..handle import Index

        return Index.open(location.path, embedder=embedder, chunking=chunking)
    from .milvus import MilvusIndex

    return MilvusIndex.open(location, embedder=embedder, chunking=chunking)
