"""Parse header fields: datelines, bylines and a title derived from the first sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

DATELINE_RE = re.compile(
    r"^(?P<dl>(?:本报|新华社|中新社|中新网|人民网|央视网)(?P<place>[\u4e00-\u9fff]{0,6}?)"
    r"(?:(?P<y1>\d{4})年)?(?:(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日)?(?:讯|电)"
    r"(?:[ \u3000]*(?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日)?"
    r"(?:[（(]记者[^）)]{1,20}[）)])?)[ \u3000,，:：]*"
)
DATE_LINE_RE = re.compile(
    r"^(?:日期[:：]\s*)?(?P<y>\d{4})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
ROLE_RE = re.compile(r"[^\s□]*?(?:本报记者|记者|通讯员|实习生|特约撰稿人|撰稿|摄影|摄)")
LEADING_TIME_RE = re.compile(
    r"^(?:(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:[上下中]午|晚间?|早上|凌晨|傍晚)?|近日|日前|连日来|当天|今天|昨天|"
    r"近期|目前|眼下|今年以来|\d{1,2}月\d{1,2}日至\d{1,2}日)[，,]"
)


@dataclass(frozen=True)
class Dateline:
    text: str
    month: int | None
    day: int | None
    year: int | None


def match_dateline(text: str) -> tuple[Dateline, int] | None:
    """A dateline at the start of `text` and the length of the prefix to skip (dateline + separator)."""
    m = DATELINE_RE.match(text)
    if not m:
        return None
    month = m.group("m1") or m.group("m2")
    day = m.group("d1") or m.group("d2")
    year = m.group("y1") or m.group("y2")
    return (Dateline(m.group("dl").strip(), _int(month), _int(day), _int(year)), m.end())


def match_date_line(text: str) -> Dateline | None:
    """A line that is only a date (2024-03-12, 2024年3月12日): common in single-article archives."""
    m = DATE_LINE_RE.match(text.strip())
    if not m:
        return None
    return Dateline(text.strip(), int(m.group("m")), int(m.group("d")), int(m.group("y")))


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def parse_reporters(byline: str) -> tuple[str, ...]:
    """Names in a byline: `□青岛日报/观海新闻记者 吴 帅` -> (吴帅,); roles and 报道 dropped."""
    text = byline.lstrip("□口 \u3000").strip()
    text = re.sub(r"报道\s*$", "", text)
    text = ROLE_RE.sub(" ", text)
    tokens = [t for t in re.split(r"[\s,，、/]+", text) if t and re.fullmatch(r"[\u4e00-\u9fff·]{1,5}", t)]
    names: list[str] = []
    pending = ""
    for tok in tokens:
        # Two-character names are typeset with a space in the middle (吴 帅).
        if len(tok) == 1:
            pending += tok
            if len(pending) == 2:
                names.append(pending)
                pending = ""
        else:
            if pending:
                names.append(pending)
                pending = ""
            names.append(tok)
    if pending:
        names.append(pending)
    return tuple(names)


def derive_title(first_paragraph: str, max_len: int = 30) -> str:
    """A short title from the first sentence when the page lost the real one."""
    sentence = re.split(r"(?<=[。！？!?])", first_paragraph.strip(), maxsplit=1)[0]
    sentence = sentence.rstrip("。！？!? ")
    previous = None
    while previous != sentence:
        previous = sentence
        sentence = LEADING_TIME_RE.sub("", sentence, count=1)
    if len(sentence) <= max_len:
        return sentence
    clauses = re.split(r"(?<=[，,；;：:])", sentence)
    title = ""
    for clause in clauses:
        if len(title) + len(clause) > max_len:
            break
        title += clause
    title = title.rstrip("，,；;：:")
    return title if len(title) >= 8 else sentence[: max_len - 1] + "…"
