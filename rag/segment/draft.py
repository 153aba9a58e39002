"""One article's lines while a page is split: what the page splitter gathers and the article builder reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from .lines import Line


@dataclass
class Draft:
    """Lines gathered for one article before its fields are parsed."""

    header: list[Line] = field(default_factory=list)
    byline: Line | None = None
    items: list[Line] = field(default_factory=list)
    trailer: list[Line] = field(default_factory=list)  # title and author printed after the body
    content_start: int = 0
    closed_by_credit: bool = False
