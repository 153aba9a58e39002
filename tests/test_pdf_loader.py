"""PDF loader: reading order of newspaper pages, running head as metadata, bad PDFs refused by name.

The integration tests print the five seed pages as 4-column newspaper PDFs with headless Chromium
(Debian: chromium, fonts-noto-cjk; scans also poppler-utils) and compare the articles with the .txt seeds.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from rag.errors import LoadError
from rag.ingest import ingest_file
from rag.loaders.layout import Box, block_paragraphs, lines_from_glyphs, reading_order_paragraphs, xy_cut
from rag.loaders.pdf import LOADER
from rag.loaders.running_head import running_meta, split_running_text
from rag.loading import SourceText
from rag.segment import split_articles
from tests.support.newspaper_pdf import (
    chromium_available,
    expected_titles,
    make_newspaper_pdf,
    masthead_text,
    seed_print,
)

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
# Each seed page printed with its own masthead, so metadata checks can fail per page.
PRINTS = [seed_print(seed) for seed in SEEDS]


def glyph_line(text: str, x: float, y: float, size: float = 10.0) -> list[Box]:
    """Glyph boxes of one line of full-width characters starting at (x, y)."""
    return [Box(x + i * size, y, x + (i + 1) * size, y + size, ch) for i, ch in enumerate(text)]


def column(lines: list[str], x: float, y: float, pitch: float = 15.0, size: float = 10.0) -> list[Box]:
    return [Box(x, y + i * pitch, x + len(t) * size, y + i * pitch + size, t) for i, t in enumerate(lines)]


# --- layout: pure functions over boxes -------------------------------------------------------------

def test_headline_is_read_before_its_columns_and_columns_left_to_right():
    headline = [Box(0, 0, 300, 24, "标题横跨两栏")]
    left = column(["左栏第一行文字文字文字", "左栏第二行文字文字文字"], 0, 40)
    right = column(["右栏第一行文字文字文字", "右栏第二行文字文字文字"], 130, 40)
    blocks = xy_cut(right + headline + left)
    assert [b.text for block in blocks for b in block] == [
        "标题横跨两栏", "左栏第一行文字文字文字", "左栏第二行文字文字文字", "右栏第一行文字文字文字", "右栏第二行文字文字文字"]


def test_two_articles_side_by_side_are_read_one_after_the_other():
    # The headlines end at the same height, so a strip runs under both; the gutter between the
    # articles is wider and is cut first, so each headline stays with its own columns.
    a = [Box(0, 0, 200, 24, "甲文标题")] + column(["甲文正文第一行", "甲文正文第二行"], 0, 40)
    b = [Box(240, 0, 440, 24, "乙文标题")] + column(["乙文正文第一行", "乙文正文第二行"], 240, 40)
    text = [b.text for block in xy_cut(b + a) for b in block]
    assert text == ["甲文标题", "甲文正文第一行", "甲文正文第二行", "乙文标题", "乙文正文第一行", "乙文正文第二行"]


def test_a_long_page_of_spaced_lines_keeps_its_order():
    # 3000 rows with uneven wide gaps (a price table): no recursion limit, rows top to bottom.
    rows, y = [], 0.0
    for i in range(3000):
        rows.append(Box(0, y, 100, y + 10, f"行{i}"))
        y += 25 + i % 4
    assert [b.text for block in xy_cut(rows[::-1]) for b in block] == [b.text for b in rows]


def test_paragraphs_start_at_an_indent_and_run_on_into_the_next_column():
    left = [Box(20, 0, 100, 10, "第一段开头"), Box(0, 15, 100, 25, "第一段续行"),
            Box(0, 30, 100, 40, "第一段末行"), Box(20, 45, 100, 55, "第二段开头"), Box(0, 60, 100, 70, "一直到栏底")]
    right = [Box(130, 0, 230, 10, "接着上栏写"), Box(130, 15, 170, 25, "完。")]
    assert [len(p) for p in block_paragraphs(left)] == [3, 2]
    assert reading_order_paragraphs(right + left) == ["第一段开头第一段续行第一段末行", "第二段开头一直到栏底接着上栏写完。"]


def test_glyphs_become_lines_split_at_gutters_with_spaces_between_words():
    glyphs = glyph_line("记者", 0, 0) + glyph_line("王磊", 24, 0) + glyph_line("另一栏", 60, 0)
    glyphs += [Box(0, 20, 6, 30, "A"), Box(6, 20, 12, 30, "I"), Box(16, 20, 22, 30, "X")]
    lines = sorted(lines_from_glyphs(glyphs), key=lambda b: (b.y0, b.x0))
    assert [b.text for b in lines] == ["记者 王磊", "另一栏", "AI X"]


def test_running_head_fields():
    meta = running_meta([masthead_text("青岛日报", dt.date(2024, 3, 13), 3, "要闻")],
                        ["责任编辑 王 磊 美术编辑 李 娜", "3"])
    assert (meta.paper, meta.published, meta.page, meta.section) == ("青岛日报", "2024-03-13", "第3版", "要闻")
    assert "王 磊" in meta.extra["editors"]


def test_running_head_taken_from_ocr_text_and_article_text_kept():
    text = "青岛日报\n\n2024年3月13日 星期三\n\n第3版\n\n要闻\n\n前2个月青岛市进出口1258亿元\n\n本报3月12日讯 正文。\n\n责任编辑 王磊\n\n3"
    body, meta = split_running_text(text)
    assert body == "前2个月青岛市进出口1258亿元\n\n本报3月12日讯 正文。"
    assert (meta.published, meta.page, meta.section) == ("2024-03-13", "第3版", "要闻")


# --- bad input -------------------------------------------------------------------------------------

def blank_pdf(pages: int) -> bytes:
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_pdf_of_blank_pages_is_one_clear_error(tmp_path):
    with pytest.raises(LoadError, match="all 3 page.* blank"):
        LOADER.load(tmp_path / "blank.pdf", blank_pdf(3))


def test_a_corrupt_pdf_is_one_clear_error(tmp_path):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 40
    with pytest.raises(LoadError, match="damaged"):
        LOADER.load(tmp_path / "broken.pdf", data)
    with pytest.raises(LoadError, match="not a PDF"):
        LOADER.load(tmp_path / "fake.pdf", b"<html>not a pdf</html>")


def test_a_password_protected_pdf_is_one_clear_error(tmp_path):
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank_pdf(1))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(LoadError, match="encrypted with a password"):
        LOADER.load(tmp_path / "locked.pdf", buffer.getvalue())


def test_sniff_knows_a_pdf_by_its_header():
    assert LOADER.sniff(b"%PDF-1.4\n%\xe2\xe3")
    assert not LOADER.sniff(b"PK\x03\x04 docx")


# --- Chromium-printed newspaper pages ---------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not chromium_available(),
                                    reason="needs Debian chromium and fonts-noto-cjk to print PDFs")


@pytest.fixture(scope="session")
def newspaper_pdfs(tmp_path_factory) -> dict[str, Path]:
    """The five seed pages printed once per session as newspaper PDFs, keyed by seed file name."""
    if not chromium_available():
        pytest.skip("needs Debian chromium and fonts-noto-cjk to print PDFs")
    folder = tmp_path_factory.mktemp("newspaper_pdfs")
    return {seed.name: make_newspaper_pdf(seed, folder / f"{seed.stem}.pdf", **PRINTS[i])
            for i, seed in enumerate(SEEDS)}


def pdf_articles(pdf: Path):
    docs = LOADER.load(pdf, pdf.read_bytes())
    return docs, [a for d in docs for a in split_articles(SourceText(pdf, f"{pdf.name}#{d.key}", d.text, "utf-8", ""))]


def sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in re.split(r"(?<=[。！？])", text)) if len(s) >= 6]


@needs_chromium
@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(SEEDS)), ids=[s.stem[:3] for s in SEEDS])
def test_pdf_page_gives_the_articles_of_the_txt_seed(newspaper_pdfs, index):
    seed = SEEDS[index]
    docs, articles = pdf_articles(newspaper_pdfs[seed.name])
    assert [a.title for a in articles] == expected_titles(seed)
    for reference, article in zip(ingest_file(seed).articles, articles):
        positions = []
        for sentence in sentences(reference.body):
            assert sentence in article.body, f"{reference.title}: missing {sentence}"
            positions.append(article.body.index(sentence))
        assert positions == sorted(positions), f"{reference.title}: sentences out of reading order"


@needs_chromium
@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(SEEDS)), ids=[s.stem[:3] for s in SEEDS])
def test_running_head_becomes_metadata_and_never_article_text(newspaper_pdfs, index):
    docs, articles = pdf_articles(newspaper_pdfs[SEEDS[index].name])
    printed = PRINTS[index]
    assert [d.key for d in docs] == [f"p{i + 1}" for i in range(len(docs))]
    for offset, doc in enumerate(docs):
        assert doc.meta.published == printed["date"].isoformat()
        assert doc.meta.page == f"第{printed['page_no'] + offset}版"
        assert (doc.meta.paper, doc.meta.section) == ("青岛日报", printed["section"])
    date_text = f"{printed['date'].year}年{printed['date'].month}月{printed['date'].day}日"
    for article in articles:
        for field in (article.title, article.body, *article.captions, *article.headings):
            assert date_text not in field and "责任编辑" not in field and not re.search(r"第\d+版", field)


@needs_chromium
@pytest.mark.slow
def test_three_column_print_reads_the_same(tmp_path):
    seed = SEEDS[3]
    pdf = make_newspaper_pdf(seed, tmp_path / "three.pdf", columns=3)
    _, articles = pdf_articles(pdf)
    assert [a.title for a in articles] == expected_titles(seed)


@needs_chromium
@pytest.mark.slow
def test_progress_is_reported_per_page(newspaper_pdfs):
    pdf = newspaper_pdfs[SEEDS[0].name]
    calls = []
    docs = LOADER.load(pdf, pdf.read_bytes(), progress=lambda what, done, total: calls.append((what, done, total)))
    total = calls[-1][2]
    assert total >= len(docs) >= 2
    assert [c[1] for c in calls if c[0].startswith("PDF")] == list(range(1, total + 1))


@needs_chromium
@pytest.mark.slow
def test_scanned_page_without_ocr_is_refused_naming_the_page(newspaper_pdfs, tmp_path, monkeypatch):
    from tests.support.newspaper_pdf import make_scanned_pdf

    scan = make_scanned_pdf(newspaper_pdfs[SEEDS[2].name], tmp_path / "scan.pdf", dpi=50)
    monkeypatch.setitem(sys.modules, "rag.loaders.ocr", None)  # as on an install without the OCR extra
    with pytest.raises(LoadError, match="page 1 has no text layer and OCR is not available"):
        LOADER.load(scan, scan.read_bytes())


@needs_chromium
@pytest.mark.slow
def test_reading_order_does_not_depend_on_the_text_stream(tmp_path):
    # Painted bottom-up: the PDF's text stream starts with the footer and the last article.
    seed = SEEDS[1]
    pdf = make_newspaper_pdf(seed, tmp_path / "reversed.pdf", stream_order="reversed")
    _, articles = pdf_articles(pdf)
    assert [a.title for a in articles] == expected_titles(seed)


@needs_chromium
@pytest.mark.slow
def test_indexed_pdf_articles_carry_the_running_head(newspaper_pdfs):
    seed = SEEDS[0]
    doc = ingest_file(newspaper_pdfs[seed.name])
    assert [a.title for a in doc.articles] == expected_titles(seed)
    assert {a.published for a in doc.articles} == {PRINTS[0]["date"].isoformat()}
    assert {a.page for a in doc.articles} == {"第3版", "第4版"}
    assert {a.section for a in doc.articles} == {"要闻"}


@needs_chromium
@pytest.mark.slow
def test_scanned_page_goes_through_ocr_and_keeps_its_masthead_as_metadata(newspaper_pdfs, tmp_path):
    pytest.importorskip("rapidocr_onnxruntime")
    pytest.importorskip("rag.loaders.ocr")
    from bench.pdf_libraries import char_scores
    from tests.support.newspaper_pdf import make_scanned_pdf

    pdf = newspaper_pdfs[SEEDS[3].name]
    text_layer = LOADER.load(pdf, pdf.read_bytes())[0]
    scan = make_scanned_pdf(pdf, tmp_path / "scan.pdf", dpi=150, pages=(1, 1))
    calls = []
    docs = LOADER.load(scan, scan.read_bytes(), progress=lambda *call: calls.append(call))
    assert [d.key for d in docs] == ["p1"]
    recovered, _ = char_scores(text_layer.text, docs[0].text)
    assert recovered >= 0.9
    assert docs[0].meta.published == PRINTS[3]["date"].isoformat()
    assert any(what.startswith("OCR") for what, _, _ in calls)


def test_radical_code_points_are_read_as_the_ideographs():
    from rag.loaders.radicals import unify_radicals

    assert unify_radicals("⻘岛⽇报 ⼯业 ⻔店 ⻓期") == "青岛日报 工业 门店 长期"
    assert unify_radicals("青岛，2024年") == "青岛，2024年"


def test_a_pdf_locked_only_against_editing_is_read(tmp_path):
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank_pdf(1))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    # No password is needed to read it: the loader opens it (and finds the page blank).
    with pytest.raises(LoadError, match="blank"):
        LOADER.load(tmp_path / "owner-locked.pdf", buffer.getvalue())


@needs_chromium
@pytest.mark.slow
def test_each_page_is_read_its_own_way_text_layer_or_ocr(newspaper_pdfs, tmp_path, monkeypatch):
    from pypdf import PdfReader, PdfWriter

    from tests.support.newspaper_pdf import make_scanned_pdf

    pdf = newspaper_pdfs[SEEDS[2].name]
    scan = make_scanned_pdf(pdf, tmp_path / "scan.pdf", dpi=50, pages=(1, 1))
    writer = PdfWriter()
    writer.add_page(PdfReader(pdf).pages[0])
    writer.add_page(PdfReader(scan).pages[0])
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as out:
        writer.write(out)
    monkeypatch.setitem(sys.modules, "rag.loaders.ocr", None)
    # Page 1 has its text layer; only page 2 needs OCR, and the error names it.
    with pytest.raises(LoadError, match="page 2 has no text layer and OCR is not available"):
        LOADER.load(mixed, mixed.read_bytes())
