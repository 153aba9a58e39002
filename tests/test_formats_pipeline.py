"""Loaders wired into indexing: every format's texts become articles with dates; date filters; rebuilds from sources."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.errors import RagError
from rag.index import Index, IndexSettings, build_index
from rag.index.published import from_days, to_days, within
from rag.retrieval import RetrievalSettings
from rag.retrieval.search import run_search

REPO = Path(__file__).resolve().parents[1]

RECORDS = [
    {"id": "a1", "title": "青岛港吞吐量创新高", "published": "2023-03-01",
     "text": "青岛港今年前两个月完成货物吞吐量1.2亿吨，同比增长5%。港口集团表示将继续扩大航线。"},
    {"id": "a2", "title": "青岛港开通新航线", "published": "2024-05-02 10:30",
     "text": "青岛港开通至南美的新集装箱航线，每周一班。港口集团负责人介绍，去年港口吞吐量保持增长。"},
    {"id": "a3", "title": "胶州湾大桥车流量增长", "published": "2024-07-15",
     "text": "胶州湾大桥上半年车流量同比增长一成，青岛港集疏运车辆占三成。"},
    {"id": "a4", "title": "青岛港绿色码头建设", "published": None,
     "text": "2022-11-08 09:15，正文：青岛港自动化码头完成光伏改造，年发电量可达百万千瓦时。"},
]


def _archive(root: Path) -> Path:
    src = root / "archive"
    src.mkdir()
    with open(src / "dump.jsonl", "w", encoding="utf-8") as fh:
        for record in RECORDS:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.write("{this line is broken\n")
    (src / "2024-06-01_开放日.txt").write_text("青岛港举办开放日\n\n青岛港举办港口开放日活动，市民可参观自动化码头。\n",
                                              encoding="utf-8")
    (src / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    return src


@pytest.fixture(scope="module")
def archive_index(tmp_path_factory, e5_embedder):
    root = tmp_path_factory.mktemp("formats")
    src = _archive(root)
    report = build_index(root / "idx", [src], IndexSettings(), embedder=e5_embedder, progress=False)
    index = Index.open(root / "idx")
    yield src, report, index
    index.close()


def test_records_and_text_are_indexed_with_dates_and_bad_parts_named(archive_index):
    src, report, index = archive_index
    assert report.files == 2 and report.articles == 5
    reasons = {Path(p.path).name: p.reason for p in report.problems}
    assert "line 5" in reasons["dump.jsonl"]  # the broken record, by line; the others are indexed
    assert "unknown file type '.doc'" in reasons["old.doc"]
    chunks = index.chunks_by_rows(list(range(index.size)))
    dates = {chunk.source: from_days(int(index.published_days[row])) for row, chunk in chunks.items()}
    assert dates["dump.jsonl#a1"] == "2023-03-01"
    assert dates["dump.jsonl#a2"] == "2024-05-02"
    assert dates["dump.jsonl#a4"] == "2022-11-08"  # from the date line at the top of the text
    assert dates["2024-06-01_开放日.txt"] == "2024-06-01"  # from the file name


def test_hits_carry_the_publication_date(archive_index):
    _, _, index = archive_index
    hits = index.search("青岛港开通了哪条新航线？", k=3)
    assert hits[0].source == "dump.jsonl#a2" and hits[0].published == "2024-05-02"
    assert hits[0].to_dict()["published"] == "2024-05-02"


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_date_filter_equals_the_unfiltered_ranking_restricted_to_the_range(archive_index, mode):
    _, _, index = archive_index
    query = "青岛港吞吐量"
    since, until = "2024-01-01", "2024-12-31"
    every = run_search(index, query, RetrievalSettings(mode=mode, k=index.size, period_boost=1))
    filtered = run_search(index, query, RetrievalSettings(mode=mode, k=index.size, since=since, until=until,
                                                          period_boost=1))
    assert filtered and all(since <= h.published <= until for h in filtered)
    brute = [h.chunk_id for h in every if h.published and since <= h.published <= until]
    assert [h.chunk_id for h in filtered] == brute


def test_date_mask_reference():
    days = np.array([to_days("2023-03-01"), -1, to_days("2024-05-02"), to_days("2024-12-31")], dtype=np.int32)
    assert within(days, "2024-01-01", None).tolist() == [False, False, True, True]
    assert within(days, None, "2024-05-02").tolist() == [True, False, True, False]
    assert from_days(to_days("2024-02-29")) == "2024-02-29" and to_days("2023-02-30") == -1


def test_bad_dates_are_one_clear_line():
    with pytest.raises(RagError, match="--since must be a date like"):
        RetrievalSettings(since="2024-13-01")
    with pytest.raises(RagError, match="swap them"):
        RetrievalSettings(since="2024-02-01", until="2024-01-01")


def test_search_takes_settings_or_keywords_not_both(archive_index):
    _, _, index = archive_index
    settings = RetrievalSettings(mode="bm25", k=2)
    hits = index.search("青岛港", settings=settings)
    assert len(hits) == 2 and all(set(h.ranks) == {"bm25"} for h in hits)  # the settings' mode and k, not defaults
    assert len(index.search("青岛港", k=1)) == 1 and len(index.search("青岛港", k=1, mode="dense")) == 1
    # an override beside settings once won silently; now it is refused, saying how to combine them
    for overrides in ({"k": 1}, {"mode": "dense"}, {"k": 2, "mode": "bm25"}):
        with pytest.raises(RagError, match=r"give either settings=… or k=/mode=, not both; put k and mode into"):
            index.search("青岛港", settings=settings, **overrides)


def _rag(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**os.environ, "HF_HUB_OFFLINE": "1"}, check=False)


def test_cli_filters_and_rebuild_from_recorded_sources(tmp_path):
    src = _archive(tmp_path)
    first = _rag("index", str(src), "--index", "idx", "--quiet", cwd=tmp_path)
    assert first.returncode == 1 and "Traceback" not in first.stderr  # 1: some parts were skipped, said by name
    assert "line 5" in first.stderr and "old.doc" in first.stderr
    out = _rag("search", "青岛港", "--index", "idx", "--json", "-k", "10", "--since", "2024-01-01", cwd=tmp_path)
    hits = json.loads(out.stdout)
    assert hits and {h["published"][:4] for h in hits} == {"2024"}
    # the rebuild the mismatch message suggests re-reads this archive, not the repository's seeds
    refused = _rag("search", "青岛港", "--index", "idx", "--embedder", "st:other-model", cwd=tmp_path)
    assert refused.returncode == 2 and "rag index --rebuild --index idx" in refused.stderr
    again = _rag("index", "--rebuild", "--index", "idx", "--quiet", cwd=tmp_path)
    assert "2 files, 5 articles" in again.stdout, again.stdout + again.stderr


def test_dump_with_other_field_names_by_flags(tmp_path):
    dump = tmp_path / "export.jsonl"
    dump.write_text(json.dumps({"uid": "x1", "正文": "青岛啤酒节在西海岸开幕，首日游客超过十万人次。", "标题": "啤酒节开幕",
                                "日期": "2024年8月3日"}, ensure_ascii=False) + "\n", encoding="utf-8")
    built = _rag("index", str(dump), "--index", "idx", "--quiet", "--text-field", "正文", "--title-field", "标题",
                 "--date-field", "日期", "--id-field", "uid", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    hits = json.loads(_rag("search", "啤酒节", "--index", "idx", "--json", cwd=tmp_path).stdout)
    assert hits[0]["source"] == "export.jsonl#x1" and hits[0]["title"] == "啤酒节开幕"
    assert hits[0]["published"] == "2024-08-03"


def _bad_inputs(folder: Path) -> dict[str, str]:
    """One file of each kind of bad input the formats meet, and what its line on stderr must say."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    blank = pdfium.PdfDocument.new()
    for _ in range(2):
        blank.new_page(595, 842)
    buffer = io.BytesIO()
    blank.save(buffer)
    (folder / "blank.pdf").write_bytes(buffer.getvalue())
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    (folder / "locked.pdf").write_bytes(locked.getvalue())
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    Image.new("RGB", (400, 300), "white").save(folder / "empty-scan.png")
    (folder / "empty.docx").write_bytes(b"")
    (folder / "nav-only.html").write_text("<html><body><nav><a href='/'>首页</a> <a href='/n'>新闻</a></nav>"
                                          "</body></html>", encoding="utf-8")
    (folder / "dump.csv").write_text("id,title,text\n1,港口,青岛港开通新航线，每周一班。\n2,\"broken\n",
                                     encoding="utf-8")
    return {"blank.pdf": "blank", "locked.pdf": "password", "corrupt.pdf": "damaged", "empty-scan.png": "",
            "empty.docx": "", "nav-only.html": "", "dump.csv": "line"}


