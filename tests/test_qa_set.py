"""Validation of the hand-made QA evaluation set (eval/qa/seeds.jsonl).

Pure stdlib + pytest; no project imports. Every row is checked against the
seed newspaper pages in seeds/. Whitespace (including PDF line breaks) is
removed from both sides before any "occurs in" check.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QA_PATH = ROOT / "eval" / "qa" / "seeds.jsonl"
SEEDS_DIR = ROOT / "seeds"

ALLOWED_TYPES = {"factoid", "list", "multi-hop", "paraphrase", "unanswerable"}
REQUIRED_FIELDS = {
    "id": str,
    "question": str,
    "answers": list,
    "answerable": bool,
    "type": str,
}

_WS = re.compile(r"\s+")


def norm(text):
    return _WS.sub("", text)


def load_rows():
    rows = []
    with open(QA_PATH, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            rows.append(json.loads(line))
    return rows


def load_pages():
    return {p.name: norm(p.read_text(encoding="utf-8")) for p in sorted(SEEDS_DIR.glob("*.txt"))}


ROWS = load_rows()
PAGES = load_pages()


def _row_id(row):
    return str(row.get("id", "?"))


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_row(row):
    # required fields and types
    for field, typ in REQUIRED_FIELDS.items():
        assert field in row, f"missing field {field!r}"
        assert isinstance(row[field], typ), f"field {field!r} should be {typ.__name__}"
    assert "source" in row and "evidence" in row
    assert row["question"].strip(), "empty question"
    assert row["type"] in ALLOWED_TYPES, f"bad type {row['type']!r}"
    assert all(isinstance(a, str) and a.strip() for a in row["answers"]), "answers must be non-empty strings"
    if "article" in row:
        assert row["article"] is None or isinstance(row["article"], str)

    if row["answerable"]:
        assert row["type"] != "unanswerable", "answerable row typed unanswerable"
        assert row["answers"], "answerable row needs answers"
        src = row["source"]
        assert isinstance(src, str) and src in PAGES, f"source {src!r} not in seeds/"
        page = PAGES[src]
        assert isinstance(row["evidence"], str) and row["evidence"].strip(), "missing evidence"
        ev = norm(row["evidence"])
        assert ev in page, "evidence not found verbatim in source page"

        evs = [ev]
        if row.get("evidence2") is not None:
            src2 = row.get("source2") or src
            assert src2 in PAGES, f"source2 {src2!r} not in seeds/"
            ev2 = norm(row["evidence2"])
            assert ev2 in PAGES[src2], "evidence2 not found verbatim in source2 page"
            evs.append(ev2)
        if row["type"] == "multi-hop":
            assert row.get("evidence2"), "multi-hop row needs evidence2"

        for ans in row["answers"]:
            a = norm(ans)
            assert a in page, f"answer {ans!r} not in source page"
            assert any(a in e for e in evs), f"answer {ans!r} not in evidence/evidence2"
    else:
        assert row["type"] == "unanswerable", "unanswerable row must have type 'unanswerable'"
        assert row["answers"] == [], "unanswerable row must have answers == []"
        assert row["source"] is None, "unanswerable row must have source null"
        assert row["evidence"] is None, "unanswerable row must have evidence null"


def test_ids_unique():
    dupes = [i for i, c in Counter(_row_id(r) for r in ROWS).items() if c > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_questions_unique():
    dupes = [q for q, c in Counter(r.get("question") for r in ROWS).items() if c > 1]
    assert not dupes, f"duplicate questions: {dupes}"


def test_totals():
    types = Counter(r.get("type") for r in ROWS)
    assert len(ROWS) >= 150, f"only {len(ROWS)} rows"
    assert types["unanswerable"] >= 20, types
    assert types["list"] >= 10, types
    assert types["multi-hop"] >= 8, types
    assert types["paraphrase"] >= 15, types


def test_every_page_covered():
    assert len(PAGES) == 5, f"expected five seed pages, found {sorted(PAGES)}"
    per_source = Counter(r.get("source") for r in ROWS if r.get("answerable"))
    for name in PAGES:
        assert per_source[name] >= 15, f"{name} is the source of only {per_source[name]} questions"
