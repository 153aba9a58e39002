"""Which loader reads a file: chosen by suffix, checked by content, so a misnamed file is read as what it is."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import LoadError
from .base import Loader

# Module names under rag.loaders, in the order content sniffing tries them.
LOADER_MODULES = ("pdf", "docx", "image", "records", "html", "text")


_MISSING: dict[str, str] = {}


def available_loaders() -> list[Loader]:
    """Every loader whose module is present (a format whose module is missing is simply not offered)."""
    loaders = []
    for name in LOADER_MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ImportError as exc:
            # the format's module, or a parser it needs, is not installed: files of that type are then
            # reported as not read instead of stopping every other format
            _MISSING[name] = str(exc)
            continue
        loaders.append(module.LOADER)
    return loaders


_CACHE: list[Loader] | None = None


def loaders() -> list[Loader]:
    global _CACHE
    if _CACHE is None:
        _CACHE = available_loaders()
    return _CACHE


def suffix_of(path: Path) -> str:
    """The lower-case suffix a loader claims, compound ones first (.jsonl.xz before .xz)."""
    name = path.name.lower()
    claimed = sorted((s for loader in loaders() for s in loader.suffixes), key=len, reverse=True)
    return next((s for s in claimed if name.endswith(s)), path.suffix.lower())


def known_suffixes() -> tuple[str, ...]:
    return tuple(s for loader in loaders() for s in loader.suffixes)


COMPRESSIONS = (".gz", ".xz", ".bz2")


def formats_summary() -> str:
    """The suffixes read, short: '.txt .md … .jsonl .csv (dumps also .gz/.xz/.bz2)'."""
    plain = dict.fromkeys(s for s in known_suffixes() if not s.endswith(COMPRESSIONS))
    packed = any(s.endswith(COMPRESSIONS) for s in known_suffixes())
    return " ".join(plain) + (" (dumps also .gz/.xz/.bz2)" if packed else "")


def is_known(path: Path) -> bool:
    return suffix_of(path) in known_suffixes()


def looks_binary(head: bytes) -> bool:
    """Magic numbers of formats that are never text (a text file named .txt that is really a PDF, a zip …)."""
    return head.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*",
                            b"\xfd7zXZ", b"\x1f\x8b", b"GIF8", b"\xd0\xcf\x11\xe0"))


def loader_for(path: Path, head: bytes) -> Loader:
    """The loader for this file: its suffix's, unless the content says it is another known format."""
    suffix = suffix_of(path)
    by_suffix = next((lo for lo in loaders() if suffix in lo.suffixes), None)
    if by_suffix is not None and by_suffix.sniff(head):
        return by_suffix
    for loader in loaders():
        if loader is not by_suffix and loader.name != "text" and loader.sniff(head):
            return loader
    if by_suffix is not None:
        return by_suffix  # its own loader gives the clearest error for a broken file of that format
    raise LoadError(f"unknown file type '{suffix or path.name}'; the formats read are {formats_summary()}")
