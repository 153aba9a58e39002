"""Read article files as text: detect the encoding, refuse binary, report by name."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import LoadError

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class SourceText:
    """A decoded file: display text (original) plus where it came from."""

    path: Path
    name: str
    text: str
    encoding: str
    sha256: str


@dataclass(frozen=True)
class LoadProblem:
    """A file that was skipped, with the reason a person can act on."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 (BOM) or GB18030; raise LoadError otherwise."""
    if not data.strip():
        raise LoadError("empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "utf-8-sig"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "utf-16"), "utf-16"
    if b"\x00" in data:
        utf16 = _bomless_utf16(data)
        if utf16:
            return utf16
        raise LoadError("binary file (contains NUL bytes); only UTF-8, GB18030/GBK or UTF-16 text is indexed")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise LoadError("not valid UTF-8, GB18030/GBK or UTF-16 text; re-save the file as UTF-8") from None
    if not _mostly_text(text):
        raise LoadError("binary or unknown encoding; re-save the file as UTF-8")
    return text, "gb18030"


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise LoadError(f"declared {label} but the bytes are not valid {label}") from None


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: accept only a decoding that is clean text, mostly CJK or ASCII."""
    if len(data) % 2:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:5000]
        plain = sum(1 for ch in sample if ch.isascii() and (ch.isprintable() or ch in "\n\r\t")
                    or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
        if sample and plain >= 0.95 * len(sample):
            return text, enc
    return None


def _mostly_text(text: str) -> bool:
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad <= max(2, len(sample) // 100)


def load_file(path: Path, name: str | None = None) -> SourceText:
    """Read one file; raise LoadError with a reason when it cannot be indexed."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise LoadError("no such file") from None
    if size > MAX_FILE_BYTES:
        raise LoadError(f"too large ({size / 2**20:.0f} MB > {MAX_FILE_BYTES // 2**20} MB); split it into smaller files")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}") from None
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceText(path=path, name=name or path.name, text=text, encoding=encoding,
                      sha256=hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class FoundFile:
    """A file to ingest: its path, its source name, and the folder it was found under."""

    path: Path
    name: str
    root: str


def find_files(paths: list[Path]) -> tuple[list[FoundFile], list[LoadProblem]]:
    """Expand files and folders into files to ingest; report paths that do not exist.

    The source name is the path relative to the folder given (just the file name for a file given).
    """
    found: list[FoundFile] = []
    problems: list[LoadProblem] = []
    for path in paths:
        if path.is_dir():
            root = str(path.resolve())
            found.extend(FoundFile(p, p.relative_to(path).as_posix(), root) for p in sorted(path.rglob("*"))
                         if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and not _hidden(p, path))
        elif path.is_file():
            found.append(FoundFile(path, path.name, str(path.resolve().parent)))
        else:
            problems.append(LoadProblem(path, "no such file or directory"))
    return _unique(found), problems


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _unique(found: list[FoundFile]) -> list[FoundFile]:
    seen: set[Path] = set()
    out = []
    for item in found:
        key = item.path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def load_paths(paths: list[Path]) -> tuple[list[SourceText], list[LoadProblem]]:
    """Load every readable file under the paths; collect one problem per bad file."""
    files, problems = find_files(paths)
    loaded = []
    for item in files:
        try:
            loaded.append(load_file(item.path, item.name))
        except LoadError as exc:
            problems.append(LoadProblem(item.path, str(exc)))
    return loaded, problems
