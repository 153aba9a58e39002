"""The Milvus collections of one index: chunks (jieba BM25 function -> sparse, e5 vector -> HNSW, metadata with
scalar indexes) and `<name>_meta` (manifest, file records, article payloads); the client and its errors."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ...errors import RagError, WorkFailedError
from .location import IndexLocation

MAX_TEXT = 65_535  # bytes: Milvus's VARCHAR limit
# bm25s's defaults, so BM25 scores mean the same on both backends
BM25_K1, BM25_B = 1.5, 0.75
HNSW_M, HNSW_EF_CONSTRUCTION = 32, 200
META_SUFFIX = "_meta"
CHUNK_FIELDS = ["id", "article_id", "source", "title", "dateline", "ordinal", "text", "start_offset",
                "end_offset", "spans", "published"]


class MilvusMissingError(RagError):
    """The pymilvus client (the `milvus` extra) is not installed."""


def import_pymilvus():
    try:
        import pymilvus
    except ImportError:
        raise MilvusMissingError("--index milvus:… needs the Milvus client: `pip install 'rag-news-zh[milvus]'` "
                                 "(pymilvus and milvus-lite)") from None
    return pymilvus


def connect(location: IndexLocation, create: bool = False):
    """A MilvusClient for the location; a missing Lite file (unless creating) or a dead server is one line."""
    pymilvus = import_pymilvus()
    # pymilvus logs every failed call with a traceback, jieba its dictionary loading: errors here are one line
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    try:
        import jieba  # Milvus Lite's analyzer loads jieba's dictionary in this process

        jieba.setLogLevel(logging.WARNING)
    except ImportError:
        pass
    if location.is_lite:
        path = Path(location.uri).expanduser()
        if not create and not path.exists():
            raise WorkFailedError(f"no Milvus Lite file at {path}; build the index with `rag index --index "
                                  f"milvus:{location.uri} --from .rag-index` (copies a local index) or "
                                  f"`rag index FILES --index milvus:{location.uri}`")
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return pymilvus.MilvusClient(uri=location.uri, token=location.token, timeout=10)
    except Exception as exc:  # pymilvus raises MilvusException or grpc errors for a dead or refusing server
        raise WorkFailedError(f"cannot reach Milvus at {location.uri} ({_reason(exc)}); start the server "
                              f"(deploy/docker-compose.yml), check the address in --index and the token in "
                              f"RAG_MILVUS_TOKEN") from None


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "message", "") or exc).strip()
    return (text.splitlines()[0][:200] if text else type(exc).__name__)


def milvus_error(location: IndexLocation, exc: Exception) -> WorkFailedError:
    """A Milvus call failing on an open collection: damaged file or a server gone, with the fix."""
    return WorkFailedError(f"Milvus index {location} failed ({_reason(exc)}); check the server, or rebuild with "
                           f"`rag index --rebuild --index milvus:{location.uri} --from .rag-index`")


def create_collections(client, collection: str, dimension: int) -> None:
    """Both collections with their indexes, loaded; an existing pair is dropped first (a rebuild)."""
    for name in (collection, collection + META_SUFFIX):
        if client.has_collection(name):
            client.drop_collection(name)
    create_chunk_collection(client, collection, dimension)
    create_meta_collection(client, collection + META_SUFFIX)


def create_chunk_collection(client, collection: str, dimension: int) -> None:
    """The chunks: text analysed by jieba into a BM25 sparse field, the e5 vector, metadata for filters."""
    pymilvus = import_pymilvus()
    DataType, Function, FunctionType = pymilvus.DataType, pymilvus.Function, pymilvus.FunctionType
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=512)
    # what the retrievers see (title + passage, as the local index); jieba splits Chinese words for BM25
    schema.add_field("search_text", DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True,
                     analyzer_params={"tokenizer": "jieba"})
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    for name, length in (("file", 2048), ("source", 2048), ("article_id", 512), ("title", 4096),
                         ("dateline", 1024), ("text", MAX_TEXT), ("spans", MAX_TEXT), ("text_hash", 64)):
        schema.add_field(name, DataType.VARCHAR, max_length=length)
    for name in ("ordinal", "start_offset", "end_offset", "published"):
        schema.add_field(name, DataType.INT64)
    schema.add_function(Function(name="search_text_bm25", function_type=FunctionType.BM25,
                                 input_field_names=["search_text"], output_field_names=["sparse"]))
    params = client.prepare_index_params()
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
    params.add_index("vector", index_type="HNSW", metric_type="IP",
                     params={"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION})
    for name in ("file", "source", "article_id", "published"):
        params.add_index(name, index_type="INVERTED")
    client.create_collection(collection, schema=schema, index_params=params)


def create_meta_collection(client, name: str) -> None:
    """Manifest, file records and article payloads, one row each, keyed `kind:key`."""
    DataType = import_pymilvus().DataType
    meta = client.create_schema(auto_id=False, enable_dynamic_field=False)
    meta.add_field("key", DataType.VARCHAR, is_primary=True, max_length=2048)
    meta.add_field("kind", DataType.VARCHAR, max_length=16)
    meta.add_field("file", DataType.VARCHAR, max_length=2048)
    meta.add_field("value", DataType.VARCHAR, max_length=MAX_TEXT)
    meta.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # a collection needs a vector field
    meta_params = client.prepare_index_params()
    meta_params.add_index("unused", index_type="FLAT", metric_type="L2")
    meta_params.add_index("kind", index_type="INVERTED")
    meta_params.add_index("file", index_type="INVERTED")
    client.create_collection(name, schema=meta, index_params=meta_params)


def load_collections(client, collection: str) -> None:
    """Collections are searchable only once loaded (a new process finds them released)."""
    for name in (collection, collection + META_SUFFIX):
        client.load_collection(name)


def meta_row(kind: str, key: str, file: str, value: dict) -> dict:
    text = json.dumps(value, ensure_ascii=False)
    if len(text.encode("utf-8")) > MAX_TEXT:
        raise RagError(f"{kind} {key} is too large for a Milvus field ({len(text.encode('utf-8'))} bytes, "
                       f"at most {MAX_TEXT}); split the file or keep this index local")
    return {"key": f"{kind}:{key}", "kind": kind, "file": file, "value": text, "unused": [0.0, 0.0]}


def literal(value: str) -> str:
    """A string literal for a Milvus filter expression."""
    return json.dumps(value, ensure_ascii=False)


def file_filter(name: str) -> str:
    return f"file == {literal(name)}"