@pytest.mark.slow
def test_bad_inputs_are_named_and_the_rest_is_indexed(tmp_path):
    src = tmp_path / "inbox"
    src.mkdir()
    expected = _bad_inputs(src)
    (src / "good.txt").write_text("青岛港举办开放日\n\n青岛港举办港口开放日活动，市民可参观自动化码头。\n", encoding="utf-8")
    result = _rag("index", str(src), "--index", "idx", "--quiet", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    for name, word in expected.items():
        line = next((x for x in lines if name in x), None)
        assert line is not None, f"{name} not reported:\n{result.stderr}"
        assert word in line.lower() or word in line
    hits = json.loads(_rag("search", "开放日", "--index", "idx", "--json", cwd=tmp_path).stdout)
    sources = {h["source"] for h in hits}
    assert "good.txt" in sources and any(s.startswith("dump.csv#") for s in
                                         {h["source"] for h in json.loads(
                                             _rag("search", "新航线", "--index", "idx", "--json",
                                                  cwd=tmp_path).stdout)})


def test_answers_cite_the_publication_date_and_resolve_relative_times(tmp_path):
    dump = tmp_path / "trade.jsonl"
    dump.write_text(json.dumps({"id": "t1", "title": "前2个月青岛市进出口1258亿元", "published": "2024-03-12",
                                "text": "据青岛海关统计，今年前2个月，青岛市外贸进出口1258亿元，同比增长5.4%。"
                                        "其中，出口730.5亿元。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert _rag("index", str(dump), "--index", "idx", "--quiet", cwd=tmp_path).returncode == 0
    out = _rag("ask", "前两个月青岛外贸进出口多少？", "--index", "idx", "--json", cwd=tmp_path)
    answer = json.loads(out.stdout)
    cite = answer["citations"][0]
    assert cite["published"] == "2024-03-12"
    assert "今年（2024年）前2个月" in cite["sentence_dated"] and "今年前2个月" in cite["sentence"]
    text = _rag("ask", "前两个月青岛外贸进出口多少？", "--index", "idx", cwd=tmp_path).stdout
    assert "2024-03-12" in text and "按发表日期：" in text


CORPUS = REPO.parent / "shared" / "corpora" / "crud-news-part1-4.jsonl.xz"


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpora/crud-news-part1-4.jsonl.xz is not beside the repo")
def test_records_of_the_shared_corpus_index_as_they_are_with_their_dates(tmp_path):
    """Every 200th record of the CRUD dump, written back as .jsonl.xz byte for byte, indexes with its dates."""
    import lzma

    with lzma.open(CORPUS, "rt", encoding="utf-8") as fh:
        lines = [line for n, line in enumerate(fh) if n % 200 == 0]
    with lzma.open(tmp_path / "crud-sample.jsonl.xz", "wt", encoding="utf-8") as fh:
        fh.writelines(lines)
    built = _rag("index", "crud-sample.jsonl.xz", "--index", "idx", "--quiet", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert f"1 files, {len(lines)} articles" in built.stdout
    records = [json.loads(line) for line in lines]
    dated = [r for r in records if r["published"]]
    index = Index.open(tmp_path / "idx")
    try:
        chunks = index.chunks_by_rows(list(range(index.size)))
        days = {chunk.source: from_days(int(index.published_days[row])) for row, chunk in chunks.items()}
    finally:
        index.close()
    for record in dated:  # the record's own field
        assert days[f"crud-sample.jsonl.xz#{record['id']}"] == record["published"][:10]
    assert sum(1 for d in days.values() if d) >= 0.75 * len(records)  # most others from their 正文 date line
