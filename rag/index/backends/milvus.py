"""A Milvus collection as an index (Milvus Lite file or server): chunks keyed by chunk id, BM25 and HNSW inside
the engine, the manifest in `<collection>_meta` checked on open like a folder's."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ...errors import EmptyIndexError, IndexDamagedError, RagError
from ...models import Chunk, Hit
from .. import published
from ..manifest import FORMAT_VERSION, Manifest
from ..store import FileRecord
from .base import ChunkFilter, FileChunks, IndexStats, SparseCandidates
from .location import IndexLocation
from .milvus_schema import (
    CHUNK_FIELDS,
    META_SUFFIX,
    connect,
    create_chunk_collection,
    create_collections,
    file_filter,
    literal,
    load_collections,
    meta_row,
    milvus_error,
)

INSERT_BATCH = 256


class MilvusIndex:
    """An opened Milvus index: the same search path as the local folder, keys are chunk ids."""

    name = "milvus"

    def __init__(self, location: IndexLocation, client, manifest: Manifest, embedder_instance=None):
        self.location = location
        self.folder = str(location)  # what reports print where a local index shows its folder
        self.client = client
        self.collection = location.collection
        self.meta = location.collection + META_SUFFIX
        self.manifest = manifest
        self._embedder = embedder_instance
        self._lock = threading.Lock()
        self.size = manifest.chunks
        self.has_dates = bool(manifest.extra.get("has_dates", True))
        self._dated = False  # a chunk with a publication date was put since opening

    # --- opening, creating ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, location: IndexLocation, embedder: str | None = None,
             chunking: tuple[int, int, int] | None = None, embedder_instance=None) -> MilvusIndex:
        """Open a collection, refusing one built with another embedder or chunking (with the rebuild command)."""
        client = connect(location)
        try:
            exists = client.has_collection(location.collection) and client.has_collection(location.collection
                                                                                         + META_SUFFIX)
        except Exception as exc:
            raise milvus_error(location, exc) from None
        if not exists:
            raise RagError(f"no index in Milvus at {location.uri}: no collection {location.collection}; build one "
                           f"with `rag index --index milvus:{location.uri} --collection {location.collection} "
                           f"--from .rag-index`")
        try:
            load_collections(client, location.collection)
        except Exception as exc:
            raise milvus_error(location, exc) from None
        manifest = read_manifest(client, location)
        manifest.check(f"milvus:{location.uri}", embedder=embedder, chunking=chunking)
        index = cls(location, client, manifest, embedder_instance)
        count = index.count_chunks()
        if count != manifest.chunks:
            raise IndexDamagedError(f"Milvus index {location} holds {count} chunks, its manifest says "
                                    f"{manifest.chunks}; rebuild with `rag index --rebuild --index "
                                    f"milvus:{location.uri} --from .rag-index`")
        return index

    @classmethod
    def create(cls, location: IndexLocation, manifest: Manifest) -> MilvusIndex:
        """Empty collections for an index built with the manifest's settings (an existing one is replaced)."""
        client = connect(location, create=True)
        try:
            create_collections(client, location.collection, manifest.dimension)
        except RagError:
            raise
        except Exception as exc:
            raise milvus_error(location, exc) from None
        index = cls(location, client, manifest)
        index.write_manifest(manifest)
        return index

    # --- the contract: writes by file ---------------------------------------------------------------------
    def put_file(self, item: FileChunks) -> None:
        """Replace everything of one file: its chunks, vectors, articles and record."""
        name = item.record.name
        self.delete_file(name)
        rows = [{"id": c.id, "search_text": c.embed_text(), "vector": [float(x) for x in v], "file": name,
                 "source": c.source, "article_id": c.article_id, "title": c.title, "dateline": c.dateline,
                 "text": c.text, "spans": json.dumps([list(s) for s in c.spans]), "text_hash": h,
                 "ordinal": c.ordinal, "start_offset": c.start, "end_offset": c.end, "published": int(day)}
                for c, v, h, day in zip(item.chunks, item.vectors, item.text_hashes, item.published_days)]
        self._dated = self._dated or any(int(day) >= 0 for day in item.published_days)
        meta = [meta_row("file", name, name, item.record.__dict__)]
        meta += [meta_row("article", a["id"], name, a) for a in item.articles]
        try:
            for start in range(0, len(rows), INSERT_BATCH):
                self.client.insert(self.collection, rows[start:start + INSERT_BATCH])
            for start in range(0, len(meta), INSERT_BATCH):
                self.client.insert(self.meta, meta[start:start + INSERT_BATCH])
        except Exception as exc:
            raise milvus_error(self.location, exc) from None

    def delete_file(self, name: str) -> None:
        try:
            self.client.delete(self.collection, filter=file_filter(name))
            self.client.delete(self.meta, filter=file_filter(name))
        except Exception as exc:
            raise milvus_error(self.location, exc) from None

    def commit(self) -> None:
        """Make the puts and deletes durable and the manifest's counts those of the files held (each write is
        searchable as it is made; Lite ranks BM25 per segment until rag.index.backends.milvus_sync rewrites it)."""
        self.flush()
        held = self.files()
        extra = {**self.manifest.extra, "has_dates": bool(self.has_dates or self._dated)}
        self.write_manifest(replace(self.manifest, files=len(held), articles=sum(f.articles for f in held),
                                    chunks=sum(f.chunks for f in held), extra=extra))
        self.flush()

    def flush(self) -> None:
        """Make the writes durable and visible before counts are read."""
        for name in (self.collection, self.meta):
            try:
                self.client.flush(name)
            except Exception:
                pass  # Milvus Lite writes through; only a server needs the flush

    def write_manifest(self, manifest: Manifest) -> None:
        from dataclasses import asdict

        self.client.upsert(self.meta, [meta_row("manifest", "manifest", "", asdict(manifest))])
        self.manifest = manifest
        self.size = manifest.chunks
        self.has_dates = bool(manifest.extra.get("has_dates", True))

    def rewrite_chunks(self) -> None:
        """Re-insert every chunk into a fresh collection. Milvus Lite keeps BM25 statistics per segment (chunks
        added later were scored against their own small segment, and compaction does nothing), so after an
        incremental update of a Lite index the whole collection is written again."""
        fields = [f for f in CHUNK_FIELDS if f != "id"] + ["id", "search_text", "vector", "file", "text_hash"]
        try:
            rows, iterator = [], self.client.query_iterator(self.collection, batch_size=1000, filter="",
                                                            output_fields=fields)
            while batch := iterator.next():
                rows.extend(batch)
            iterator.close()
            self.client.drop_collection(self.collection)
            create_chunk_collection(self.client, self.collection, self.manifest.dimension)
            for start in range(0, len(rows), INSERT_BATCH):
                self.client.insert(self.collection, [dict(r) for r in rows[start:start + INSERT_BATCH]])
            self.client.load_collection(self.collection)
        except Exception as exc:
            raise milvus_error(self.location, exc) from None

    # --- the contract: lookups --------------------------------------------------------------------------------
    def count_chunks(self) -> int:
        rows = self._call(self.client.query, self.collection, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def files(self) -> list[FileRecord]:
        rows = self._call(self.client.query, self.meta, filter='kind == "file"', output_fields=["value"])
        return sorted((FileRecord(**json.loads(r["value"])) for r in rows), key=lambda f: f.name)

    def article(self, article_id: str) -> dict | None:
        rows = self._call(self.client.get, self.meta, ids=[f"article:{article_id}"], output_fields=["value"])
        return json.loads(rows[0]["value"]) if rows else None

    def chunks_of_file(self, name: str) -> list[Chunk]:
        rows = self._call(self.client.query, self.collection, filter=file_filter(name), output_fields=CHUNK_FIELDS)
        return sorted((_chunk(r) for r in rows), key=lambda c: (c.source, c.start, c.ordinal))

    def text_hashes(self, name: str) -> dict[str, str]:
        rows = self._call(self.client.query, self.collection, filter=file_filter(name),
                          output_fields=["id", "text_hash"])
        return {r["id"]: r["text_hash"] for r in rows}

    def stats(self) -> IndexStats:
        m = self.manifest
        return IndexStats("milvus", str(self.location), m.files, m.articles, m.chunks, m.embedder, m.dimension)

    @property
    def embedder(self):
        if self._embedder is None:
            from ...embedders.registry import shared_embedder

            self._embedder = shared_embedder(self.manifest.embedder)
        return self._embedder

    def search(self, query: str, k: int | None = None, mode: str | None = None, settings=None) -> list[Hit]:
        """Top-k hits through the same search path as the local folder (rag.retrieval.search); settings or k/mode,
        not both."""
        from ...limits import check_question
        from ...retrieval.search import run_search
        from ...retrieval.settings import search_settings

        settings = search_settings(k, mode, settings)
        check_question(query)
        if self.size == 0:
            raise EmptyIndexError(f"index {self.location} is empty; add files with `rag index FILES --index "
                                  f"milvus:{self.location.uri}`")
        return run_search(self, query, settings)

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass  # closing a client whose server went away has nothing left to release

    # --- the search surface (SearchableIndex) -----------------------------------------------------------------
    def restriction(self, chunk_filter: ChunkFilter) -> str | None:
        parts = []
        if chunk_filter.source:
            parts.append(f"({file_filter(chunk_filter.source)} or source == {literal(chunk_filter.source)})")
        if chunk_filter.since or chunk_filter.until:
            parts.append("published >= 0")
        if chunk_filter.since:
            parts.append(f"published >= {published.to_days(chunk_filter.since)}")
        if chunk_filter.until:
            parts.append(f"published <= {published.to_days(chunk_filter.until)}")
        return " and ".join(parts) or None

    def restriction_is_empty(self, restriction: str) -> bool:
        return False  # the searches themselves return nothing; a count would cost one more call

    def sparse_candidates(self, query: str, depth: int, restriction: str | None) -> SparseCandidates:
        found = self._sparse(query, depth, restriction)
        keys = list(found)

        def score_of(wanted: Sequence[str]) -> np.ndarray:
            missing = [key for key in wanted if key not in found]
            known = dict(found)
            if missing:  # BM25 scores of dense-only candidates, exactly (0 when no query word is in them)
                known.update(self._sparse(query, len(missing), f"id in {json.dumps(missing, ensure_ascii=False)}"))
            return np.asarray([known.get(key, 0.0) for key in wanted], dtype=np.float64)

        return SparseCandidates(keys, np.asarray([found[k] for k in keys], dtype=np.float32), score_of)

    def _sparse(self, query: str, limit: int, restriction: str | None) -> dict[str, float]:
        result = self._call(self.client.search, self.collection, data=[query], anns_field="sparse", limit=limit,
                            filter=restriction or "", output_fields=["id"], search_params={"metric_type": "BM25"})
        # Milvus Lite reports BM25 as a negated distance, a server as the score: the magnitude is the score
        return {hit["id"]: abs(float(hit["distance"])) for hit in result[0] if hit["distance"]}

    def dense_candidates(self, vector: np.ndarray, depth: int, restriction: str | None):
        result = self._call(self.client.search, self.collection, data=[[float(x) for x in vector]],
                            anns_field="vector", limit=depth, filter=restriction or "", output_fields=["id"],
                            search_params={"metric_type": "IP", "params": {"ef": max(depth, 128)}})
        hits = result[0]
        return np.asarray([h["distance"] for h in hits], dtype=np.float32), [h["id"] for h in hits]

    def dense_scores(self, keys: Sequence[str], vector: np.ndarray) -> np.ndarray:
        rows = {r["id"]: r["vector"] for r in self._call(self.client.get, self.collection, ids=list(keys),
                                                          output_fields=["id", "vector"])}
        matrix = np.asarray([rows[k] for k in keys], dtype=np.float32)
        return matrix @ vector.astype(np.float32)

    def chunks_by_keys(self, keys: Sequence[str]) -> dict[str, Chunk]:
        if not keys:
            return {}
        rows = self._call(self.client.get, self.collection, ids=list(keys), output_fields=CHUNK_FIELDS)
        return {r["id"]: _chunk(r) for r in rows}

    def published_days(self, keys: Sequence[str]) -> dict[str, int]:
        if not keys:
            return {}
        rows = self._call(self.client.get, self.collection, ids=list(keys), output_fields=["id", "published"])
        return {r["id"]: int(r["published"]) for r in rows}

    def _call(self, method, *args, **kwargs):
        try:
            with self._lock:  # one client shared by the page's worker threads
                return method(*args, **kwargs)
        except RagError:
            raise
        except Exception as exc:
            raise milvus_error(self.location, exc) from None


def read_manifest(client, location: IndexLocation) -> Manifest:
    """The manifest stored beside the collection; its format version must be this program's."""
    try:
        rows = client.get(location.collection + META_SUFFIX, ids=["manifest:manifest"], output_fields=["value"])
    except Exception as exc:
        raise milvus_error(location, exc) from None
    if not rows:
        raise IndexDamagedError(f"Milvus index {location} has no manifest; rebuild with `rag index --rebuild "
                                f"--index milvus:{location.uri} --from .rag-index`")
    data = json.loads(rows[0]["value"])
    if data.get("format_version") != FORMAT_VERSION:
        from ...errors import IndexMismatchError

        raise IndexMismatchError(f"index {location} has format version {data.get('format_version')}, this program "
                                 f"reads {FORMAT_VERSION}; rebuild with `rag index --rebuild --index "
                                 f"milvus:{location.uri} --from .rag-index`")
    known = set(Manifest.__dataclass_fields__)
    return Manifest(**{k: v for k, v in data.items() if k in known})


def _chunk(r: dict) -> Chunk:
    return Chunk(id=r["id"], article_id=r["article_id"], source=r["source"], title=r["title"],
                 dateline=r["dateline"], ordinal=int(r["ordinal"]), text=r["text"], start=int(r["start_offset"]),
                 end=int(r["end_offset"]), spans=tuple(tuple(s) for s in json.loads(r["spans"])))
