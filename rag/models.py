"""Records that flow through the pipeline: articles, paragraphs and chunks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """A repaired paragraph; `spans` are the original [start, end) pieces it was joined from."""

    text: str
    kind: str  # body | bullet
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Article:
    """One article of a page: header fields, body paragraphs, and what was kept apart from the body."""

    id: str
    source: str
    title: str
    title_derived: bool
    kicker: str
    subtitle: str
    byline: str
    reporters: tuple[str, ...]
    dateline: str
    month: int | None
    day: int | None
    year: int | None
    headings: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    captions: tuple[str, ...]
    boilerplate: tuple[str, ...]
    start: int
    end: int
    # Where the byline, dateline and captions are printed: passages show them, the body does not.
    byline_para: Paragraph | None = None
    dateline_para: Paragraph | None = None
    caption_paras: tuple[Paragraph, ...] = ()
    # Where and when it was published, from the file's format or its text (None / "" when unknown).
    published: str | None = None  # ISO date
    paper: str = ""
    page: str = ""
    section: str = ""
    url: str = ""

    @property
    def body(self) -> str:
        """Body paragraphs (including summary bullets) joined by newlines."""
        return "\n".join(p.text for p in self.paragraphs)

    def to_dict(self) -> dict:
        """JSON-ready dict with the body as text and paragraphs without spans."""
        data = asdict(self)
        data["body"] = self.body
        data["paragraphs"] = [p.text for p in self.paragraphs]
        data["reporters"] = list(self.reporters)
        data["headings"] = list(self.headings)
        data["captions"] = list(self.captions)
        data["boilerplate"] = list(self.boilerplate)
        for key in ("byline_para", "dateline_para", "caption_paras"):
            data.pop(key, None)
        return data


@dataclass(frozen=True)
class Chunk:
    """A sentence-aligned passage of one article, with original offsets into its source file."""

    id: str
    article_id: str
    source: str
    title: str
    dateline: str
    ordinal: int
    text: str
    start: int
    end: int
    spans: tuple[tuple[int, int], ...] = field(default=())

    def embed_text(self) -> str:
        """What retrievers see: the title gives a passage its topic."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def to_dict(self) -> dict:
        data = asdict(self)
        data["spans"] = [list(s) for s in self.spans]
        return data


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its article fields, fused score and each retriever's rank and score."""

    rank: int
    chunk_id: str
    article_id: str
    title: str
    dateline: str
    source: str
    text: str
    score: float
    start: int
    end: int
    spans: tuple[tuple[int, int], ...] = ()
    ranks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    published: str | None = None  # the article's ISO publication date, when known

    def to_dict(self) -> dict:
        data = asdict(self)
        data["spans"] = [list(s) for s in self.spans]
        return data
