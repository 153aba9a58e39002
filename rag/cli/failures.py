"""Known failures of the world (disk full, no permission, a dead LLM endpoint) as one line; bugs as a hint."""

from __future__ import annotations

import errno
import re
import sys
import traceback

from ..settings import debug, llm_env

DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
NO_PERMISSION = {errno.EACCES, errno.EPERM, errno.EROFS}
# NumPy's tofile on a full disk says only this (no errno); SQLite and others say it in words
SHORT_WRITE = re.compile(r"\d+ requested and \d+ written|disk is full|No space left on device|File too large")
CONNECTION_NAMES = ("APIConnectionError", "APITimeoutError", "ConnectError", "ConnectTimeout", "ConnectionError")


def failure_line(exc: BaseException, args=None) -> str | None:
    """The one line for an expected failure of the environment, or None when `exc` looks like a bug."""
    for cause in _chain(exc):
        if not (isinstance(cause, OSError) and cause.errno) and SHORT_WRITE.search(str(cause)):
            return (f"a file could not be written whole ({cause}): the disk is full or the file size limit was "
                    "reached; free space or choose a folder on another disk. An index being updated is left as "
                    "it was")
        if isinstance(cause, OSError) and cause.errno in DISK_FULL:
            where = f" writing {cause.filename}" if cause.filename else ""
            return (f"the disk is full or the file size limit was reached{where} ({cause.strerror}); free space or "
                    "choose a folder on another disk. An index being updated is left as it was")
        if isinstance(cause, OSError) and cause.errno in NO_PERMISSION:
            return (f"permission denied: {cause.filename or cause.strerror}; choose a folder you may write to "
                    "or change its permissions")
        if any(type(c).__name__ in CONNECTION_NAMES for c in type(cause).__mro__) or isinstance(cause, ConnectionError):
            url = llm_endpoint(args)
            return (f"cannot reach the LLM endpoint {url or '(none configured)'} ({type(cause).__name__}); start the "
                    "model server (e.g. scripts/ensure_llama_cpp.sh), point --llm-base-url or RAG_LLM_BASE_URL at "
                    "one that runs, or use --answerer extractive")
    return None


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def llm_endpoint(args) -> str | None:
    """The endpoint the command was told to use: --llm-base-url, else RAG_LLM_BASE_URL, else the config file."""
    if args is not None and getattr(args, "llm_base_url", None):
        return args.llm_base_url
    try:
        from ..answer.llm_settings import load_llm_settings

        return load_llm_settings(getattr(args, "llm_config", None)).base_url or None
    except Exception:
        return llm_env().get("base_url")


def unexpected_error(exc: BaseException) -> int:
    """A bug: the traceback with RAG_DEBUG=1, else one line saying how to see it; exit 1."""
    if debug():
        traceback.print_exception(exc, file=sys.stderr)
    else:
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        detail = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
        print(f"rag: unexpected error ({detail}); run with RAG_DEBUG=1 for details", file=sys.stderr)
    return 1
