"""A retrieved passage built from a text, for answerer tests that need no index."""

from rag.models import Hit


def passage(text: str, title: str = "新闻", n: int = 1) -> Hit:
    """The n-th hit of a search, holding `text` whole."""
    return Hit(rank=n, chunk_id=f"c{n}", article_id=f"a{n}", title=title, dateline="", source="s", text=text,
               score=1.0, start=0, end=len(text))
