"""JSONL/CSV dumps: one article per record, dates normalised, bad records reported by line, the shared corpus whole."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
from datetime import datetime, timezone
from pathlib import Path

import pytest

from rag.errors import LoadError
from rag.loaders.date_values import iso_date, own_head_date
from rag.loaders.records import LOADER, BadRecords, RecordFields, RecordsLoader, record_fields_from_flags

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "crud-news-part1-4.jsonl.xz"
CORPUS_RECORDS = 23_152
CORPUS_PUBLISHED = 8_735  # records whose `published` field is set

GOOD = [
    {"id": "a1", "title": "青岛外贸稳中有进", "published": "2024-03-12 18:24", "url": "https://e.cn/1",
     "text": "本报3月12日讯 今年前2个月，青岛市外贸进出口1258亿元。", "section": "要闻"},
    {"id": 2, "content": "第二篇文章的正文。", "date": "2023年8月16日"},
    {"body": ["第一段。", "第二段。"], "date": 1692179040},
    {"text": "[ 2023-07-28 16：40 ] ，正文：人民网柏林7月28日电 正文内容。", "published": None},
]


def jsonl(records: list) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def test_each_record_is_one_article_with_its_fields():
    docs = LOADER.load(Path("dump.jsonl"), jsonl(GOOD))
    assert [d.key for d in docs] == ["a1", "2", "line 3", "line 4"]
    assert all(d.single_article for d in docs)
    first = docs[0]
    assert first.meta.title == "青岛外贸稳中有进" and first.meta.url == "https://e.cn/1"
    assert first.meta.published == "2024-03-12"
    assert first.meta.extra == {"published": "2024-03-12 18:24", "section": "要闻"}
    assert docs[1].text == "第二篇文章的正文。" and docs[1].meta.published == "2023-08-16"
    assert docs[2].text == "第一段。\n\n第二段。" and docs[2].meta.published == "2023-08-16"
    assert docs[3].meta.published == "2023-07-28"  # from the date line atop the text
    assert docs[3].text.startswith("[ 2023-07-28")  # the text is kept as it is
    assert not any(d.warnings for d in docs)


def test_broken_lines_are_reported_by_number_and_the_rest_loaded():
    lines = [json.dumps(GOOD[0], ensure_ascii=False), '{"text": "未闭合', "", "[1, 2]",
             json.dumps({"title": "无正文"}), json.dumps({"text": "   "}), json.dumps(GOOD[1], ensure_ascii=False),
             json.dumps({"text": "日期不对", "published": "明天"}, ensure_ascii=False),
             json.dumps({"id": "a1", "text": "重复的编号"}, ensure_ascii=False), '{"text": 42}']
    data = "\n".join(lines).encode("utf-8") + b"\n" + b'{"text": "\xff\xfe bad bytes"}\n'
    docs = LOADER.load(Path("dump.jsonl"), data)
    assert [d.key for d in docs] == ["a1", "2", "line 8", "line 9", "line 11"]
    warnings = docs[0].warnings
    assert [w.split(":")[0] for w in warnings] == ["line 2", "line 4", "line 5", "line 6", "line 8", "line 9",
                                                    "line 10", "line 11"]
    assert "not valid JSON" in warnings[0] and "not an object" in warnings[1]
    assert "no text field" in warnings[2] and "empty text field" in warnings[3]
    assert "not understood" in warnings[4] and "already used on line 1" in warnings[5]
    assert "holds a int" in warnings[6] and "not utf-8" in warnings[7]
    assert docs[2].meta.published is None


def test_a_file_of_only_bad_records_is_one_error_naming_lines():
    with pytest.raises(LoadError, match=r"line 1: not valid JSON.*line 2"):
        LOADER.load(Path("bad.jsonl"), b"not json\n{broken\n")
    with pytest.raises(LoadError, match="empty"):
        LOADER.load(Path("empty.jsonl"), b"\n\n")


def test_warnings_are_capped():
    data = b"x\n" * 500 + jsonl([GOOD[1]])
    [doc] = LOADER.load(Path("many.jsonl"), data)
    assert len(doc.warnings) == 101 and doc.warnings[-1] == "… and 400 more bad records"


@pytest.mark.parametrize("suffix,compress", [
    (".jsonl.gz", gzip.compress), (".jsonl.xz", lzma.compress), (".ndjson.bz2", bz2.compress),
    (".jsonl", lambda b: b), (".csv.gz", None)])
def test_compressed_dumps_read_like_plain_ones(suffix, compress):
    if compress is None:
        data = gzip.compress(csv_bytes([["id", "text", "date"], ["c1", "正文一。", "2024/3/13"]]))
        [doc] = LOADER.load(Path("d" + suffix), data)
        assert (doc.key, doc.text, doc.meta.published) == ("c1", "正文一。", "2024-03-13")
        return
    data = compress(jsonl(GOOD))
    assert LOADER.sniff(data[:4096])
    docs = LOADER.load(Path("d" + suffix), data)
    assert [d.text for d in docs] == [d.text for d in LOADER.load(Path("d.jsonl"), jsonl(GOOD))]


def test_a_damaged_xz_keeps_the_records_before_the_damage():
    records = [{"id": f"r{i}", "text": f"第{i}篇文章的正文，" + "内容" * 200} for i in range(3000)]
    data = lzma.compress(jsonl(records))
    docs = LOADER.load(Path("cut.jsonl.xz"), data[: len(data) // 2])
    assert 0 < len(docs) < 3000
    assert [d.key for d in docs] == [f"r{i}" for i in range(len(docs))]
    assert f"line {len(docs) + 1}: compressed data damaged" in docs[0].warnings[0]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_with_quoted_line_breaks_and_a_broken_row(encoding):
    rows = [["id", "title", "published", "text"],
            ["n1", "青岛外贸", "2024-03-12", "第一段，含逗号。\n第二段。"],
            ["n2", "缺一列", "2024-03-12"],
            ["n3", "", "", "第三篇正文。"]]
    docs = LOADER.load(Path("news.csv"), csv_bytes(rows, encoding))
    assert [d.key for d in docs] == ["n1", "n3"]
    assert docs[0].text == "第一段，含逗号。\n第二段。" and docs[0].meta.title == "青岛外贸"
    assert docs[1].meta.title == "" and docs[1].meta.published is None
    assert docs[0].warnings == ("line 4: 3 cells where the header has 4 (an unquoted comma or line break?), skipped",)


def test_other_field_names_by_settings():
    fields = record_fields_from_flags(text_field="正文", title_field="标题", date_field="发布时间", id_field="编号")
    assert fields == RecordFields(text=("正文",), title=("标题",), date=("发布时间",), id=("编号",))
    loader = LOADER.with_fields(fields)
    data = csv_bytes([["编号", "标题", "发布时间", "正文", "text"], ["7", "标题甲", "2023年8月16日", "正文甲。", "别读我"]])
    [doc] = loader.load(Path("x.csv"), data)
    assert (doc.key, doc.meta.title, doc.meta.published, doc.text) == ("7", "标题甲", "2023-08-16", "正文甲。")
    assert doc.meta.extra == {"发布时间": "2023年8月16日", "text": "别读我"}
    with pytest.raises(LoadError, match="--text-field"):
        RecordFields(text="")
    assert RecordFields(text="a, b").text == ("a", "b")


def test_records_stream_without_reading_the_whole_file_first():
    data = gzip.compress(jsonl([{"text": f"第{i}篇。" * 50} for i in range(20000)]))

    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, size=-1):
            chunk = super().read(size)
            Counting.read_bytes += len(chunk)
            return chunk

    docs = RecordsLoader().iter_docs(Path("big.jsonl.gz"), Counting(data))
    first = next(docs)
    assert first.key == "line 1" and Counting.read_bytes < len(data)


def test_a_dump_streams_from_disk_with_its_bad_records(tmp_path):
    path = tmp_path / "d.jsonl.xz"
    path.write_bytes(lzma.compress(jsonl(GOOD[:2]) + b"oops\n" + jsonl(GOOD[2:])))
    bad = BadRecords()
    docs = list(LOADER.iter_path(path, bad))
    assert len(docs) == 4 and bad.all() == ("line 3: not valid JSON (Expecting value at column 1), skipped",)


@pytest.mark.parametrize("value,expected", [
    ("2023-08-16 18:24", "2023-08-16"), ("2023年8月16日", "2023-08-16"), ("2023/8/6", "2023-08-06"),
    ("2023.08.16", "2023-08-16"), ("２０２３－０８－１６", "2023-08-16"), ("20230816", "2023-08-16"),
    (20230816, "2023-08-16"), (1692179040, "2023-08-16"), ("1692179040", "2023-08-16"),
    (1692179040000, "2023-08-16"), (1692122400, "2023-08-16"),  # 2023-08-15 18:00 UTC is the 16th in China
    ("2023-08-16T18:24:57+08:00", "2023-08-16"), (datetime(2023, 8, 15, 20, tzinfo=timezone.utc), "2023-08-16"),
    ("2023-02-30", None), ("明天", None), ("", None), (None, None), (True, None), (12, None), ("1800-01-01", None),
])
def test_date_values_become_iso_dates(value, expected):
    assert iso_date(value) == expected


@pytest.mark.parametrize("text,expected", [
    ("[ 2023-07-28 16：40 ] ，正文：人民网柏林电", "2023-07-28"), ("2024年3月13日 星期三\n本报讯", "2024-03-13"),
    ("【2023-08-16】新闻", "2023-08-16"), ("本报讯 2024年3月13日，青岛", None), ("07-20 22:43，正文：", None),
])
def test_own_text_head_dates(text, expected):
    assert own_head_date(text) == expected


def test_sniff_tells_records_from_pages():
    assert LOADER.sniff(jsonl(GOOD)[:100]) and LOADER.sniff(csv_bytes([["id", "text"], ["1", "正文"]]))
    assert LOADER.sniff(gzip.compress(jsonl(GOOD * 50))[:4096])
    assert not LOADER.sniff(b"<!DOCTYPE html><html>") and not LOADER.sniff(b"%PDF-1.7\n")
    assert not LOADER.sniff("青岛日报 第3版 要闻\n\n本报讯".encode())


@pytest.mark.skipif(not CORPUS.exists(), reason=f"shared corpus not found at {CORPUS} (../shared/corpora)")
def test_the_shared_crud_corpus_loads_whole_with_dates():
    docs = LOADER.load(CORPUS, CORPUS.read_bytes())
    assert len(docs) == CORPUS_RECORDS
    assert not docs[0].warnings
    assert len({d.key for d in docs}) == CORPUS_RECORDS
    assert sum(d.meta.published is not None for d in docs) >= CORPUS_PUBLISHED
    with lzma.open(CORPUS, "rt", encoding="utf-8") as f:
        for doc, line in zip(docs, f):
            record = json.loads(line)
            assert doc.key == record["id"] and doc.text == record["text"]
            if record["published"]:
                assert doc.meta.published == record["published"][:10]
