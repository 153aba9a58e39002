"""Chinese tokens for BM25 and lexical scoring: jieba search-mode words, width-folded, stopwords out."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib.resources import files

from .normalize import normalize_char_width

_WORDLIKE = re.compile(r"[\w\u3400-\u9fff%.]+")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The bundled Chinese stopword list (function words and question words)."""
    text = files("rag.resources").joinpath("stopwords_zh.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip())


@lru_cache(maxsize=1)
def jieba_module():
    """jieba, quiet and with its dictionary loaded: the one loader every module uses."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def jieba_posseg():
    """jieba.posseg (words with part-of-speech tags), on the same loaded dictionary."""
    jieba_module()
    import jieba.posseg

    return jieba.posseg




def tokenize(text: str) -> list[str]:
    """Words for matching: jieba search mode (long words plus their parts), no punctuation or stopwords.

    bm25s's own splitter would keep a whole Chinese sentence as one token.
    """
    folded = normalize_char_width(text).lower()
    stop = stopwords()
    return [t for t in (w.strip() for w in jieba_module().lcut_for_search(folded))
            if t and t not in stop and _WORDLIKE.fullmatch(t)]


def tokenize_many(texts: list[str]) -> list[list[str]]:
    return [tokenize(t) for t in texts]
