"""Files -> articles -> chunks: the ingestion step shared by the CLI, the index and the page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from .chunking import ChunkSettings, chunk_article
from .dates import date_from_filename, date_from_text_head
from .errors import LoadError
from .loaders.base import PageProgress
from .loading import LoadProblem, SourceText, find_files, load_texts
from .models import Article, Chunk
from .segment import split_articles


@dataclass(frozen=True)
class Document:
    """One ingested file: its texts (one, or one per PDF page or record), articles, chunks and warnings."""

    sources: tuple[SourceText, ...]
    articles: tuple[Article, ...]
    chunks: tuple[Chunk, ...]
    warnings: tuple[str, ...] = ()

    @property
    def source(self) -> SourceText:
        """The first text: the file's name, path, hash and encoding."""
        return self.sources[0]


def ingest_source(source: SourceText, settings: ChunkSettings = ChunkSettings()) -> Document:
    """Split one decoded text into articles (carrying its publication metadata) and chunks."""
    return ingest_sources([source], settings)


def ingest_sources(sources: list[SourceText], settings: ChunkSettings = ChunkSettings(),
                   warnings: tuple[str, ...] = ()) -> Document:
    """Split the texts of one file into articles and chunks."""
    articles = unique_ids([a for s in sources for a in with_publication(split_articles(s), s)])
    chunks = tuple(c for a in articles for c in chunk_article(a, settings))
    return Document(tuple(sources), articles, chunks, warnings)


def unique_ids(articles: list[Article]) -> tuple[Article, ...]:
    """One id per article even when a file repeats one (a reprint, a duplicated record): the first keeps its id."""
    seen: dict[str, int] = {}
    out = []
    for article in articles:
        repeats = seen.get(article.id, 0)
        seen[article.id] = repeats + 1
        if repeats:  # the index keys articles and chunks by id: a repeat would break the whole update
            article = replace(article, id=hashlib.sha1(f"{article.id}\n{repeats}".encode()).hexdigest()[:16])
        out.append(article)
    return tuple(out)


def with_publication(articles: list[Article], source: SourceText) -> list[Article]:
    """The articles with the date, paper, page and URL their text gave, else a date from the head of each
    article, of the text, or of the file name (the last two looked up once per text)."""
    meta = source.meta
    fallback = meta.published or date_from_text_head(source.text[:200]) or date_from_filename(source.path.name)
    return [replace(a, published=meta.published or date_from_text_head(source.text[a.start:a.start + 200])
                    or fallback, paper=meta.paper, page=meta.page, section=meta.section, url=meta.url)
            for a in articles]


def ingest_file(path: Path, name: str | None = None, settings: ChunkSettings = ChunkSettings(),
                progress: PageProgress | None = None) -> Document:
    """Load and split one file of any supported format; raises LoadError with a readable reason."""
    sources, warnings = load_texts(path, name, progress)
    try:
        doc = ingest_sources(sources, settings, tuple(warnings))
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
            doc = ingest_file(item.path, item.name, settings)
            docs.append(doc)
            problems.extend(LoadProblem(item.path, w, partial=True) for w in doc.warnings)
        except LoadError as exc:
            problems.append(LoadProblem(item.path, str(exc)))
    return docs, problems
