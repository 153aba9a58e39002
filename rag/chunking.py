"""Sentence-aware chunking of articles into passages with stable ids and original offsets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .models import Article, Chunk, Paragraph

SENTENCE_RE = re.compile(r"[^。！？!?；;…\n]*(?:[。！？!?；;…]+[”’」』）)》\"']*|\n|$)")
CLAUSE_RE = re.compile(r"[^，,、：:]*[，,、：:]?")


@dataclass(frozen=True)
class ChunkSettings:
    """Target passage size and overlap in characters; a sentence is never cut unless longer than max."""

    size: int = 300
    overlap: int = 60
    max_size: int = 450

    def __post_init__(self) -> None:
        if self.size < 20:
            raise ValueError(f"chunk size {self.size} is too small; use at least 20 characters")
        if not 0 <= self.overlap < self.size:
            raise ValueError(f"chunk overlap {self.overlap} must be between 0 and the chunk size {self.size}")
        if self.max_size < self.size:
            raise ValueError(f"max chunk size {self.max_size} must be at least the chunk size {self.size}")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of sentences: 。！？；… plus any closing quotes or brackets after them."""
    spans = []
    for m in SENTENCE_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def _split_long(text: str, start: int, end: int, max_size: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at clause marks, then hard, so no piece exceeds max_size."""
    pieces: list[tuple[int, int]] = []
    cur = start
    for m in CLAUSE_RE.finditer(text, start, end):
        if m.end() == m.start():
            continue
        if m.end() - cur > max_size and m.start() > cur:
            pieces.append((cur, m.start()))
            cur = m.start()
        while m.end() - cur > max_size:
            pieces.append((cur, cur + max_size))
            cur += max_size
    if cur < end:
        pieces.append((cur, end))
    return pieces


def passage_paragraphs(article: Article) -> list[Paragraph]:
    """What passages are cut from: the byline line, then the body with its dateline printed in front."""
    paras = list(article.paragraphs)
    if article.dateline_para is not None:
        if paras:
            first = paras[0]
            paras[0] = Paragraph(article.dateline_para.text + first.text, first.kind,
                                 article.dateline_para.spans + first.spans)
        else:
            paras = [article.dateline_para]
    if article.byline_para is not None:
        paras.insert(0, article.byline_para)
    return paras


def body_with_offsets(article: Article, paragraphs: list[Paragraph] | None = None) -> tuple[str, list[int]]:
    """The passage text and, for each of its characters, the offset in the original file."""
    chars: list[str] = []
    offsets: list[int] = []
    for k, para in enumerate(passage_paragraphs(article) if paragraphs is None else paragraphs):
        if k:
            chars.append("\n")
            offsets.append(-1)  # the paragraph break has no single place in the original
        for start, end in para.spans:
            offsets.extend(range(start, end))
        chars.append(para.text)
    body = "".join(chars)
    return body, offsets


def _spans_of(offsets: list[int]) -> tuple[tuple[int, int], ...]:
    runs: list[list[int]] = []
    for off in offsets:
        if off < 0:
            continue
        if runs and off == runs[-1][1]:
            runs[-1][1] = off + 1
        else:
            runs.append([off, off + 1])
    return tuple((a, b) for a, b in runs)


def chunk_article(article: Article, settings: ChunkSettings = ChunkSettings()) -> list[Chunk]:
    """Greedy sentence packing up to `size`, carrying whole trailing sentences up to `overlap`.

    The first passage starts with the byline and dateline as printed; photo captions make their own
    passage at the end, so a question about a picture finds it without captions polluting the body.
    """
    chunks = _pack(article, list(passage_paragraphs(article)), settings, 0)
    if article.caption_paras:
        chunks += _pack(article, list(article.caption_paras), settings, len(chunks))
    return chunks


def _pack(article: Article, paragraphs: list[Paragraph], settings: ChunkSettings, first_ordinal: int) -> list[Chunk]:
    body, offsets = body_with_offsets(article, paragraphs)
    units: list[tuple[int, int]] = []
    for start, end in split_sentences(body):
        units.extend(_split_long(body, start, end, settings.max_size) if end - start > settings.max_size
                     else [(start, end)])
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for unit in units:
        if current and unit[1] - current[0][0] > settings.size:
            groups.append(current)
            carry: list[tuple[int, int]] = []
            for prev in reversed(current):
                if unit[1] - prev[0] > settings.max_size or current[-1][1] - prev[0] > settings.overlap:
                    break
                carry.insert(0, prev)
            current = carry
        current.append(unit)
    if current:
        groups.append(current)
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for ordinal, group in enumerate(groups, start=first_ordinal):
        start, end = group[0][0], group[-1][1]
        text = body[start:end]
        cid = hashlib.sha1(f"{article.id}\n{text}".encode()).hexdigest()[:16]
        if cid in seen:
            cid = hashlib.sha1(f"{article.id}\n{ordinal}\n{text}".encode()).hexdigest()[:16]
        seen.add(cid)
        spans = _spans_of(offsets[start:end])
        chunks.append(Chunk(id=cid, article_id=article.id, source=article.source, title=article.title,
                            dateline=article.dateline, ordinal=ordinal, text=text,
                            start=min(s for s, _ in spans), end=max(e for _, e in spans), spans=spans))
    return chunks
