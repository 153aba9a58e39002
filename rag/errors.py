"""Exceptions whose messages name the problem and the fix."""


class RagError(Exception):
    """An expected problem reported to the user as one clear line, never a traceback."""


class LoadError(RagError):
    """A file could not be read as text."""


class IndexMismatchError(RagError):
    """A saved index was built with settings that differ from the running ones."""


class MissingModelError(RagError):
    """An embedding or reranking model is not available offline."""
