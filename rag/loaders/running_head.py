"""A printed page's running head and footer (paper, date, 第N版, section, editors) -> page metadata, not text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .base import DocMeta
from .date_values import iso_date
from .layout import Box

TOP_ZONE = 0.12  # share of the page height where a masthead can sit
BOTTOM_ZONE = 0.10
_CJK = r"\u4e00-\u9fff"
_DATE_RE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
_PAGE_RE = re.compile(r"第\s*([0-9０-９]{1,3}|[A-Z][0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*版")
_WEEKDAY_RE = re.compile(r"(?:星期|周)[一二三四五六日天]")
_EDITOR_RE = re.compile(r"(?:责任编辑|责编|美术编辑|美编|校对|审读|审校|版式|编辑|组版|终审)[:：]?")
_PAPER_RE = re.compile(rf"[{_CJK}]{{1,8}}(?:日报|晚报|晨报|早报|时报|商报|周报|导报|青年报|法治报|经济报)")
_FOLIO_RE = re.compile(r"^\s*(?:[A-Z]?\d{1,3}|-\s*\d{1,3}\s*-)\s*$")
_SECTION_RE = re.compile(rf"[{_CJK}]{{2,4}}")  # a section name printed apart from the masthead: 要闻
_MARKERS = (_DATE_RE, _PAGE_RE, _WEEKDAY_RE, _EDITOR_RE)


def is_running_line(text: str) -> bool:
    """Does a line look like part of a masthead or page footer (date, 第N版, weekday, editors, paper)?"""
    text = text.strip()
    if any(r.search(text) for r in _MARKERS):
        return True
    return bool(_PAPER_RE.fullmatch(text))


def _overlaps(a: Box, b: Box) -> bool:
    return min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5 * min(a.height, b.height)


def split_running_head(lines: Sequence[Box], page_height: float) -> tuple[list[Box], DocMeta]:
    """Line boxes of the article text, and the metadata of the masthead/footer rows taken out.

    A row at the top or bottom of the page that holds a running-head marker is taken out whole, with
    the short fields beside it (section name, folio), so a headline just under the masthead stays.
    """
    top = [b for b in lines if b.y1 <= TOP_ZONE * page_height]
    bottom = [b for b in lines if b.y0 >= (1 - BOTTOM_ZONE) * page_height]
    head_rows = [b for b in top if is_running_line(b.text)]
    foot_rows = [b for b in bottom if is_running_line(b.text) or _FOLIO_RE.match(b.text)]
    head = [b for b in top if any(_overlaps(b, r) for r in head_rows)]
    foot = [b for b in bottom if any(_overlaps(b, r) for r in foot_rows)]
    taken = {id(b) for b in head + foot}
    body = [b for b in lines if id(b) not in taken]
    order = sorted(head, key=lambda b: (b.y0, b.x0))
    return body, running_meta([b.text for b in order], [b.text for b in foot])


def split_running_text(text: str) -> tuple[str, DocMeta]:
    """The same for a page's plain text (OCR): leading and trailing running-head paragraphs go to metadata."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    head: list[str] = []
    foot: list[str] = []
    while paragraphs and len(head) < 6 and len(paragraphs[0]) <= 60 and (
            is_running_line(paragraphs[0]) or (head and _SECTION_RE.fullmatch(paragraphs[0].strip()))):
        head.append(paragraphs.pop(0))
    while paragraphs and len(paragraphs[-1]) <= 60 and len(foot) < 4 and (
            is_running_line(paragraphs[-1]) or _FOLIO_RE.match(paragraphs[-1])):
        foot.insert(0, paragraphs.pop())
    return "\n\n".join(paragraphs), running_meta(head, foot)


def running_meta(head: Sequence[str], foot: Sequence[str] = ()) -> DocMeta:
    """Paper, ISO date, page (第3版) and section from masthead texts; editors from the footer."""
    every = " ".join([*head, *foot])
    date = _DATE_RE.search(every)
    published = iso_date(f"{date.group(1)}-{date.group(2)}-{date.group(3)}") if date else None
    page = _PAGE_RE.search(every)
    paper = _PAPER_RE.search(" ".join(head)) or _PAPER_RE.search(every)
    section = ""
    for token in " ".join(head).split():
        if (re.fullmatch(rf"[{_CJK}]{{2,6}}", token) and not any(r.search(token) for r in _MARKERS)
                and not (paper and paper.group(0) in token)):
            section = token
            break
    extra = {}
    editors = " ".join(t.strip() for t in foot if _EDITOR_RE.search(t))
    if editors:
        extra["editors"] = editors
    return DocMeta(published=published, paper=paper.group(0) if paper else "",
                   page=f"第{page.group(1)}版" if page else "", section=section, extra=extra)
