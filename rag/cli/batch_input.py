"""`--batch FILE`: questions one a line, in any common encoding; a bad line is reported by number, not fatal."""

from __future__ import annotations

import codecs
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputTooLongError, LoadError, RagError
from ..limits import check_question
from ..settings import MAX_BATCH_LINE_CHARS


@dataclass(frozen=True)
class BatchLine:
    """A question of a batch file and its 1-based line number."""

    number: int
    text: str


def read_batch(source: str) -> tuple[list[BatchLine], list[str]]:
    """(questions, problems) of a batch file or '-' for stdin; a missing or unreadable file is a RagError."""
    data = sys.stdin.buffer.read() if source == "-" else _read_file(Path(source))
    lines, problems = _decode_lines(data, source)
    questions = []
    for number, text in lines:
        text = text.strip().lstrip("\ufeff").strip()
        if not text:
            continue
        if len(text) > MAX_BATCH_LINE_CHARS:
            problems.append(f"line {number}: {len(text)} characters, over the batch line limit of "
                            f"{MAX_BATCH_LINE_CHARS}: one question a line")
            continue
        try:
            check_question(text)
        except InputTooLongError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        questions.append(BatchLine(number, text))
    return questions, problems


def _read_file(path: Path) -> bytes:
    if not path.exists():
        raise RagError(f"--batch file {path} does not exist; give a text file with one question a line, "
                       "or '-' to read them from stdin")
    if path.is_dir():
        raise RagError(f"--batch {path} is a folder; give a text file with one question a line")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RagError(f"cannot read --batch file {path} ({exc.strerror or exc})") from None


def _decode_lines(data: bytes, source: str) -> tuple[list[tuple[int, str]], list[str]]:
    """Numbered lines: UTF-8 line by line (a bad line is a problem); a file in another encoding as a whole."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        return list(enumerate(_decode_whole(data, source).splitlines(), start=1)), []
    raw = data.split(b"\n")
    decoded: list[tuple[int, str | None]] = []
    good = bad = 0
    for number, line in enumerate(raw, start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            decoded.append((number, None))
            bad += 1
            continue
        decoded.append((number, text))
        good += not line.isascii()
    if bad and not good:  # no line is UTF-8 Chinese: a GBK/GB18030 file, read as a whole
        return list(enumerate(_decode_whole(data, source).splitlines(), start=1)), []
    problems = [f"line {n}: not valid UTF-8; save the file as UTF-8" for n, text in decoded if text is None]
    return [(n, text) for n, text in decoded if text is not None], problems


def _decode_whole(data: bytes, source: str) -> str:
    from ..loading import decode_bytes

    try:
        return decode_bytes(data)[0]
    except LoadError as exc:
        raise RagError(f"--batch {source}: {exc}") from None
