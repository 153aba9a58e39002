"""Index backends behind one contract keyed by chunk id: the local folder and a Milvus collection."""

from .base import ChunkFilter, IndexBackend, IndexStats, SearchableIndex
from .registry import IndexLocation, open_backend, parse_index_location

__all__ = ["ChunkFilter", "IndexBackend", "IndexLocation", "IndexStats", "SearchableIndex", "open_backend",
           "parse_index_location"]
