"""The news QA set (eval/qa/news.jsonl) against the articles it was written from (eval/news/articles/)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QA = ROOT / "eval" / "qa" / "news.jsonl"
ARTICLES = ROOT / "eval" / "news" / "articles"
TYPES = {"factoid", "list", "multi-hop", "paraphrase", "follow-up", "unanswerable"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _rows() -> list[dict]:
    return [json.loads(line) for line in QA.read_text(encoding="utf-8").splitlines() if line.strip()]


def _splits() -> dict[str, str]:
    with open(ROOT / "eval" / "news" / "articles.tsv", encoding="utf-8") as fh:
        return {r["id"]: r["split"] for r in csv.DictReader(fh, delimiter="\t")}


def test_size_and_mix():
    rows = _rows()
    kinds = Counter(r["type"] for r in rows)
    assert len(rows) >= 300 and set(kinds) == TYPES
    assert kinds["unanswerable"] >= 40 and all(not r["answerable"] for r in rows if r["type"] == "unanswerable")
    assert len({r["source"] for r in rows}) >= 150
    assert len({r["id"] for r in rows}) == len(rows)


def test_evidence_is_verbatim_and_holds_the_answer():
    for r in _rows():
        for src_key, ev_key in (("source", "evidence"), ("source2", "evidence2")):
            if not r.get(ev_key):
                continue
            source = r.get(src_key) or r["source"]
            text = _norm((ARTICLES / source).read_text(encoding="utf-8"))
            assert _norm(r[ev_key]) in text, (r["id"], ev_key)
        if r["answerable"]:
            evidence = _norm(r["evidence"] + r.get("evidence2", ""))
            assert r["answers"] and any(_norm(a) in evidence for a in r["answers"]), r["id"]


def test_split_is_the_articles_and_follow_ups_follow():
    splits = _splits()
    seen: dict[str, dict] = {}
    for r in _rows():
        assert r["split"] == splits[Path(r["source"]).stem], r["id"]
        if r["type"] == "follow-up":
            previous = seen[r["previous"]]  # defined earlier in the file
            assert previous["source"] == r["source"]
        seen[r["id"]] = r





@pytest.mark.parametrize("name", ["news-dev2", "news-dev3", "news-dev4"])
def test_the_later_dev_sets_are_dev_only_and_their_evidence_is_verbatim(name):
    qa = ROOT / "eval" / "qa" / f"{name}.jsonl"
    articles = ROOT / "eval" / name / "articles"
    rows = [json.loads(line) for line in qa.read_text(encoding="utf-8").splitlines() if line.strip()]
    kinds = Counter(r["type"] for r in rows)
    assert len(rows) >= 120 and set(kinds) == TYPES and kinds["unanswerable"] >= 30
    assert all(r["split"] == "dev" for r in rows) and len({r["id"] for r in rows}) == len(rows)
    assert {r["source"] for r in rows} == {p.name for p in articles.glob("*.txt")}
    seen: dict[str, dict] = {}
    for r in rows:
        for src_key, ev_key in (("source", "evidence"), ("source2", "evidence2")):
            if r.get(ev_key):
                text = _norm((articles / (r.get(src_key) or r["source"])).read_text(encoding="utf-8"))
                assert _norm(r[ev_key]) in text, (r["id"], ev_key)
        if r["answerable"]:
            evidence = _norm(r["evidence"] + r.get("evidence2", ""))
            assert r["answers"] and any(_norm(a) in evidence for a in r["answers"]), r["id"]
        if r["type"] == "follow-up":
            assert seen[r["previous"]]["source"] == r["source"], r["id"]
        seen[r["id"]] = r
