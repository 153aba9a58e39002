"""Answer records: the text with [n] markers, its citations, per-sentence verification, timings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..models import Hit

NOT_FOUND = "资料中没有找到相关信息。"


@dataclass(frozen=True)
class Citation:
    """Passage [number]: where it comes from and the sentence that supports the claim."""

    number: int
    chunk_id: str
    article_id: str
    title: str
    dateline: str
    source: str
    passage: str
    sentence: str
    sentence_start: int  # offsets of the supporting sentence inside `passage`
    sentence_end: int
    start: int  # offsets of the passage in the source file
    end: int
    published: str | None = None  # the article's ISO publication date, when known
    # The supporting sentence with its relative times resolved from that date for display
    # (今年（2024年）前2个月); "" when there is nothing to resolve. `sentence` itself stays as printed.
    sentence_dated: str = ""


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of the answer; `verified` when its numbers, dates and names occur in what it cites."""

    text: str
    citations: tuple[int, ...]
    verified: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...]
    sentences: tuple[AnswerSentence, ...]
    abstained: bool
    short_answer: str
    answerer: str
    hits: tuple[Hit, ...]
    related: tuple[Hit, ...] = ()  # closest passages offered as 可能相关 when abstaining
    confidence: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    rewritten_question: str = ""  # the follow-up as understood from earlier turns; "" when asked as is
    signals: dict[str, float] = field(default_factory=dict)  # what the abstention model saw

    def to_dict(self) -> dict:
        data = asdict(self)
        data["hits"] = [h.to_dict() for h in self.hits]
        data["related"] = [h.to_dict() for h in self.related]
        return data
