"""Split a page into articles: find headers by their bylines and datelines, then build each article."""

from __future__ import annotations

from ..loading import SourceText
from ..models import Article
from .assemble import build_article, reattach_fragments
from .draft import Draft
from .fields import match_date_line, match_dateline
from .lines import Line, looks_like_heading, looks_like_names, read_lines
from .text_rules import ends_sentence

HEADER_MAX = 60


class _Page:
    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.markdown = any(line.md_level for line in lines)

    def heading(self, i: int, max_len: int = HEADER_MAX) -> bool:
        """Could line i be a title, kicker or subtitle?"""
        if not 0 <= i < len(self.lines):
            return False
        line = self.lines[i]
        if self.markdown:
            return line.md_level > 0
        return (line.kind == "text" and looks_like_heading(line.text, max_len)
                and match_dateline(line.text) is None and match_date_line(line.text) is None)

    def body_text(self, i: int) -> bool:
        if not 0 <= i < len(self.lines):
            return False
        line = self.lines[i]
        return line.kind == "text" and not self.heading(i) and not looks_like_names(line.text)

    def closed_before(self, i: int) -> bool:
        """Does the text before line i end a sentence (or is there nothing before)?"""
        if i == 0:
            return True
        prev = self.lines[i - 1]
        return prev.kind != "text" or ends_sentence(prev.text) or self.heading(i - 1)


def find_anchors(page: _Page) -> tuple[dict[int, Draft], dict[int, int]]:
    """Article starts keyed by their first header line, and trailers (title line -> names line)."""
    lines = page.lines
    starts: list[tuple[int, Draft, bool]] = []  # (anchor line, draft, anchor line is itself the title)
    trailers: dict[int, int] = {}
    for i, line in enumerate(lines):
        if line.kind == "byline":
            nxt = i + 1
            if page.heading(nxt) and any(lines[k].kind == "byline" for k in range(nxt + 1, min(nxt + 4, len(lines)))):
                # A photo's 记者 credit sitting above the next title: the line is a caption.
                lines[i] = Line(i, line.text, line.start, line.end, 0, "caption")
                prev = lines[i - 1] if i else None
                if prev is not None and prev.kind == "text" and ends_sentence(prev.text) and len(prev.text) <= 80:
                    lines[i - 1] = Line(i - 1, prev.text, prev.start, prev.end, prev.md_level, "caption")
                continue
            starts.append((i, Draft(byline=line, content_start=i + 1), False))
        elif line.kind == "continuation":
            starts.append((i, Draft(content_start=i), False))
        elif line.kind == "text" and match_dateline(line.text) and not (i and lines[i - 1].kind == "byline"):
            starts.append((i, Draft(content_start=i), False))
        elif line.kind == "text" and looks_like_names(line.text) and page.heading(i - 1):
            if page.body_text(i + 1):
                starts.append((i, Draft(byline=line, content_start=i + 1), False))
            else:
                trailers[i - 1] = i
        elif page.heading(i) and i + 1 < len(lines) and lines[i + 1].kind == "bullet" and page.closed_before(i):
            starts.append((i, Draft(content_start=i + 1), True))
    anchored: dict[int, Draft] = {}
    for i, draft, is_title in starts:
        draft.header = _collect_header(page, i, trailers, include_self=is_title)
        anchored[draft.header[0].index if draft.header else i] = draft
    return anchored, trailers


def _collect_header(page: _Page, anchor: int, trailers: dict[int, int], include_self: bool) -> list[Line]:
    """Up to three title lines right above the anchor (or starting at it for bullet-led articles)."""
    claimed = set(trailers) | set(trailers.values())
    header: list[Line] = []
    j = anchor if include_self else anchor - 1
    while j >= 0 and len(header) < 3 and page.heading(j) and j not in claimed:
        if page.lines[j].kind == "byline":
            break
        header.insert(0, page.lines[j])
        j -= 1
    if len(header) == 3 and not _kicker_shaped(header[0], page.markdown):
        header = header[1:]
    return header


def _kicker_shaped(line: Line, markdown: bool) -> bool:
    text = line.text
    if markdown or text.endswith(("——", "……", "：", ":")):
        return True
    return len(text) <= 16 and not any(ch in text for ch in "，,、；;")


def split_articles(source: SourceText) -> list[Article]:
    """All articles of one file, in page order; a file without headers is one article."""
    page = _Page(read_lines(source.text))
    if not page.lines:
        return []
    anchors, trailers = find_anchors(page)
    drafts: list[Draft] = []
    current: Draft | None = None
    entered: set[int] = set()
    i = 0
    while i < len(page.lines):
        line = page.lines[i]
        if i in anchors and i not in entered:
            entered.add(i)
            current = anchors[i]
            drafts.append(current)
            i = current.content_start
            continue
        if i in trailers and current is not None:
            current.trailer = [line, page.lines[trailers[i]]]
            current = None
            i = trailers[i] + 1
            continue
        if current is None:
            current = Draft()
            drafts.append(current)
            if not drafts[:-1]:
                current.header = _single_file_title(page)
                if current.header:
                    i = current.header[-1].index + 1
                    continue
        current.items.append(line)
        if line.kind == "credit":
            current.closed_by_credit = True
            current = None
        i += 1
    drafts = [d for d in drafts if d.items or d.header]
    built = [build_article(source, d, page.markdown) for d in drafts]
    return reattach_fragments(source, [a for a in built if a is not None])


def _single_file_title(page: _Page) -> list[Line]:
    """A leading title line of a file whose first article has no byline (a user's one-article file)."""
    if len(page.lines) > 1 and page.heading(0) and page.lines[1].kind in ("text", "bullet"):
        return [page.lines[0]]
    return []
