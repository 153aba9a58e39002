"""The on-disk index: SQLite store, FAISS vectors, bm25s; built atomically, updated incrementally."""

from .backends.registry import open_backend
from .builder import BuildReport, IndexSettings, build_index
from .handle import Index

__all__ = ["BuildReport", "Index", "IndexSettings", "build_index", "open_backend"]
