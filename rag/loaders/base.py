"""The loader contract: a file's bytes in, one or more texts with their page metadata out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

# (what, done, total): e.g. ("OCR scan.pdf", 3, 8) after the third of eight pages.
PageProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DocMeta:
    """What the format says about a text besides the text: all optional, empty when unknown."""

    published: str | None = None  # ISO date YYYY-MM-DD
    paper: str = ""  # 青岛日报
    page: str = ""  # 第3版
    section: str = ""  # 要闻
    url: str = ""
    title: str = ""  # the article title when the format carries one (HTML, records, DOCX heading)
    author: str = ""
    extra: dict = field(default_factory=dict)  # other record fields, kept for display


@dataclass(frozen=True)
class LoadedDoc:
    """One text a loader produced: a page of several articles, or (`single_article`) one article."""

    text: str
    meta: DocMeta = DocMeta()
    single_article: bool = False
    key: str = ""  # where inside the file: a record id or line, "p3" for a page; "" for the whole file
    warnings: tuple[str, ...] = ()  # e.g. "line 7: not valid JSON, skipped"


class Loader(Protocol):
    """One format: the suffixes it claims, a content check, and the reading itself."""

    name: str
    suffixes: tuple[str, ...]

    def sniff(self, head: bytes) -> bool:
        """True when the first bytes look like this format (a misnamed file is read as what it is)."""

    def load(self, path: Path, data: bytes, progress: PageProgress | None = None) -> list[LoadedDoc]:
        """The texts in `data`; raise rag.errors.LoadError with a reason a person can act on."""
