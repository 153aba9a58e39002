"""Read article files as text: detect the encoding, refuse binary, report by name."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LoadError
from .loaders.base import DocMeta, PageProgress

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
    meta: DocMeta = field(default_factory=DocMeta)  # what the format said: date, paper, page, url, title
    single_article: bool = False  # a record or a web page: one article, not a page to split


@dataclass(frozen=True)
class LoadProblem:
    """A file that was skipped (or, `partial`, a part of it: a bad record, a page), with the reason a person can act on."""

    path: Path
    reason: str
    partial: bool = False  # the rest of the file was read and indexed

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
    """Read one text file; raise LoadError with a reason when it cannot be indexed."""
    data = _read_checked(path)
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceText(path=path, name=name or path.name, text=text, encoding=encoding,
                      sha256=hashlib.sha256(data).hexdigest())


def load_texts(path: Path, name: str | None = None, progress: PageProgress | None = None,
               record_fields=None) -> tuple[list[SourceText], list[str]]:
    """Read any supported file into its texts (a page, PDF pages, records …) and the warnings about skipped parts.

    `record_fields` (rag.loaders.records.RecordFields) names the fields of JSONL/CSV dumps when not the usual ones."""
    from .loaders.registry import loader_for

    data = _read_checked(path)
    name = name or path.name
    loader = loader_for(path, data[:4096])
    if record_fields is not None and hasattr(loader, "with_fields"):
        loader = loader.with_fields(record_fields)
    try:
        docs = loader.load(path, data, progress)
    except LoadError:
        raise
    except Exception as exc:  # a parser bug or a malformed file must not lose the other files
        raise LoadError(f"could not be read as {loader.name} ({type(exc).__name__}: {exc})") from exc
    sha = hashlib.sha256(data).hexdigest()
    texts, warnings = [], []
    for doc in docs:
        warnings.extend(doc.warnings)
        text = doc.text
        title = doc.meta.title.strip()
        if doc.single_article and title and not text.lstrip().startswith(title):
            text = f"{title}\n\n{text}"  # the page segmentation takes a leading short line as the title
        if not text.strip():
            continue
        texts.append(SourceText(path=path, name=f"{name}#{doc.key}" if doc.key else name, text=text,
                                encoding=doc.meta.extra.get("encoding", loader.name), sha256=sha, meta=doc.meta,
                                single_article=doc.single_article))
    if not texts:
        raise LoadError("no text found" + (f" ({'; '.join(warnings[:3])})" if warnings else ""))
    return texts, warnings


def _read_checked(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise LoadError("no such file") from None
    if size > MAX_FILE_BYTES:
        raise LoadError(f"too large ({size / 2**20:.0f} MB > {MAX_FILE_BYTES // 2**20} MB); split it into smaller files")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}") from None


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
    from .loaders.registry import formats_summary, is_known

    found: list[FoundFile] = []
    problems: list[LoadProblem] = []
    for path in paths:
        if path.is_dir():
            root = str(path.resolve())
            for p in sorted(path.rglob("*")):
                if not p.is_file() or _hidden(p, path):
                    continue
                if is_known(p):
                    found.append(FoundFile(p, p.relative_to(path).as_posix(), root))
                else:  # said once, by name, instead of a file count that silently leaves it out
                    problems.append(LoadProblem(p, f"not read: unknown file type '{p.suffix or p.name}' "
                                                   f"(formats read: {formats_summary()})"))
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
