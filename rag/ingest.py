"""Files -> articles -> chunks: the ingestion step shared by the CLI, the index and the page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .chunking import ChunkSettings, chunk_article
from .errors import LoadError
from .loading import LoadProblem, SourceText, find_files, load_file
from .models import Article, Chunk
from .segment import split_articles


@dataclass(frozen=True)
class Document:
    """One ingested file: its decoded text, articles and chunks."""

    source: SourceText
    articles: tuple[Article, ...]
    chunks: tuple[Chunk, ...]


def ingest_source(source: SourceText, settings: ChunkSettings = ChunkSettings()) -> Document:
    """Split one decoded file into articles and chunks."""
    articles = tuple(split_articles(source))
    chunks = tuple(c for a in articles for c in chunk_article(a, settings))
    return Document(source, articles, chunks)


def ingest_file(path: Path, name: str | None = None, settings: ChunkSettings = ChunkSettings()) -> Document:
    """Load and split one file; raises LoadError with a readable reason."""
    source = load_file(path, name)
    try:
        doc = ingest_source(source, settings)
    except Exception as exc:  # a segmentation bug must not lose the other files
        raise LoadError(f"could not be split into articles ({type(exc).__name__}: {exc})") from exc
    if not doc.chunks:
        raise LoadError("no article text found")
    return doc


def ingest_paths(paths: list[Path], settings: ChunkSettings = ChunkSettings()
                 ) -> tuple[list[Document], list[LoadProblem]]:
    """Ingest every file under the paths; each bad file becomes one LoadProblem, the rest go on."""
    files, problems = find_files(paths)
    docs: list[Document] = []
    for item in files:
        try:
            docs.append(ingest_file(item.path, item.name, settings))
        except LoadError as exc:
            problems.append(LoadProblem(item.path, str(exc)))
    return docs, problems
