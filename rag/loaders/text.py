"""Plain text pages (.txt, .md): decode UTF-8 / GB18030 / UTF-16 and hand the page to segmentation."""

from __future__ import annotations

from pathlib import Path

from .base import DocMeta, LoadedDoc, PageProgress


class TextLoader:
    """The original format: a newspaper page or an article as text."""

    name = "text"
    suffixes = (".txt", ".md", ".markdown", ".text")

    def sniff(self, head: bytes) -> bool:
        from .registry import looks_binary

        return not looks_binary(head)

    def load(self, path: Path, data: bytes, progress: PageProgress | None = None) -> list[LoadedDoc]:
        from ..loading import decode_bytes

        text, encoding = decode_bytes(data)
        return [LoadedDoc(text.replace("\r\n", "\n").replace("\r", "\n"), DocMeta(extra={"encoding": encoding}))]


LOADER = TextLoader()
