"""Build an Article from a draft's lines: header fields, headings, captions, repaired paragraphs."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field, replace

from ..loading import SourceText
from ..models import Article, Paragraph
from .draft import Draft
from .fields import Dateline, derive_title, match_date_line, match_dateline, parse_reporters
from .lines import CONTINUATION_RE, CREDIT_RE, Line, looks_like_heading
from .text_rules import ends_sentence, is_cjk, word_spans_break

SECTION_HEADING_MAX = 24
COLUMN_LABEL_MAX = 8
FRAGMENT_OPENERS = set("与和及并而但或的了之")


@dataclass
class _Para:
    kind: str
    texts: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def unfinished(self) -> bool:
        return self.kind == "body" and not ends_sentence(self.text)

    def freeze(self) -> Paragraph:
        return Paragraph(self.text, self.kind, tuple(self.spans))


@dataclass
class _Fields:
    kicker: str = ""
    title: str = ""
    subtitle: str = ""
    dateline: Dateline | None = None
    dateline_para: Paragraph | None = None
    caption_paras: list[Paragraph] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    paras: list[_Para] = field(default_factory=list)


def split_header(lines: list[Line]) -> tuple[str, str, str]:
    """(kicker, title, subtitle) from one to three title lines."""
    texts = [line.text for line in lines]
    if not texts:
        return "", "", ""
    if len(texts) == 1:
        text = texts[0]
        if "——" in text.strip("—") and not text.endswith("——"):
            # A kicker and title printed on one line: 面对……提出—— 以模式创新保持引领优势
            head, _, tail = text.rpartition("——")
            return head.strip() + "——", tail.strip(), ""
        return "", text, ""
    if len(texts) == 2:
        top, bottom = texts
        if top.endswith(("——", "……", "：", ":")) or (lines[0].md_level > lines[1].md_level > 0):
            return top, bottom, ""
        return "", top, bottom
    return texts[0], texts[1], texts[2]


def _is_section_heading(item: Line, next_text: Line | None, markdown: bool) -> bool:
    if markdown:
        return item.md_level > 0
    if next_text is None or not looks_like_heading(item.text, SECTION_HEADING_MAX):
        return False
    return not word_spans_break(item.text, next_text.text)


def _add_body(fields: _Fields, kind: str, text: str, start: int) -> None:
    span = (start, start + len(text))
    if kind == "body":
        # A paragraph cut by the PDF (no closing punctuation) continues with the next body text,
        # even across captions, bullets or a sidebar heading printed in between.
        for para in reversed(fields.paras):
            if para.kind == "body":
                if para.unfinished():
                    para.texts.append(text)
                    para.spans.append(span)
                    return
                break
    fields.paras.append(_Para(kind, [text], [span]))


def _strip_bullet(line: Line) -> tuple[str, int]:
    text = line.text
    for mark in ("- ", "* ", "• ", "■", "·"):
        if text.startswith(mark):
            rest = text[len(mark):]
            return rest.lstrip(), line.start + len(text) - len(rest.lstrip())
    return text, line.start


def _read_items(draft: Draft, markdown: bool, fields: _Fields) -> None:
    items = list(draft.items)
    next_text_at: list[Line | None] = [None] * len(items)
    upcoming: Line | None = None
    for k in range(len(items) - 1, -1, -1):
        next_text_at[k] = upcoming
        if items[k].kind == "text":
            upcoming = items[k]
    first_content = True
    for k, item in enumerate(items):
        text, start = item.text, item.start
        if item.kind == "caption" or item.kind == "byline":
            fields.captions.append(text)
            fields.caption_paras.append(Paragraph(text, "caption", ((start, item.end),)))
            continue
        if item.kind in ("boilerplate", "credit"):
            fields.boilerplate.append(text)
            continue
        if item.kind == "bullet":
            body, body_start = _strip_bullet(item)
            _add_body(fields, "bullet", body, body_start)
            continue
        if item.kind == "continuation":
            m = CONTINUATION_RE.match(text)
            fields.boilerplate.append(m.group(0))
            skip = len(text) - len(text[m.end():].lstrip())
            text, start = text[skip:], start + skip
            if not text:
                continue
        if first_content and fields.dateline is None:
            found = match_dateline(text)
            if found:
                fields.dateline, skip = found
                fields.dateline_para = Paragraph(text[:skip], "dateline", ((start, start + skip),))
                text, start = text[skip:], start + skip
                first_content = False
                if text:
                    _add_body(fields, "body", text, start)  # the text after a dateline is always body
                continue
            elif match_date_line(text):
                fields.dateline = match_date_line(text)
                fields.dateline_para = Paragraph(text, "dateline", ((start, start + len(text)),))
                continue
        next_text = next_text_at[k]
        if first_content and not markdown and next_text is not None and looks_like_heading(text, COLUMN_LABEL_MAX):
            # A column label right under the byline (青报观察).
            if fields.kicker:
                fields.headings.append(text)
            else:
                fields.kicker = text
            first_content = False
            continue
        first_content = False
        if item.kind == "text" and _is_section_heading(item, next_text, markdown):
            fields.headings.append(text)
            continue
        _add_body(fields, "body", text, start)


def article_id(source: str, title: str, body: str) -> str:
    """Stable across runs for unchanged text."""
    return hashlib.sha1(f"{source}\n{title}\n{body[:200]}".encode()).hexdigest()[:16]


def build_article(source: SourceText, draft: Draft, markdown: bool) -> Article | None:
    """Parse a draft into an Article; None when it holds no body text at all."""
    fields = _Fields()
    fields.kicker, fields.title, fields.subtitle = split_header(draft.header)
    _read_items(draft, markdown, fields)
    byline_line = draft.byline
    if draft.trailer:
        title_line, names_line = draft.trailer
        fields.title = fields.title or title_line.text
        byline_line = byline_line or names_line
    byline = byline_line.text if byline_line else ""
    paragraphs = tuple(p.freeze() for p in fields.paras if p.text)
    if not paragraphs and not fields.title:
        return None
    title_derived = not fields.title
    title = fields.title or (derive_title(paragraphs[0].text) if paragraphs else "")
    every = list(draft.header) + ([draft.byline] if draft.byline else []) + list(draft.items) + list(draft.trailer)
    start = min(line.start for line in every)
    end = max(line.end for line in every)
    body = "\n".join(p.text for p in paragraphs)
    dl = fields.dateline
    return Article(
        id=article_id(source.name, title, body), source=source.name, title=title, title_derived=title_derived,
        kicker=fields.kicker, subtitle=fields.subtitle, byline=byline.lstrip("□口 ").strip(),
        reporters=parse_reporters(byline) if byline else (), dateline=dl.text if dl else "",
        month=dl.month if dl else None, day=dl.day if dl else None, year=dl.year if dl else None,
        headings=tuple(fields.headings), paragraphs=paragraphs, captions=tuple(fields.captions),
        boilerplate=tuple(fields.boilerplate), start=start, end=end,
        byline_para=Paragraph(byline, "byline", ((byline_line.start, byline_line.end),)) if byline_line else None,
        dateline_para=fields.dateline_para, caption_paras=tuple(fields.caption_paras),
    )


def reattach_fragments(source: SourceText, articles: list[Article]) -> list[Article]:
    """Move a column fragment back to the article it continues.

    A page can end an article mid-sentence (…将树立起海) and print its rest elsewhere, closed by a
    credit line (（赵伟 袁鹏 马晓伟）). The run of paragraphs before that credit that reads like the
    truncated article (shared character bigrams) more than like its neighbours is moved there.
    """
    articles = list(articles)
    for a_idx, art in enumerate(articles):
        if not art.paragraphs or art.paragraphs[-1].kind != "body" or ends_sentence(art.paragraphs[-1].text):
            continue
        for b_idx, other in enumerate(articles):
            if b_idx == a_idx or not other.boilerplate or len(other.paragraphs) < 2:
                continue
            if not CREDIT_RE.match(other.boilerplate[-1]):
                continue
            run_at = _fragment_start(art, other)
            if run_at is None:
                continue
            moved = other.paragraphs[run_at:]
            last = art.paragraphs[-1]
            joined = Paragraph(last.text + moved[0].text, "body", last.spans + moved[0].spans)
            articles[a_idx] = _rebuilt(art, art.paragraphs[:-1] + (joined,) + moved[1:],
                                       art.boilerplate + other.boilerplate[-1:])
            articles[b_idx] = _rebuilt(other, other.paragraphs[:run_at], other.boilerplate[:-1])
            break
    return articles


def _bigrams(texts: list[str]) -> Counter:
    grams: Counter = Counter()
    for text in texts:
        grams.update(text[i:i + 2] for i in range(len(text) - 1) if is_cjk(text[i]) and is_cjk(text[i + 1]))
    return grams


def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def _fragment_start(art: Article, other: Article) -> int | None:
    target = _bigrams([p.text for p in art.paragraphs])
    texts = [p.text for p in other.paragraphs]
    best, best_score = None, 0.05
    for j in range(1, len(texts)):
        if not ends_sentence(texts[j - 1]) or other.paragraphs[j].kind != "body":
            continue
        run = _bigrams(texts[j:])
        score = _cosine(run, target) - _cosine(run, _bigrams(texts[:j]))
        if score > best_score:
            best, best_score = j, score
    # A paragraph that opens with a connective (与…, 和…) is the cut-off start of the same fragment.
    while best is not None and best > 1 and texts[best - 1][:1] in FRAGMENT_OPENERS and ends_sentence(texts[best - 2]):
        best -= 1
    return best


def _rebuilt(art: Article, paragraphs: tuple[Paragraph, ...], boilerplate: tuple[str, ...]) -> Article:
    ends = [s[1] for p in paragraphs for s in p.spans if s[0] < art.end + 1]
    end = max([art.start] + [e for e in ends if e <= art.end] or [art.end])
    return replace(art, paragraphs=paragraphs, boilerplate=boilerplate, end=max(end, art.start))
