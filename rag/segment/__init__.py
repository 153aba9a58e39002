"""Turn a decoded file (a newspaper page or a single article) into Article records."""

from .pages import split_articles

__all__ = ["split_articles"]
