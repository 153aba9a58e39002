"""Word .docx files: paragraphs and tables in order; each top-level heading starts an article."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from ..errors import LoadError
from .base import DocMeta, LoadedDoc, PageProgress
from .date_values import head_date, iso_date

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .doc, and the container Word wraps a password-protected .docx in
ZIP_MAGIC = b"PK\x03\x04"
HEADER_MAX_CHARS = 80  # text before the first heading this short is the page's masthead, not an article
# python-docx's own template carries these; a file made by it has no real author or creation date.
TEMPLATE_AUTHOR = "python-docx"
TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15)

_HEADING_STYLE_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_TITLE_STYLES = {"title", "标题"}
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class _Block:
    """A heading (level >= 0; 0 is the Title style) or a body paragraph (level None)."""

    text: str
    level: int | None


@dataclass
class _Article:
    headings: list[tuple[str, int]] = field(default_factory=list)  # (text, level)
    body: list[str] = field(default_factory=list)


class DocxLoader:
    """Reads .docx with python-docx: one article per top-level heading, or one page when there are none."""

    name: ClassVar[str] = "docx"
    suffixes: ClassVar[tuple[str, ...]] = (".docx",)

    def sniff(self, head: bytes) -> bool:
        """A zip whose first entry declares a WordprocessingML document."""
        return head.startswith(ZIP_MAGIC) and (b"word/" in head or b"wordprocessingml" in _first_zip_entry(head))

    def load(self, path: Path, data: bytes, progress: PageProgress | None = None) -> list[LoadedDoc]:
        """The articles of the file; LoadError for an empty, broken, encrypted or old-format file."""
        blocks, props = read_docx(data)
        return docs_from_blocks(blocks, props)


LOADER = DocxLoader()


def read_docx(data: bytes) -> tuple[list[_Block], DocMeta]:
    """Headings and paragraphs in reading order, plus the core properties as metadata."""
    if not data:
        raise LoadError("empty file (0 bytes); re-save it from Word as .docx")
    if data.startswith(OLE_MAGIC):
        raise LoadError("an old Word .doc or a password-protected .docx; open it in Word and save it as a "
                        ".docx without a password")
    import docx  # imported here: only .docx files pay for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(f"not a readable Word .docx file ({type(exc).__name__}); re-save it from Word as .docx"
                        ) from None
    except Exception as exc:  # lxml's XMLSyntaxError and friends from a damaged part
        raise LoadError(f"damaged Word .docx file ({type(exc).__name__}: {exc}); re-save it from Word") from None
    blocks = []
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            blocks.extend(_Block(row, None) for row in _table_rows(item))
            continue
        text = _clean(item.text)
        if text:
            blocks.append(_Block(text, _heading_level(item)))
    return blocks, _core_meta(document)


def _clean(text: str) -> str:
    lines = (" ".join(line.replace("\u3000", " ").split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = _clean(cell.text).replace("\n", " ")
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _heading_level(paragraph) -> int | None:
    """0 for the Title style, N for Heading N (by style name, its base styles, or an outline level)."""
    style = paragraph.style
    while style is not None:
        name = (style.name or "").strip().lower()
        if name in _TITLE_STYLES:
            return 0
        m = _HEADING_STYLE_RE.match(name)
        if m:
            return int(m.group(1))
        style = style.base_style
    ppr = paragraph._p.pPr
    outline = ppr.find(f"{_W_NS}outlineLvl") if ppr is not None else None
    if outline is not None:
        value = outline.get(f"{_W_NS}val", "")
        if value.isdigit() and int(value) < 9:  # 9 means body text
            return int(value) + 1
    return None


def _core_meta(document) -> DocMeta:
    props = document.core_properties
    created = props.created
    if created is not None and created.replace(tzinfo=None) == TEMPLATE_CREATED:
        created = None
    author = (props.author or "").strip()
    return DocMeta(published=iso_date(created) if created else None, title=(props.title or "").strip(),
                   author="" if author == TEMPLATE_AUTHOR else author)


def docs_from_blocks(blocks: list[_Block], props: DocMeta) -> list[LoadedDoc]:
    """One single-article doc per top-level heading; without headings, one page for the page segmentation."""
    if not any(b.text for b in blocks):
        raise LoadError("no text in this Word file (only images or empty paragraphs?)")
    levels = [b.level for b in blocks if b.level is not None]
    top = _article_level(blocks, levels)
    if top is None:
        text = "\n\n".join(b.text for b in blocks)
        return [LoadedDoc(text=text, meta=_meta(props, props.title, text), single_article=False)]
    preamble, articles = _group(blocks, top)
    page_date = None
    docs: list[LoadedDoc] = []
    if preamble:
        text = "\n\n".join(preamble)
        if len(text) <= HEADER_MAX_CHARS and len(preamble) <= 3:
            page_date = iso_date(text)  # a masthead line: 青岛日报 2024年3月13日 星期三 第3版
        else:
            docs.append(LoadedDoc(text=text, meta=_meta(props, props.title, text), key="before the first heading"))
    for number, article in enumerate(articles, start=1):
        title, *subtitles = _title_first(article.headings)
        text = "\n\n".join([*subtitles, *article.body])
        if not text:
            continue  # a heading with nothing under it
        meta = _meta(props, title, text, page_date)
        docs.append(LoadedDoc(text=text, meta=meta, single_article=True, key=f"article {number}"))
    if not docs:
        raise LoadError("only headings and no paragraphs in this Word file")
    return docs


def _article_level(blocks: list[_Block], levels: list[int]) -> int | None:
    """The heading level that starts articles; a lone leading Title above Heading N paragraphs names the file."""
    if not levels:
        return None
    deeper = [lv for lv in levels if lv > 0]
    if levels.count(0) == 1 and deeper and blocks[0].level == 0:
        blocks[0].level = None  # the document's title line: kept as preamble text
        return min(deeper)
    return min(levels)


def _group(blocks: list[_Block], top: int) -> tuple[list[str], list[_Article]]:
    """Text before the first top heading, and articles whose header is the run of headings around the top one.

    A smaller heading right above a top heading is that article's kicker; one right below is its subtitle.
    """
    preamble: list[str] = []
    articles: list[_Article] = []
    pending: list[_Block] = []  # smaller headings after body text: a section heading or the next kicker
    for block in blocks:
        current = articles[-1] if articles else None
        if block.level is not None and block.level <= top:
            if current is None or current.body or pending:
                articles.append(_Article(headings=[(b.text, b.level) for b in pending]))
                pending = []
            articles[-1].headings.append((block.text, block.level))
        elif block.level is not None and current is not None and not current.body:
            current.headings.append((block.text, block.level))  # a subtitle right under the title
        elif block.level is not None:
            pending.append(block)
        else:
            target = current.body if current is not None else preamble
            target.extend(b.text for b in pending)
            pending = []
            target.append(block.text)
    if pending:
        (articles[-1].body if articles else preamble).extend(b.text for b in pending)
    return preamble, articles


def _title_first(headings: list[tuple[str, int]]) -> list[str]:
    """The title, then the other header lines in order (kicker above, subtitle below), as the page prints them."""
    top = min(level for _, level in headings)
    tops = [i for i, (_, level) in enumerate(headings) if level == top]
    index = tops[0]
    if len(tops) > 1 and tops[1] == index + 1:
        # Two lines in the title's style: the first is a kicker when it reads like one (引题——) or when a
        # third header line follows (kicker, title, subtitle), as the page segmentation reads three lines.
        if headings[index][0].endswith(("——", "—", "……", "：", ":")) or len(headings) > index + 2:
            index = tops[1]
    texts = [text for text, _ in headings]
    return [texts[index], *texts[:index], *texts[index + 1:]]


def _meta(props: DocMeta, title: str, text: str, page_date: str | None = None) -> DocMeta:
    # The article's own date line beats the masthead's, which beats the file's creation date.
    published = head_date(text) or page_date or props.published
    extra = {"document_title": props.title} if props.title and props.title != title else {}
    return DocMeta(published=published, title=title, author=props.author, extra=extra)


def _first_zip_entry(head: bytes) -> bytes:
    """The start of the first zip member's content (the [Content_Types].xml that names the document type)."""
    if len(head) < 30:
        return b""
    method, = struct.unpack_from("<H", head, 8)
    name_len, extra_len = struct.unpack_from("<HH", head, 26)
    payload = head[30 + name_len + extra_len:]
    if method == 0:
        return payload
    if method != 8:
        return b""
    try:
        return zlib.decompressobj(-15).decompress(payload)
    except zlib.error:
        return b""
