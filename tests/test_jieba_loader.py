"""One jieba loader: rag.tokenize loads the dictionary (quietly, once); every other module goes through it."""

from __future__ import annotations

import re
from pathlib import Path

RAG = Path(__file__).resolve().parents[1] / "rag"
# loading the dictionary or the tagger; silencing jieba's log (the Milvus backend does, for Milvus Lite) is not
LOADING = re.compile(r"jieba\.(?:initialize|load_userdict)\(|import jieba\.posseg|from jieba import posseg")


def test_only_rag_tokenize_loads_jieba():
    loaders = sorted(p.relative_to(RAG).as_posix() for p in RAG.rglob("*.py") if LOADING.search(p.read_text("utf-8")))
    assert loaders == ["tokenize.py"]


def test_the_loaders_share_one_dictionary():
    from rag.answer.facts import _posseg
    from rag.segment.text_rules import word_spans_break
    from rag.tokenize import jieba_module, jieba_posseg

    assert jieba_module() is jieba_module() and _posseg() is jieba_posseg()
    assert word_spans_break("青岛港今年吞吐量再创", "新高") in (True, False)  # runs on the shared loader
    assert jieba_posseg().dt.tokenizer is jieba_module().dt
    assert [(w.word, w.flag) for w in _posseg().cut("青岛港")][0][0] == "青岛港"
