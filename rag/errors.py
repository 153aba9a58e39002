"""Exceptions whose messages name the problem and the fix; `exit_code` is what the CLI exits with."""


class RagError(Exception):
    """An expected problem reported to the user as one clear line, never a traceback (exit 2: usage)."""

    exit_code = 2


class LoadError(RagError):
    """A file could not be read as text."""


class IndexMismatchError(RagError):
    """A saved index was built with settings that differ from the running ones."""


class MissingModelError(RagError):
    """An embedding or reranking model is not available offline."""


class WorkFailedError(RagError):
    """The request was fine but the work failed (damaged files, disk full, endpoint down): exit 1."""

    exit_code = 1


class IndexDamagedError(WorkFailedError):
    """A file of a saved index is missing or unreadable; the message names it and the rebuild command."""


class EmptyIndexError(WorkFailedError):
    """The index holds no passages (all its files were removed), so there is nothing to search."""


class InputTooLongError(RagError):
    """A question or batch line is longer than the configured limit."""
