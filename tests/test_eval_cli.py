"""`rag eval`: usage errors, the run on a fake index, and end to end on a copy of the real seed index."""

from __future__ import annotations

import csv
import json
import lzma
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.cli import main
from rag.evaluation import EvalSettings, evaluate, load_qa
from rag.evaluation.per_question import COLUMNS, write_csv
from rag.evaluation.plots import PLOTS, write_plots
from rag.evaluation.report import render
from rag.evaluation.summary import summarize
from rag.models import Hit

REPO = Path(__file__).resolve().parents[1]
QA = REPO / "eval" / "qa" / "seeds.jsonl"
OUTPUTS = ["metrics.json", "report.md", "per_question.csv", *PLOTS]


# --- usage errors (no index needed) ---------------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["eval", "no-such-file.jsonl"], "does not exist"),
    (["eval", str(QA), "--mode", "bm25,fuzzy"], "unknown mode fuzzy"),
    (["eval", str(QA), "--answerer", "oracle"], "unknown answerer oracle"),
    (["eval", str(QA), "--k", "1,x"], "--k takes"),
    (["eval", str(QA), "--k", "0,5"], "--k takes"),
    (["eval", str(QA), "--n", "10"], "--n needs --distractors"),
    (["eval", str(QA), "--limit", "0"], "--limit"),
    (["eval", str(QA), "--distractors", "no-such-corpus.jsonl.xz", "--n", "5"], "distractor corpus"),
])
def test_usage_errors_exit_2(argv, message, capsys, tmp_path):
    assert main(argv + ["--index", str(tmp_path / "none"), "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "none").exists()


def test_a_file_without_valid_rows_exits_2(tmp_path, capsys):
    qa = tmp_path / "bad.jsonl"
    qa.write_text("not json\n{}\n", encoding="utf-8")
    assert main(["eval", str(qa), "--index", str(tmp_path / "none"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:1: skipped: not valid JSON" in err and "bad.jsonl:2: skipped: missing field 'id'" in err
    assert "no valid questions" in err


# --- the run on a fake index (fast: no model) ------------------------------------------------------------

class FakeIndex:
    """Returns passages from a fixed list: the first passage holding any word of the question comes first."""

    def __init__(self, passages: list[tuple[str, str]]):
        self.passages = passages

    def search(self, query, k=5, mode="hybrid", settings=None):
        ordered = sorted(self.passages, key=lambda p: -sum(ch in p[1] for ch in set(query)))
        return [Hit(rank=i, chunk_id=f"c{i}", article_id=f"a{i}", title=f"标题{i}", dateline="", source=src,
                    text=text, score=1.0 / i, start=0, end=len(text)) for i, (src, text) in enumerate(ordered[:k], 1)]


def _rows(tmp_path):
    lines = [
        {"id": "q1", "question": "东方影都有多少个影视综项目拍摄？", "answers": ["200余个"], "answerable": True,
         "type": "factoid", "source": "a.txt", "evidence": "200余个影视综项目在此拍摄"},
        {"id": "q2", "question": "青岛港今年集装箱吞吐量是多少？", "answers": ["2500万标准箱"], "answerable": True,
         "type": "factoid", "source": "b.txt", "evidence": "集装箱吞吐量2500万标准箱"},
        {"id": "u1", "question": "火星基地的面积是多少平方米？", "answers": [], "answerable": False,
         "type": "unanswerable", "source": None, "evidence": None},
    ]
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return load_qa(path)[0]


def test_run_summary_report_plots_and_csv_on_a_fake_index(tmp_path):
    index = FakeIndex([("a.txt", "东方影都已有200余个影视综项目在此拍摄。"),
                       ("b.txt", "青岛港今年集装箱吞吐量2500万标准箱。"),
                       ("c.txt", "今天天气晴朗，气温适宜。")])
    settings = EvalSettings(modes=("bm25", "dense"), answerers=("extractive",))
    runs = evaluate(index, _rows(tmp_path), settings, progress=False)
    assert [r.name for r in runs] == ["bm25/extractive", "dense/extractive"]
    summary = summarize(runs, settings.ks, 0.45)
    retrieval = summary["retrieval"][0]
    assert retrieval["questions"] == 2 and retrieval["hit@1"] == 1.0 and retrieval["mrr@10"] == 1.0
    answers = summary["answers"][0]
    assert (answers["questions"], answers["answerable"], answers["unanswerable"]) == (3, 2, 1)
    assert answers["accuracy"] == 1.0 and answers["citation_recall"] == 1.0
    assert answers["calibration"]["best"] is not None
    assert set(answers["latency"]) == {"retrieve", "answer", "total"}
    data = {"run": {"qa_file": "qa.jsonl", "rows": 3, "limit": None, "skipped_lines": [], "started": "now",
                    "seconds": 1.0, "modes": ["bm25", "dense"], "answerers": ["extractive"], "ks": [1, 3, 5, 10],
                    "min_overlap": 0.6, "answer_k": 5, "abstain_threshold": 0.45, "indexes": []},
            "notes": ["a note"], **summary}
    text = render(data)
    assert "| bm25/extractive | 3 |" in text and "## Glossary" in text and "- a note" in text
    assert [p.name for p in write_plots(tmp_path, data, runs, settings.ks, 0.45)] == list(PLOTS)
    assert write_csv(tmp_path / "per_question.csv", runs) == 6


def test_retrieval_only_when_no_answerer_runs(tmp_path):
    index = FakeIndex([("a.txt", "东方影都已有200余个影视综项目在此拍摄。")])
    runs = evaluate(index, _rows(tmp_path), EvalSettings(modes=("bm25",), answerers=()), progress=False)
    assert [(r.name, r.answers) for r in runs] == [("bm25", ())]
    summary = summarize(runs, (1, 5), 0.45)
    assert summary["answers"] == [] and summary["retrieval"][0]["hit@1"] == 0.5
    assert write_csv(tmp_path / "q.csv", runs) == 3


# --- end to end on a copy of the real seed index (slow) --------------------------------------------------

@pytest.fixture
def index_copy(seed_index, tmp_path):
    folder = tmp_path / "index"
    shutil.copytree(seed_index.folder, folder)
    return folder


def _rag(*args, env=None):
    return subprocess.run([sys.executable, "-m", "rag", "eval", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=1800, env=env)


@pytest.mark.slow
def test_eval_end_to_end(index_copy, tmp_path):
    out = tmp_path / "out"
    proc = _rag("eval/qa/seeds.jsonl", "--limit", 20, "--mode", "bm25,hybrid", "--out", out, "--index", index_copy,
                "--json")
    assert proc.returncode == 0, proc.stderr
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    data = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert json.loads(proc.stdout) == data
    assert set(data) == {"run", "notes", "retrieval", "answers"}
    assert data["run"]["rows"] == 20 and data["run"]["skipped_lines"] == []
    assert [e["mode"] for e in data["retrieval"]] == ["bm25", "hybrid"]
    for entry in data["retrieval"]:
        assert {"hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "latency"} <= set(entry)
        assert 0 <= entry["hit@1"] <= entry["hit@3"] <= entry["hit@5"] <= entry["hit@10"] <= 1
    assert [e["name"] for e in data["answers"]] == ["bm25/extractive", "hybrid/extractive"]
    for entry in data["answers"]:
        assert {"accuracy", "f1", "citation_precision", "citation_recall", "abstention_rate",
                "false_abstention_rate", "calibration", "accuracy_by_type", "latency"} <= set(entry)
        assert entry["accuracy"] > 0.5
        assert entry["abstention_rate"] is None  # the first 20 rows are all answerable
    assert any("llm skipped" in n for n in data["notes"]) or os.environ.get("RAG_LLM_BASE_URL")
    with open(out / "per_question.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 40 and list(rows[0]) == COLUMNS
    assert {r["answerer"] for r in rows} == {"extractive"} and {r["mode"] for r in rows} == {"bm25", "hybrid"}
    assert all(r["top_chunk_ids"] and r["retrieve_ms"] for r in rows)
    report = (out / "report.md").read_text(encoding="utf-8")
    for heading in ("## Retrieval", "## Answers", "## Abstention threshold calibration", "## Glossary"):
        assert heading in report
    assert "| hybrid/extractive | 20 |" in report


@pytest.mark.slow
def test_malformed_lines_are_skipped_with_exit_1(index_copy, tmp_path):
    good = QA.read_text(encoding="utf-8").splitlines()
    qa = tmp_path / "qa.jsonl"
    qa.write_text("\n".join([good[0], "{broken", good[1], good[-1], '{"id": "x"}']) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = _rag(qa, "--mode", "bm25", "--out", out, "--index", index_copy, "--quiet")
    assert proc.returncode == 1, proc.stderr
    assert "qa.jsonl:2: skipped: not valid JSON" in proc.stderr
    assert "qa.jsonl:5: skipped: missing field 'question'" in proc.stderr
    data = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert data["run"]["rows"] == 3 and len(data["run"]["skipped_lines"]) == 2
    assert data["answers"][0]["unanswerable"] == 1
    assert "2 malformed lines skipped" in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_distractor_mode(index_copy, tmp_path):
    from rag.evaluation.distractors import corpus_digest

    corpus = tmp_path / "corpus.jsonl.xz"
    articles = [{"id": f"d{i}", "published": None, "text": f"第{i}篇新闻：某市举办第{i}届农业博览会，吸引了大量游客参观。"}
                for i in range(6)]
    with lzma.open(corpus, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n")
    cache = tmp_path / "cache"
    # start the cached index from the seed index so only the three articles are embedded
    shutil.copytree(index_copy, cache / "rag-news-zh" / f"distractor-index-3-e5-{corpus_digest(corpus)}")
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    out = tmp_path / "out"
    proc = _rag("eval/qa/seeds.jsonl", "--limit", 5, "--mode", "bm25", "--out", out, "--index", index_copy,
                "--distractors", corpus, "--n", 3, "--quiet", env=env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert [i["corpus"] for i in data["run"]["indexes"]] == ["seeds", "seeds+3"]
    assert data["run"]["indexes"][1]["files"] == 8
    assert [e["name"] for e in data["answers"]] == ["bm25/extractive", "bm25/extractive [seeds+3]"]
    written = sorted((cache / "rag-news-zh").glob("distractor-articles-3-*/*.txt"))
    assert len(written) == 3
