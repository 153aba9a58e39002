"""Index backends behind one contract keyed by chunk id: the local folder and a Milvus collection."""

from .base import ChunkFilter, IndexBackend, IndexStats, SearchableIndex
from .location import IndexLocation, parse_index_location

# open_backend opens either backend, so it sits above the package (rag.index.open_backend): re-exported here it
# made rag.index.handle -> rag.index.backends -> registry -> rag.index.handle an import cycle
__all__ = ["ChunkFilter", "IndexBackend", "IndexLocation", "IndexStats", "SearchableIndex", "parse_index_location"]
