"""manifest.json: what an index was built with, checked against the running settings on load."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import IndexMismatchError, RagError

FORMAT_VERSION = 1
TOKENIZER = "jieba-search+stopwords-v1"


@dataclass(frozen=True)
class Manifest:
    embedder: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    chunk_max_size: int
    dense_kind: str
    files: int
    articles: int
    chunks: int
    built_at: str
    build_seconds: float
    tokenizer: str = TOKENIZER
    format_version: int = FORMAT_VERSION
    extra: dict = field(default_factory=dict)

    def write(self, folder: Path) -> None:
        (folder / "manifest.json").write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / "manifest.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RagError(f"{folder} is not an index (no manifest.json); build one with `rag index --index {folder}`") from None
        except json.JSONDecodeError as exc:
            raise RagError(f"{path} is damaged ({exc}); rebuild with `rag index --rebuild --index {folder}`") from None
        if data.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"index {folder} has format version {data.get('format_version')}, this program reads "
                f"{FORMAT_VERSION}; rebuild with `rag index --rebuild --index {folder}`")
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def check(self, folder: Path, embedder: str | None = None, chunking: tuple[int, int, int] | None = None) -> None:
        """Refuse to use an index built with another embedder or chunking; say how to rebuild."""
        problems = []
        if embedder is not None and embedder != self.embedder:
            problems.append(f"embedder is '{self.embedder}' in the index but '{embedder}' is configured")
        if chunking is not None and tuple(chunking) != (self.chunk_size, self.chunk_overlap, self.chunk_max_size):
            size, overlap, max_size = chunking
            problems.append(f"chunking is size={self.chunk_size}/overlap={self.chunk_overlap}/"
                            f"max={self.chunk_max_size} in the index but size={size}/overlap={overlap}/"
                            f"max={max_size} is configured")
        if self.tokenizer != TOKENIZER:
            problems.append(f"BM25 tokenizer is '{self.tokenizer}' in the index but this program uses '{TOKENIZER}'")
        if problems:
            flags = f" --embedder {embedder}" if embedder else ""
            if chunking is not None:
                flags += f" --chunk-size {chunking[0]} --chunk-overlap {chunking[1]}"
            raise IndexMismatchError(
                f"index {folder} does not match the running settings: " + "; ".join(problems)
                + f". Rebuild it from its own sources with `rag index --rebuild --index {folder}{flags}`"
                + " or choose another folder with --index.")

    @property
    def sources(self) -> list[str]:
        """The files and folders the index was built from (absolute paths), for a rebuild without paths."""
        return list(self.extra.get("sources", []))
