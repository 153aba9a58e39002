"""Saved news pages: the article's title, main text, author, date and URL through trafilatura; the rest left out."""

from __future__ import annotations

import codecs
import re
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from ..errors import LoadError
from ..loading import decode_bytes
from .base import DocMeta, LoadedDoc, PageProgress
from .date_values import iso_date

MIN_ARTICLE_CHARS = 30  # below this the page holds no article (a 404, an index of links)
DATE_WINDOW = 300  # a visible date line sits within this many characters after the title

# Removed before extraction: trafilatura's fallbacks would otherwise keep menus, ads and comments.
_CLASS_TOKENS = ("ad", "ads", "gg", "advert", "advertisement", "banner", "comment", "comments", "related",
                 "recommend", "share", "nav", "navbar", "menu", "footer", "breadcrumb", "sidebar", "copyright")
_CLASS_PARTS = ("advert", "guanggao", "comment", "related", "recommend", "breadcrumb", "sidebar", "footer",
                "share", "pinglun", "xiangguan", "tuijian")


def _class_is(token: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {token} ') or @id='{token}'"


PRUNE_XPATHS = (
    "//nav", "//footer", "//aside", "//header[not(ancestor::article)]", "//iframe", "//form",
    "//*[" + " or ".join(_class_is(t) for t in _CLASS_TOKENS) + "]",
    "//*[" + " or ".join(f"contains(@class,'{p}') or contains(@id,'{p}')" for p in _CLASS_PARTS) + "]",
)
HTMLDATE_PARAMS = {
    # The extensive search guesses from any number in the text (a "2015年" in the body became 2015-01-01).
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%d",
}

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_START_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title)[\s>]", re.I)
_AUTHOR_LINE_RE = re.compile(r"(?:作者|记者|编辑)\s*[:：]?\s*([\u4e00-\u9fff·]{2,8})")
_GB_NAMES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "ms936", "euc-cn"}


def decode_html(data: bytes) -> tuple[str, str]:
    """Text and encoding: BOM, else the declared charset (meta or XML), else UTF-8/GB18030/UTF-16 detection."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    head = data[:4096]
    declared = _XML_ENCODING_RE.search(head) or _CHARSET_RE.search(head)
    if declared:
        name = declared.group(1).decode("ascii").lower()
        name = "gb18030" if name in _GB_NAMES else name  # GB18030 is a superset the pages really use
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration (a page re-saved as UTF-8 keeps its old meta tag)
    return decode_bytes(data)


class HtmlLoader:
    """One article per page: trafilatura's main text with the page's metadata."""

    name: ClassVar[str] = "html"
    suffixes: ClassVar[tuple[str, ...]] = (".html", ".htm", ".xhtml")

    def sniff(self, head: bytes) -> bool:
        """An HTML tag among the first bytes (UTF-16 pages decoded first)."""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        return bool(_HTML_START_RE.search(head[:2048]))

    def load(self, path: Path, data: bytes, progress: PageProgress | None = None) -> list[LoadedDoc]:
        """The page's article; LoadError when the page holds none."""
        html, encoding = decode_html(data)
        html = _XML_DECL_RE.sub("", html, count=1)  # lxml refuses a str that declares its encoding
        doc = extract_article(html)
        return [replace(doc, meta=replace(doc.meta, extra={**doc.meta.extra, "encoding": encoding}))]


def extract_article(html: str) -> LoadedDoc:
    """Title, paragraphs, author, date and canonical URL of the article in one page (never fetches)."""
    from trafilatura import bare_extraction  # imported here: loading it costs ~0.5 s

    found = bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True,
                            include_images=False, include_links=False, favor_precision=True,
                            prune_xpath=list(PRUNE_XPATHS), date_extraction_params=HTMLDATE_PARAMS)
    text = (found.text or "") if found is not None else ""
    title = " ".join((found.title or "").split()) if found is not None else ""
    paragraphs = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if title and title in paragraphs[:3]:
        paragraphs.remove(title)  # the h1 repeats the title (below a kicker line, if any)
    body = "\n\n".join(paragraphs)
    if sum(not ch.isspace() for ch in body) < MIN_ARTICLE_CHARS:
        raise LoadError("no article text in this page (only navigation, links or a few words); "
                        "save the article's own page, not a section or index page")
    page = _PageFacts(html)
    published = (iso_date(found.date) if found.date else None) or page.date_after(title)
    meta = DocMeta(published=published, title=title or page.meta("og:title"),
                   author=_author(found.author, page, title), url=found.url or page.meta("og:url"),
                   extra={k: v for k, v in (("site", found.sitename or ""),
                                            ("description", found.description or "")) if v})
    return LoadedDoc(text=body, meta=meta, single_article=True)


def _author(extracted: str | None, page: _PageFacts, title: str) -> str:
    # trafilatura drops Chinese names from <meta name="author">; read the tag, then a 作者： line.
    for candidate in (extracted, page.meta("author"), page.meta("article:author")):
        if candidate and candidate.strip() and not candidate.startswith("http"):
            return " ".join(candidate.split())
    m = _AUTHOR_LINE_RE.search(page.after(title))
    return m.group(1) if m else ""


class _PageFacts:
    """Meta tags and the visible text of a page, for what trafilatura misses."""

    def __init__(self, html: str):
        from lxml import etree
        from lxml import html as lxml_html

        try:
            self.tree = lxml_html.fromstring(html)
        except (etree.ParserError, ValueError):
            self.tree = None
        self._text: str | None = None

    def meta(self, name: str) -> str:
        if self.tree is None:
            return ""
        for attr in ("property", "name", "itemprop"):
            values = self.tree.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if values and values[0].strip():
                return values[0].strip()
        return ""

    def visible_text(self) -> str:
        if self._text is None:
            self._text = ""
            if self.tree is not None:
                from lxml import etree

                etree.strip_elements(self.tree, "script", "style", "noscript", with_tail=False)
                body = self.tree.find("body")
                self._text = " ".join((body if body is not None else self.tree).text_content().split())
        return self._text

    def after(self, title: str) -> str:
        """The visible text right after each place the title is printed (the info line with date and author)."""
        text = self.visible_text()
        if not title:
            return ""
        spans, start = [], text.find(title)
        while start >= 0:
            spans.append(text[start + len(title): start + len(title) + DATE_WINDOW])
            start = text.find(title, start + 1)
        return " ".join(spans)

    def date_after(self, title: str) -> str | None:
        """A full date printed just below the title ("2024年03月13日 08:00 来源：…")."""
        for match in re.finditer(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}", self.after(title)):
            found = iso_date(match.group(0))
            if found:
                return found
        return None


LOADER = HtmlLoader()
