"""Word files built from the seed pages with python-docx: headings split articles, properties become metadata."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pytest

from rag.errors import LoadError
from rag.loaders.docx import LOADER
from rag.loading import SourceText
from rag.normalize import compact
from rag.segment import split_articles

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
MASTHEAD = "青岛日报 2024年3月13日 星期三 第3版 要闻"


def source(name: str, text: str) -> SourceText:
    return SourceText(Path(name), name, text, "utf-8", hashlib.sha256(text.encode()).hexdigest())


def seed_articles(path: Path):
    return split_articles(source(path.name, path.read_text(encoding="utf-8")))


def saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def headed_docx(articles, masthead: str | None = MASTHEAD, kicker_level: int = 1) -> bytes:
    """One article after another: kicker, title as Heading 1, subtitle as Heading 2, byline, dateline, body."""
    document = docx.Document()
    document.core_properties.author = "青岛日报社"
    document.core_properties.title = "青岛日报第3版"
    document.core_properties.created = datetime(2024, 3, 20, 9, 0)
    if masthead:
        document.add_paragraph(masthead)
    for article in articles:
        if article.kicker:
            document.add_heading(article.kicker, level=kicker_level)
        document.add_heading(article.title, level=1)
        if article.subtitle:
            document.add_heading(article.subtitle, level=2)
        if article.byline:
            document.add_paragraph("□" + article.byline)
        paragraphs = [p.text for p in article.paragraphs]
        if article.dateline_para is not None:
            paragraphs[0] = article.dateline_para.text + paragraphs[0]
        for text in paragraphs:
            document.add_paragraph(text)
    return saved(document)


@pytest.mark.parametrize("kicker_level", [1, 3])
@pytest.mark.parametrize("seed", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_heading_styled_articles_come_out_one_each_with_titles_in_order(seed, kicker_level):
    articles = [a for a in seed_articles(seed) if not a.title_derived]
    docs = LOADER.load(Path("page.docx"), headed_docx(articles, kicker_level=kicker_level))
    assert [d.meta.title for d in docs] == [a.title for a in articles]
    for doc, article in zip(docs, articles):
        assert doc.single_article and doc.key
        text = compact(doc.text)
        assert all(compact(p.text) in text for p in article.paragraphs)
        assert compact(article.title) not in text[:len(compact(article.title))]  # the title is metadata
        assert not article.kicker or text.startswith(compact(article.kicker))
        assert doc.meta.published == "2024-03-13"  # the masthead's date, not the file's creation date
        assert doc.meta.author == "青岛日报社"
    assert MASTHEAD not in "".join(d.text for d in docs)


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_a_page_typed_without_headings_segments_like_the_text_seed(seed):
    text = seed.read_text(encoding="utf-8")
    document = docx.Document()
    for line in text.split("\n"):
        if line.strip():
            document.add_paragraph(line.strip())
    [doc] = LOADER.load(Path("page.docx"), saved(document))
    assert not doc.single_article
    from_docx = split_articles(source("page.docx", doc.text))
    from_txt = split_articles(source(seed.name, text))
    assert [a.title for a in from_docx] == [a.title for a in from_txt]
    assert [compact(a.body) for a in from_docx] == [compact(a.body) for a in from_txt]


def test_core_properties_and_a_date_line_atop_the_article():
    document = docx.Document()
    document.core_properties.author = "王记者"
    document.core_properties.title = "专题"
    document.core_properties.created = datetime(2024, 3, 20, 9, 0)
    document.add_paragraph("专题报道", style="Title")
    document.add_heading("第一篇", level=1)
    document.add_paragraph("2023年8月16日 星期三")
    document.add_paragraph("第一篇的正文。")
    document.add_heading("第二篇", level=1)
    document.add_paragraph("第二篇的正文。")
    table = document.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "指标", (0, 1): "数值", (1, 0): "进出口", (1, 1): "1258亿元"}.items():
        table.cell(r, c).text = value
    first, second = LOADER.load(Path("a.docx"), saved(document))
    assert (first.meta.title, first.meta.published, first.meta.author) == ("第一篇", "2023-08-16", "王记者")
    assert (second.meta.title, second.meta.published) == ("第二篇", "2024-03-20")  # created date
    assert second.text == "第二篇的正文。\n\n指标 | 数值\n\n进出口 | 1258亿元"
    assert first.meta.extra == {"document_title": "专题"}


def test_python_docx_template_defaults_are_not_metadata():
    document = docx.Document()
    document.add_paragraph("本报讯 一段正文。")
    [doc] = LOADER.load(Path("a.docx"), saved(document))
    assert doc.meta.author == "" and doc.meta.published is None


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"PK\x03\x04" + b"\x00" * 200, "not a readable Word"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "password-protected"),
    (b"plain text renamed to .docx", "not a readable Word"),
])
def test_broken_docx_is_one_clear_error(data, reason):
    with pytest.raises(LoadError, match=reason):
        LOADER.load(Path("bad.docx"), data)


def test_docx_without_text_is_refused():
    document = docx.Document()
    document.add_paragraph("   ")
    with pytest.raises(LoadError, match="no text"):
        LOADER.load(Path("blank.docx"), saved(document))
    only_headings = docx.Document()
    only_headings.add_heading("只有标题", level=1)
    with pytest.raises(LoadError, match="only headings"):
        LOADER.load(Path("heads.docx"), saved(only_headings))


def test_sniff_knows_word_from_other_zips():
    assert LOADER.sniff(saved(docx.Document())[:4096])
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    assert not LOADER.sniff(other.getvalue()[:4096])
    assert not LOADER.sniff(b"%PDF-1.7")
