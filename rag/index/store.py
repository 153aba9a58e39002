"""SQLite store of files, articles and chunks; a chunk's row number is its vector's row."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..models import Article, Chunk

SCHEMA = """
CREATE TABLE files (name TEXT PRIMARY KEY, path TEXT, root TEXT, sha256 TEXT, encoding TEXT,
                    articles INTEGER, chunks INTEGER, indexed_at TEXT);
CREATE TABLE articles (id TEXT PRIMARY KEY, source TEXT, position INTEGER, title TEXT, dateline TEXT, data TEXT);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT UNIQUE, article_id TEXT, source TEXT, title TEXT,
                     dateline TEXT, ordinal INTEGER, text TEXT, start INTEGER, end INTEGER, spans TEXT,
                     text_hash TEXT, tokens TEXT);
CREATE INDEX chunks_source ON chunks(source);
CREATE INDEX articles_source ON articles(source);
"""


@dataclass(frozen=True)
class FileRecord:
    name: str
    path: str
    root: str
    sha256: str
    encoding: str
    articles: int
    chunks: int
    indexed_at: str


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def create(path: Path) -> sqlite3.Connection:
    conn = connect(path)
    conn.executescript(SCHEMA)
    return conn


def write_file(conn: sqlite3.Connection, rec: FileRecord) -> None:
    conn.execute("INSERT INTO files VALUES (?,?,?,?,?,?,?,?)",
                 (rec.name, rec.path, rec.root, rec.sha256, rec.encoding, rec.articles, rec.chunks, rec.indexed_at))


def write_article(conn: sqlite3.Connection, payload: dict, position: int) -> None:
    conn.execute("INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?)",
                 (payload["id"], payload["source"], position, payload["title"], payload["dateline"],
                  json.dumps(payload, ensure_ascii=False)))


def article_payload(art: Article) -> dict:
    data = art.to_dict()
    data["paragraph_spans"] = [[list(s) for s in p.spans] for p in art.paragraphs]
    return data


def write_chunk(conn: sqlite3.Connection, row: int, chunk: Chunk, text_hash: str, tokens: list[str]) -> None:
    conn.execute("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                 (row, chunk.id, chunk.article_id, chunk.source, chunk.title, chunk.dateline, chunk.ordinal,
                  chunk.text, chunk.start, chunk.end, json.dumps([list(s) for s in chunk.spans]), text_hash,
                  "\t".join(tokens)))


def read_files(conn: sqlite3.Connection) -> dict[str, FileRecord]:
    return {r["name"]: FileRecord(**dict(r)) for r in conn.execute("SELECT * FROM files ORDER BY name")}


def chunk_from_row(r: sqlite3.Row) -> Chunk:
    return Chunk(id=r["id"], article_id=r["article_id"], source=r["source"], title=r["title"], dateline=r["dateline"],
                 ordinal=r["ordinal"], text=r["text"], start=r["start"], end=r["end"],
                 spans=tuple(tuple(s) for s in json.loads(r["spans"])))


def _of_file(name: str) -> tuple[str, tuple[str, str, str]]:
    """WHERE clause for the texts of one file: `name` itself or `name#key` (a PDF page, a record); uses the index."""
    return "(source=? OR (source>=? AND source<?))", (name, name + "#", name + "$")  # '$' sorts right after '#'


def chunks_of_source(conn: sqlite3.Connection, source: str) -> list[tuple[int, Chunk, str, list[str]]]:
    """Chunks of one file (all its pages or records), in row order, with their text hash and BM25 tokens."""
    where, params = _of_file(source)
    rows = conn.execute(f"SELECT * FROM chunks WHERE {where} ORDER BY row", params)
    return [(r["row"], chunk_from_row(r), r["text_hash"], r["tokens"].split("\t") if r["tokens"] else [])
            for r in rows]


def rows_of_source(conn: sqlite3.Connection, source: str) -> list[int]:
    """Chunk rows of one file (all its pages or records)."""
    where, params = _of_file(source)
    return [r[0] for r in conn.execute(f"SELECT row FROM chunks WHERE {where} ORDER BY row", params)]


def hash_rows(conn: sqlite3.Connection) -> dict[str, int]:
    """text hash -> vector row, the embedding cache of an existing index."""
    return {r["text_hash"]: r["row"] for r in conn.execute("SELECT text_hash, row FROM chunks")}


def articles_of_source(conn: sqlite3.Connection, source: str) -> list[dict]:
    """Article payloads of one file, in page order."""
    where, params = _of_file(source)
    rows = conn.execute(f"SELECT data FROM articles WHERE {where} ORDER BY position", params)
    return [json.loads(r["data"]) for r in rows]


def chunks_by_rows(conn: sqlite3.Connection, rows: list[int]) -> dict[int, Chunk]:
    if not rows:
        return {}
    out: dict[int, Chunk] = {}
    for start in range(0, len(rows), 900):  # SQLite's bound-parameter limit
        part = rows[start:start + 900]
        marks = ",".join("?" * len(part))
        for r in conn.execute(f"SELECT * FROM chunks WHERE row IN ({marks})", part):
            out[r["row"]] = chunk_from_row(r)
    return out


def article_data(conn: sqlite3.Connection, article_id: str) -> dict | None:
    r = conn.execute("SELECT data FROM articles WHERE id=?", (article_id,)).fetchone()
    return json.loads(r["data"]) if r else None
