"""Encodings, bad files and the `rag articles` exit code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from rag.errors import LoadError
from rag.ingest import ingest_paths
from rag.loading import decode_bytes, load_file
from rag.normalize import compact, normalize

ARTICLE = "青岛外贸稳中有进\n\n本报3月12日讯 今年前2个月，青岛市外贸进出口１２５８亿元，同比增长5.4%。\n"


@pytest.mark.parametrize("encoding,label", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                            ("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-16", "utf-16")])
def test_encodings_decode(tmp_path, encoding, label):
    path = tmp_path / f"a-{encoding}.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    src = load_file(path)
    assert src.text == ARTICLE
    assert src.encoding == label


def test_bomless_utf16_decodes():
    assert decode_bytes(ARTICLE.encode("utf-16-le"))[0] == ARTICLE


@pytest.mark.parametrize("data,reason", [(b"", "empty"), (b"  \n\n", "empty"),
                                         (bytes(range(256)) * 8, "binary"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")])
def test_bad_bytes_are_refused_with_a_reason(data, reason):
    with pytest.raises(LoadError, match=reason):
        decode_bytes(data)


def test_normalised_copy_maps_back_to_original():
    original = "增长　５．４％，ＧＤＰ  达到\n\n 1258亿元"
    norm = normalize(original)
    assert norm.text == "增长 5.4%,gdp 达到 1258亿元".replace(",", "，")
    start = norm.text.index("5.4%")
    s, e = norm.original_span(start, start + 4)
    assert original[s:e] == "５．４％"
    assert compact("ＧＤＰ 达 到") == "gdp达到"


def _run_articles(*paths):
    return subprocess.run([sys.executable, "-m", "rag", "articles", *map(str, paths)],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_mixed_folder_reports_each_bad_file_and_keeps_the_good(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "good-utf8.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "good-gb.txt").write_bytes(ARTICLE.replace("青岛外贸", "胶州外贸").encode("gb18030"))
    (folder / "good-utf16.md").write_bytes(ARTICLE.replace("青岛外贸", "即墨外贸").encode("utf-16"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    big = folder / "huge.txt"
    with big.open("w", encoding="utf-8") as fh:  # 50 MB of real text is read, split and chunked
        paragraph = ARTICLE * 4
        while fh.tell() < 50 * 2**20:
            fh.write(paragraph)
    result = _run_articles(folder, tmp_path / "missing.txt")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert len(lines) == 3, result.stderr
    assert any("empty.txt: empty file" in line for line in lines)
    assert any("binary.txt" in line and "binary" in line for line in lines)
    assert any("missing.txt: no such file" in line for line in lines)
    for name in ("good-utf8.txt", "good-gb.txt", "good-utf16.md", "huge.txt"):
        assert name in result.stdout
    assert "胶州外贸稳中有进" in result.stdout and "即墨外贸稳中有进" in result.stdout


def test_all_good_exit_zero(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = _run_articles(tmp_path / "a.txt")
    assert result.returncode == 0, result.stderr
    assert "青岛外贸稳中有进" in result.stdout


def test_one_article_file_is_not_split(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("海信发布新款激光电视\n\n2024年5月20日\n\n海信今天在青岛发布新款激光电视。\n\n"
                    "这款电视采用三色激光光源。\n\n公司表示，产品将于6月上市。\n", encoding="utf-8")
    docs, problems = ingest_paths([path])
    assert not problems
    [art] = docs[0].articles
    assert art.title == "海信发布新款激光电视" and not art.title_derived
    assert (art.year, art.month, art.day) == (2024, 5, 20)
    assert art.body.startswith("海信今天在青岛发布") and "2024年5月20日" not in art.body
    assert len(art.paragraphs) == 3


def test_untitled_single_article_gets_a_derived_title(tmp_path):
    path = tmp_path / "untitled.txt"
    path.write_text("近日，青岛市发布了新的人才政策，涵盖住房、落户和创业补贴等方面。\n\n政策自下月起实施。\n", encoding="utf-8")
    docs, _ = ingest_paths([path])
    [art] = docs[0].articles
    assert art.title_derived and art.title.startswith("青岛市发布了新的人才政策")
