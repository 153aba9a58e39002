"""JSONL and CSV dumps (plain, .gz, .xz, .bz2): one article per record; a bad record is reported by line and skipped."""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import json
import lzma
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, ClassVar

from ..errors import LoadError
from .base import DocMeta, LoadedDoc, PageProgress
from .date_values import head_date, iso_date

BASE_SUFFIXES = (".jsonl", ".ndjson", ".json-lines", ".csv")
COMPRESSED_SUFFIXES = (".gz", ".xz", ".bz2")
MAX_WARNINGS = 100  # a file of 10^5 bad lines must not produce 10^5 messages
EXTRA_MAX_CHARS = 300  # other fields kept for display only when short
READ_CHUNK = 1 << 20
CSV_DELIMITERS = (",", "\t", ";", "|")

_GZIP_MAGIC, _XZ_MAGIC, _BZ2_MAGIC = b"\x1f\x8b", b"\xfd7zXZ\x00", b"BZh"


def _names(value: str | Iterable[str]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    return tuple(n.strip() for n in items if n and n.strip())


@dataclass(frozen=True)
class RecordFields:
    """Which record fields hold the text, title, date, URL and id: the first present name of each wins."""

    text: tuple[str, ...] = ("text", "content", "body")
    title: tuple[str, ...] = ("title",)
    date: tuple[str, ...] = ("published", "date")
    url: tuple[str, ...] = ("url",)
    id: tuple[str, ...] = ("id",)

    def __post_init__(self) -> None:
        for name in ("text", "title", "date", "url", "id"):
            names = _names(getattr(self, name))
            if name == "text" and not names:
                raise LoadError("--text-field is empty; name the record field that holds the article text")
            object.__setattr__(self, name, names)

    def used(self) -> set[str]:
        """Every field name these settings read (the rest go to DocMeta.extra)."""
        return {*self.text, *self.title, *self.date, *self.url, *self.id}


def record_fields_from_flags(text_field: str | None = None, title_field: str | None = None,
                             date_field: str | None = None, url_field: str | None = None,
                             id_field: str | None = None) -> RecordFields:
    """Settings from CLI flags (`--text-field 正文,content`): a given flag replaces that field's default names."""
    given = {"text": text_field, "title": title_field, "date": date_field, "url": url_field, "id": id_field}
    return RecordFields(**{k: _names(v) for k, v in given.items() if v is not None and v.strip()})


@dataclass
class BadRecords:
    """Bad records met while reading ("line 7: not valid JSON, skipped"), capped at MAX_WARNINGS messages."""

    messages: list[str] = field(default_factory=list)
    dropped: int = 0

    def add(self, line: int, reason: str) -> None:
        if len(self.messages) < MAX_WARNINGS:
            self.messages.append(f"line {line}: {reason}")
        else:
            self.dropped += 1

    def all(self) -> tuple[str, ...]:
        """The messages, with a count of those left out."""
        more = (f"… and {self.dropped} more bad records",) if self.dropped else ()
        return (*self.messages, *more)


@dataclass(frozen=True)
class RecordsLoader:
    """Reads JSONL/CSV dumps; `fields` names the record fields (see record_fields_from_flags)."""

    fields: RecordFields = RecordFields()
    name: ClassVar[str] = "records"
    suffixes: ClassVar[tuple[str, ...]] = BASE_SUFFIXES + tuple(
        b + c for b in BASE_SUFFIXES for c in COMPRESSED_SUFFIXES)

    def with_fields(self, fields: RecordFields) -> RecordsLoader:
        """The same loader reading other field names."""
        return replace(self, fields=fields)

    def sniff(self, head: bytes) -> bool:
        """JSON objects a line, or a delimited header line, possibly gzip/xz/bz2-compressed."""
        inner = _decompress_head(head)
        return inner is not None and _looks_like_records(inner)

    def load(self, path: Path, data: bytes, progress: PageProgress | None = None) -> list[LoadedDoc]:
        """One single-article LoadedDoc per good record; the bad ones' warnings ride on the first doc."""
        if not data.strip():
            raise LoadError("empty file")
        report = BadRecords()
        docs = list(self.iter_docs(path, io.BytesIO(data), report))
        warnings = report.all()
        if not docs:
            detail = "; ".join(warnings[:3]) or "no records"
            raise LoadError(f"no record with article text ({detail}); "
                            f"name the text field with --text-field if it is not {'/'.join(self.fields.text)}")
        if warnings:
            docs[0] = replace(docs[0], warnings=docs[0].warnings + warnings)
        return docs

    def iter_path(self, path: Path, report: BadRecords) -> Iterator[LoadedDoc]:
        """Stream a dump from disk, record by record, without reading the file into memory first."""
        with path.open("rb") as raw:
            yield from self.iter_docs(path, raw, report)

    def iter_docs(self, path: Path, raw: BinaryIO, report: BadRecords | None = None) -> Iterator[LoadedDoc]:
        """Stream the records of one (possibly compressed) dump; bad records go to `report`."""
        report = report if report is not None else BadRecords()
        stream = _open_decompressed(raw)
        lines = _ByteLines(stream, report)
        head = lines.head()
        if head is None:
            return
        encoding = _guess_encoding(head)
        is_csv = _is_csv(path, head)
        texts = _decoded_lines(lines, encoding, report)
        rows = _csv_rows(texts, report) if is_csv else _json_rows(texts, report)
        seen: dict[str, int] = {}
        for line_no, record in rows:
            doc = _record_doc(record, line_no, self.fields, report, seen)
            if doc is not None:
                yield doc


LOADER = RecordsLoader()


class _ByteLines:
    """Lines of a binary stream read in chunks (a corrupt tail is reported, not raised)."""

    def __init__(self, stream: BinaryIO, report: BadRecords):
        self.stream, self.report = stream, report
        self.first = b""
        self.count = 0

    def _read(self) -> bytes:
        try:
            return self.stream.read(READ_CHUNK)
        except (EOFError, OSError, lzma.LZMAError, zlib.error) as exc:
            self.report.add(self.count + 1, f"compressed data damaged here ({exc}); the rest of the file is unread")
            return b""

    def head(self) -> bytes | None:
        """The first chunk (for the encoding and format guess); None when the stream is empty."""
        self.first = self._read()
        return self.first if self.first.strip() else None

    def __iter__(self) -> Iterator[bytes]:
        rest, chunk = b"", self.first
        while chunk:
            parts = (rest + chunk).split(b"\n")
            rest = parts.pop()
            for part in parts:
                self.count += 1
                yield part
            chunk = self._read()
        if rest:
            self.count += 1
            yield rest


def _is_csv(path: Path, head: bytes) -> bool:
    """Content first (a line of JSON is JSONL whatever the name), then the name."""
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return False
    name = path.name.lower()
    return not any(name.endswith(b) or name.endswith(tuple(b + c for c in COMPRESSED_SUFFIXES))
                   for b in BASE_SUFFIXES if b != ".csv")


def _open_decompressed(raw: BinaryIO) -> BinaryIO:
    head = raw.read(8)
    raw.seek(0)
    if head.startswith(_GZIP_MAGIC):
        return gzip.GzipFile(fileobj=raw)
    if head.startswith(_XZ_MAGIC):
        return lzma.LZMAFile(raw)
    if head.startswith(_BZ2_MAGIC):
        return bz2.BZ2File(raw)
    return raw


def _decompress_head(head: bytes) -> bytes | None:
    """The decompressed start of `head` (a partial stream is fine); the bytes themselves when plain."""
    try:
        if head.startswith(_GZIP_MAGIC):
            return zlib.decompressobj(wbits=47).decompress(head, 4096)
        if head.startswith(_XZ_MAGIC):
            return lzma.LZMADecompressor().decompress(head, 4096)
        if head.startswith(_BZ2_MAGIC):
            return bz2.BZ2Decompressor().decompress(head, 4096)
    except (lzma.LZMAError, OSError, EOFError, zlib.error):
        return None
    return head


def _looks_like_records(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body or b"\x00" in body:
        return False
    if body.startswith(b"{"):
        return True
    first = body.split(b"\n", 1)[0]
    if first.startswith((b"<", b"%PDF", b"PK")):
        return False
    try:
        codecs.getincrementaldecoder(_guess_encoding(body))().decode(first)
    except UnicodeDecodeError:
        return False
    return any(d.encode() in first for d in CSV_DELIMITERS)


def _guess_encoding(head: bytes) -> str:
    """UTF-8 (BOM optional), UTF-16 by BOM, else GB18030, judged on the first chunk.

    A few bad bytes in a UTF-8 dump stay UTF-8 (those lines get reported); GBK text fails UTF-8 on nearly
    every Chinese character.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoded = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    bad = decoded.count("\ufffd")
    non_ascii = sum(1 for b in head if b >= 0x80)
    return "utf-8" if bad <= non_ascii // 50 else "gb18030"


def _decoded_lines(lines: _ByteLines, encoding: str, report: BadRecords) -> Iterator[tuple[int, str]]:
    """(line number, text) pairs; a line not in the file's encoding is decoded with replacements and reported."""
    if encoding == "utf-16":
        # UTF-16 cannot be split on b"\n" byte-wise; such dumps are rare, so decode them whole.
        text = b"\n".join(lines).decode("utf-16", errors="replace")
        yield from enumerate(text.split("\n"), start=1)
        return
    for number, raw in enumerate(lines, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            report.add(number, f"bytes that are not {encoding}, replaced by �")
            text = raw.decode(encoding, errors="replace")
        yield number, text.rstrip("\r")


def _json_rows(texts: Iterator[tuple[int, str]], report: BadRecords) -> Iterator[tuple[int, dict]]:
    for number, text in texts:
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            report.add(number, f"not valid JSON ({exc.msg} at column {exc.colno}), skipped")
            continue
        if not isinstance(record, dict):
            report.add(number, f"a JSON {type(record).__name__}, not an object, skipped")
            continue
        yield number, record


def _csv_rows(texts: Iterator[tuple[int, str]], report: BadRecords) -> Iterator[tuple[int, dict]]:
    # An article can be longer than the csv module's default 128 KB field limit.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    numbered = iter(texts)
    position = {"line": 0}

    def feed() -> Iterator[str]:
        for number, text in numbered:
            position["line"] = number
            yield text + "\n"

    source = feed()
    header_line = next(source, None)
    if header_line is None:
        return
    delimiter = max(CSV_DELIMITERS, key=header_line.count)
    header = [h.strip() for h in next(csv.reader([header_line], delimiter=delimiter))]
    reader = csv.reader(source, delimiter=delimiter)
    while True:
        start = position["line"] + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.add(start, f"not a valid CSV row ({exc}), skipped")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            report.add(start, f"{len(row)} cells where the header has {len(header)} "
                       "(an unquoted comma or line break?), skipped")
            continue
        yield start, {k: v for k, v in zip(header, row) if v.strip()}


def _first(record: dict, names: tuple[str, ...]) -> tuple[str, object] | None:
    for name in names:
        value = record.get(name)
        if value is not None and value != "":
            return name, value
    return None


def _record_doc(record: dict, line: int, fields: RecordFields, report: BadRecords,
                seen: dict[str, int]) -> LoadedDoc | None:
    found = _first(record, fields.text)
    text = found[1] if found else None
    if isinstance(text, list) and all(isinstance(p, str) for p in text):
        text = "\n\n".join(text)
    if not isinstance(text, str) or not text.strip():
        if found is None:
            report.add(line, f"no text field ({'/'.join(fields.text)}), skipped")
        elif isinstance(text, str):
            report.add(line, f"an empty text field ({found[0]}), skipped")
        else:
            report.add(line, f"text field {found[0]!r} holds a {type(text).__name__}, not text, skipped")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    extra: dict = {}
    published = None
    date_found = _first(record, fields.date)
    if date_found:
        published = iso_date(date_found[1])
        if published is None:
            report.add(line, f"date {date_found[1]!r} not understood, kept without a date")
        elif str(date_found[1]).strip() != published:
            extra[date_found[0]] = date_found[1]
    if published is None:
        published = head_date(text)
    key = _record_key(record, line, fields, report, seen)
    used = fields.used()
    for name, value in record.items():
        if name not in used and isinstance(value, str | int | float | bool) and len(str(value)) <= EXTRA_MAX_CHARS:
            extra[name] = value
    meta = DocMeta(published=published, title=_text_value(record, fields.title),
                   url=_text_value(record, fields.url), extra=extra)
    return LoadedDoc(text=text, meta=meta, single_article=True, key=key)


def _text_value(record: dict, names: tuple[str, ...]) -> str:
    found = _first(record, names)
    return " ".join(str(found[1]).split()) if found and isinstance(found[1], str | int | float) else ""


def _record_key(record: dict, line: int, fields: RecordFields, report: BadRecords, seen: dict[str, int]) -> str:
    """The record's id, or `line N` when it has none or repeats an earlier one."""
    record_id = _text_value(record, fields.id)
    if not record_id:
        return f"line {line}"
    if record_id in seen:
        report.add(line, f"id {record_id!r} already used on line {seen[record_id]}, keyed as 'line {line}'")
        return f"line {line}"
    seen[record_id] = line
    return record_id
