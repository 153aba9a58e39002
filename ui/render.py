"""HTML and Markdown for the page: answers, sources with highlighted evidence, hits, files, progress."""

from __future__ import annotations

import html
import re

from rag.answer.models import Answer, Citation
from rag.models import Hit

ANSWERER_LABELS = {"extractive": "抽取式回答", "llm": "大模型回答"}
RETRIEVER_LABELS = {"bm25": "BM25", "dense": "向量"}


def esc(text: str) -> str:
    """HTML-escape text; `$` too, because gr.HTML renders values through a `${…}` template."""
    return html.escape(text or "", quote=True).replace("$", "&#36;")


_MD_SPECIAL = re.compile(r"([\\`*_~|#>])")


def md_escape(text: str) -> str:
    """Text shown literally inside Markdown: news text may contain *, #, _ or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text or "", quote=False))


def highlight(passage: str, start: int, end: int) -> str:
    """The passage, escaped, with [start, end) wrapped in <mark> (escaping each piece, never the markup)."""
    start, end = max(0, min(start, len(passage))), max(0, min(end, len(passage)))
    if end <= start:
        return esc(passage)
    return f"{esc(passage[:start])}<mark>{esc(passage[start:end])}</mark>{esc(passage[end:])}"


def where(title: str, dateline: str, source: str, start: int | None = None, end: int | None = None,
          published: str | None = None) -> str:
    """'published · dateline · file:start–end' line under a title."""
    parts = [f"<span class='src-date'>{esc(published)}</span>"] if published else []
    parts += [esc(dateline)] if dateline else []
    loc = esc(source) + (f":{start}–{end}" if start is not None and end is not None else "")
    parts.append(f"<span class='src-file'>{loc}</span>")
    return " · ".join(parts)


def unverified_by_citation(answer: Answer) -> dict[int, list[str]]:
    """Citation number -> problems of the answer sentences citing it that failed verification."""
    out: dict[int, list[str]] = {}
    for sentence in answer.sentences:
        if not sentence.verified:
            for number in sentence.citations:
                out.setdefault(number, []).extend(sentence.problems or ("句中的数字、日期或名称未在来源中找到",))
    return out


def answer_markdown(answer: Answer) -> str:
    """The chat message: the answer with [n] markers, ⚠ notes, and a one-line list of its sources."""
    if answer.abstained:
        lines = [f"**{md_escape(answer.text or '资料中没有找到相关信息。')}**"]
        if answer.related:
            lines.append("可能相关的资料见右侧“来源”：")
            lines.extend(f"- {md_escape(h.title or h.source)}" + (f"（{md_escape(h.dateline)}）" if h.dateline else "")
                         for h in answer.related)
    else:
        text = md_escape(answer.text)
        short = md_escape(answer.short_answer)
        if short and text.startswith(short):  # the short answer leads the text: make it stand out
            text = f"**{short}**{text[len(short):]}"
        lines = [text]
    for sentence in answer.sentences:
        if not sentence.verified:
            why = "；".join(sentence.problems)
            lines.append(f"> ⚠ 未核实：{md_escape(sentence.text)}" + (f"（{md_escape(why)}）" if why else ""))
    lines.extend(f"> 注：{md_escape(note)}" for note in answer.notes)
    if answer.citations:
        refs = "　".join(f"[{c.number}] {md_escape(c.title or c.source)}" for c in answer.citations)
        lines.append(f"<small>来源：{refs}</small>")
    return "\n\n".join(lines)


def citation_card(c: Citation, problems: list[str]) -> str:
    badge = ""
    if problems:
        badge = f"<span class='badge warn' title='{esc('；'.join(problems))}'>⚠ 未核实</span>"
    return (f"<div class='src-card{' unverified' if problems else ''}' data-number='{c.number}'>"
            f"<div class='src-head'><span class='src-num'>[{c.number}]</span>"
            f"<span class='src-title'>{esc(c.title or '（无标题）')}</span>{badge}</div>"
            f"<div class='src-meta'>{where(c.title, c.dateline, c.source, c.start, c.end, c.published)}</div>"
            f"<div class='src-passage'>{highlight(c.passage, c.sentence_start, c.sentence_end)}</div>"
            + (f"<div class='src-dated'>按发表日期：{esc(c.sentence_dated)}</div>" if c.sentence_dated else "")
            + (f"<div class='src-warn'>⚠ 未核实：{esc('；'.join(problems))}</div>" if problems else "")
            + "</div>")


def hit_card(h: Hit, label: str = "") -> str:
    return (f"<div class='src-card related'>"
            f"<div class='src-head'><span class='src-num'>{esc(label)}</span>"
            f"<span class='src-title'>{esc(h.title or '（无标题）')}</span></div>"
            f"<div class='src-meta'>{where(h.title, h.dateline, h.source, h.start, h.end, h.published)}</div>"
            f"<div class='src-passage'>{esc(h.text)}</div></div>")


def sources_html(answer: Answer) -> str:
    """The sources panel: each cited passage with its supporting sentence marked, or 可能相关 when abstaining."""
    parts = [f"<div class='src-question'>问：{esc(answer.question)}</div>"]
    if answer.abstained:
        parts.append("<div class='src-empty'>资料中没有找到相关信息。</div>")
        if answer.related:
            parts.append("<div class='src-section'>可能相关</div>")
            parts.extend(hit_card(h, "·") for h in answer.related)
    else:
        problems = unverified_by_citation(answer)
        parts.extend(citation_card(c, problems.get(c.number, [])) for c in answer.citations)
    parts.append(f"<div class='src-foot'>{esc(timing_line(answer))}</div>")
    return "<div class='sources'>" + "".join(parts) + "</div>"


def timing_line(answer: Answer) -> str:
    label = ANSWERER_LABELS.get(answer.answerer, answer.answerer)
    t = answer.timings
    parts = [label]
    if "retrieve" in t:
        parts.append(f"检索 {t['retrieve']:.2f} 秒")
    if "answer" in t:
        parts.append(f"作答 {t['answer']:.2f} 秒")
    return " · ".join(parts)


def hits_html(question: str, hits: list[Hit] | tuple[Hit, ...], mode: str = "") -> str:
    """The retrieval view: top hits with the fused score and each retriever's rank and score."""
    if not hits:
        return placeholder("没有检索到相关段落。")
    rows = []
    for h in hits:
        sides = []
        for name, label in RETRIEVER_LABELS.items():
            if name in h.ranks:
                sides.append(f"{label} 第{h.ranks[name]}名（{h.scores.get(name, 0):.3f}）")
            elif mode in ("", "hybrid"):
                sides.append(f"{label} —")
        rows.append(
            f"<div class='hit'><div class='hit-head'><span class='src-num'>#{h.rank}</span>"
            f"<span class='src-title'>{esc(h.title or '（无标题）')}</span>"
            f"<span class='hit-score' title='融合得分'>{h.score:.4f}</span></div>"
            f"<div class='src-meta'>{where(h.title, h.dateline, h.source, h.start, h.end, h.published)}</div>"
            f"<div class='hit-ranks'>{esc('　'.join(sides))}</div>"
            f"<div class='hit-text'>{esc(h.text)}</div></div>")
    head = f"<div class='src-question'>检索：{esc(question)}" + (f"（{esc(mode)}）" if mode else "") + "</div>"
    return "<div class='hits'>" + head + "".join(rows) + "</div>"


def placeholder(message: str) -> str:
    return f"<div class='panel-empty'>{esc(message)}</div>"


def error_markdown(message: str) -> str:
    return f"⚠ {md_escape(message)}"


def progress_html(message: str, done: int = 0, total: int = 0, kind: str = "busy") -> str:
    """A status line for uploads, with a progress bar while embedding."""
    bar = f"<progress value='{done}' max='{total}'></progress> {done}/{total}" if total else ""
    return f"<div class='status {kind}'>{esc(message)} {bar}</div>"
