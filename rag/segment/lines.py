"""Split a page into non-blank lines and classify each by its shape alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text_rules import ends_sentence, has_inner_sentence_end, heading_ending_ok

BYLINE_RE = re.compile(r"^[□口]\s*\S*?(记者|通讯员|实习生|报道|撰稿|摄影|本报)")
CAPTION_MARKS = ("▲", "△", "▼", "↑", "→", "●图", "图为")
BULLET_RE = re.compile(r"^(?:[-*•·]\s+|■)")
CONTINUATION_RE = re.compile(r"^[（(]\s*(?:上接|下转|转自|接上|紧接)第?[^）)]{1,8}[）)]")
CREDIT_RE = re.compile(r"^[（(][^（）()]{1,30}[）)]$")
BOILERPLATE_RE = re.compile(r"^(?:更多内容请关注|更多精彩|扫码|关注.{0,12}(?:公众号|客户端)|责任编辑|编辑[:：]|校对[:：])")
NAME_LINE_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}(?:[ \u3000]+[\u4e00-\u9fff]{2,4}){0,3}$")
MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")


@dataclass(frozen=True)
class Line:
    """A non-blank line: stripped text, original [start, end) offsets, markdown level and shape."""

    index: int
    text: str
    start: int
    end: int
    md_level: int
    kind: str  # byline | caption | bullet | continuation | credit | boilerplate | text


def read_lines(text: str) -> list[Line]:
    """Non-blank lines with offsets into `text` (markdown `#` markers removed from the text)."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        line_start = pos
        pos += len(raw) + 1
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        start, end = line_start + lead, line_start + lead + len(stripped)
        level = 0
        m = MD_HEADING_RE.match(stripped)
        if m:
            level = len(m.group(1))
            start += len(stripped) - len(m.group(2))
            stripped = m.group(2).strip()
            end = start + len(stripped)
            if not stripped:
                continue
        out.append(Line(len(out), stripped, start, end, level, classify(stripped) if not level else "text"))
    return out


def classify(text: str) -> str:
    """The shape of a line on its own; headings and names need their neighbours and are decided later."""
    if BYLINE_RE.match(text):
        return "byline"
    if text.startswith(CAPTION_MARKS) or text.endswith("资料图片"):
        return "caption"
    if text.startswith("■"):
        # A ■ line that closes with a full stop describes a photo; one without is a summary bullet.
        return "caption" if ends_sentence(text) and len(text) <= 120 else "bullet"
    if BULLET_RE.match(text):
        return "bullet"
    if CONTINUATION_RE.match(text):
        return "continuation"
    if CREDIT_RE.match(text):
        return "credit"
    if BOILERPLATE_RE.match(text):
        return "boilerplate"
    return "text"


def looks_like_heading(text: str, max_len: int = 24) -> bool:
    """Short, no full stop inside, and an ending a heading can have."""
    if not 0 < len(text) <= max_len or has_inner_sentence_end(text):
        return False
    return heading_ending_ok(text) and (text.endswith(("——", "……")) or not ends_sentence(text))


def looks_like_names(text: str) -> bool:
    """One to four short CJK names separated by spaces, e.g. `宋晓华 段沛佑` or a pen name `青帆`."""
    return bool(NAME_LINE_RE.match(text)) and len(text.replace(" ", "")) <= 12
