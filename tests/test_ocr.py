"""OCR of scanned newspaper pages: the seed pages printed by Chromium, rasterised at 150 dpi, read back offline."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from rag.errors import LoadError
from rag.loaders.xycut import Region, text_regions
from tests.support.newspaper_pdf import (
    chromium_available,
    expected_titles,
    make_newspaper_pdf,
    make_scanned_pdf,
)
from tests.support.ocr_metrics import (
    char_recovery,
    comparable,
    locate,
    printed_text,
    title_found,
    titles_found,
)

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
needs_printing = pytest.mark.skipif(
    not (chromium_available() and shutil.which("pdftoppm")),
    reason="needs chromium, fonts-noto-cjk and poppler-utils (apt-get install chromium fonts-noto-cjk poppler-utils)")


# ---- layout before recognition (no OCR, fast) ----

def _page(width: int = 1200, height: int = 900) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (width, height), 255)
    return image, ImageDraw.Draw(image)


def _text_lines(draw: ImageDraw.ImageDraw, x0: int, x1: int, y0: int, count: int, pitch: int = 30) -> None:
    """Bars shaped like 20 px lines of body text, 10 px apart."""
    for i in range(count):
        draw.rectangle([x0, y0 + i * pitch, x1, y0 + i * pitch + 19], fill=0)


def _flat(groups: list[list[Region]]) -> list[Region]:
    return [region for group in groups for region in group]


def test_headline_band_comes_before_its_columns_then_columns_left_to_right():
    image, draw = _page()
    draw.rectangle([100, 40, 1100, 100], fill=0)  # a headline spanning all columns
    for x0 in (100, 450, 800):  # three columns, 40 px gutters, lines level across the gutters
        _text_lines(draw, x0, x0 + 300, 160, 20)
    regions = _flat(text_regions(np.asarray(image))[0])
    assert [(r.x0, r.y0) for r in regions] == [(100, 40), (100, 160), (450, 160), (800, 160)]
    assert regions[0].x1 == 1101 and all(r.height > 500 for r in regions[1:])


def test_two_articles_side_by_side_read_one_after_the_other():
    image, draw = _page()
    for x0 in (100, 650):  # each article: headline over two columns of its own
        draw.rectangle([x0, 40, x0 + 450, 90], fill=0)
        _text_lines(draw, x0, x0 + 200, 150, 12)
        _text_lines(draw, x0 + 250, x0 + 450, 150, 12)
    regions = _flat(text_regions(np.asarray(image))[0])
    assert [(r.x0, r.y0) for r in regions] == [(100, 40), (100, 150), (350, 150), (650, 40), (650, 150), (900, 150)]


def test_column_rule_does_not_hide_the_gutter_and_paragraph_lines_stay_together():
    image, draw = _page()
    _text_lines(draw, 100, 500, 100, 15)
    _text_lines(draw, 560, 960, 100, 15)
    draw.line([530, 90, 530, 560], fill=0, width=2)  # a printed column rule
    regions = _flat(text_regions(np.asarray(image))[0])
    assert [(r.x0, r.x1) for r in regions] == [(100, 501), (560, 961)]  # not one region per line


def test_a_line_in_pieces_stays_one_group():
    image, draw = _page(1200, 200)
    for x0, x1 in ((50, 250), (500, 700), (1000, 1100)):  # a masthead: paper, date, page
        draw.rectangle([x0, 50, x1, 75], fill=0)
    groups, _ = text_regions(np.asarray(image))
    assert len(groups) == 1 and [r.x0 for r in groups[0]] == [50, 500, 1000]


def test_blank_page_has_no_regions():
    image, _ = _page()
    assert text_regions(np.asarray(image))[0] == []


# ---- errors without running the models ----

def test_damaged_image_is_refused_by_name():
    from rag.loaders.image import LOADER

    png = io.BytesIO()
    Image.new("L", (50, 50), 255).save(png, "PNG")
    with pytest.raises(LoadError, match="damaged|not a readable image"):
        LOADER.load(Path("broken.png"), png.getvalue()[:60])
    with pytest.raises(LoadError, match="not a readable image"):
        LOADER.load(Path("page.jpg"), b"this is not an image at all")


def test_missing_ocr_package_names_what_to_install(monkeypatch):
    from rag.loaders import ocr

    monkeypatch.setattr(ocr, "_engine", None)
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails as if not installed
    with pytest.raises(LoadError, match=r"pip install 'rapidocr-onnxruntime==1\.4\.4'"):
        ocr.ocr_image(Image.new("L", (100, 100), 255))


def test_image_loader_claims_image_suffixes_and_magic():
    from rag.loaders.image import LOADER

    assert set(LOADER.suffixes) == {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
    assert LOADER.sniff(b"\x89PNG\r\n\x1a\n....") and LOADER.sniff(b"\xff\xd8\xff\xe0") and LOADER.sniff(b"II*\x00")
    assert not LOADER.sniff(b"%PDF-1.7") and not LOADER.sniff("青岛日报".encode())


# ---- the real models on real page images ----

def test_image_without_text_is_one_clear_error():
    from rag.loaders.image import LOADER

    image = Image.new("L", (1200, 1600), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle([100, 100, 1100, 700], fill=200)  # a photo placeholder, a rule and a circle: no text
    draw.line([100, 800, 1100, 800], fill=0, width=3)
    draw.ellipse([400, 900, 800, 1300], outline=0, width=4)
    png = io.BytesIO()
    image.save(png, "PNG")
    with pytest.raises(LoadError, match="no text") as caught:
        LOADER.load(Path("photo.png"), png.getvalue())
    assert "\n" not in str(caught.value)


@pytest.fixture(scope="session")
def printed_seeds(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each seed page printed as a 4-column newspaper PDF and as its image-only scan at 150 dpi."""
    if not (chromium_available() and shutil.which("pdftoppm")):
        pytest.skip("needs chromium, fonts-noto-cjk and poppler-utils")
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for seed in SEEDS:
        pdf = make_newspaper_pdf(seed, folder / f"{seed.stem}.pdf")
        out[seed.name] = (pdf, make_scanned_pdf(pdf, folder / f"{seed.stem}.scan.pdf", dpi=150))
    return out


@pytest.fixture(scope="session")
def ocr_docs(printed_seeds) -> dict[str, tuple[list, list]]:
    """The scans through the PDF loader (every page has no text layer, so every page is OCR'd once)."""
    from rag.loaders.pdf import LOADER

    out = {}
    for name, (_, scan) in printed_seeds.items():
        calls: list[tuple[str, int, int]] = []
        docs = LOADER.load(scan, scan.read_bytes(), progress=lambda *call, into=calls: into.append(call))
        out[name] = (docs, calls)
    return out


def _ocr_text(docs) -> str:
    return "\n\n".join(doc.text for doc in docs)


@pytest.mark.slow
@needs_printing
def test_scans_give_back_97_percent_of_the_seed_characters(ocr_docs):
    # Aligned with the seed text in printed order: the test paper prints a paragraph tail that the seed
    # displaced between other articles inside its own article, where the scan then reads it.
    recovered = {name: char_recovery(printed_text(SEEDS[0].parent / name), _ocr_text(docs))
                 for name, (docs, _) in ocr_docs.items()}
    low = {name: round(share, 4) for name, share in recovered.items() if share < 0.97}
    assert not low, f"character recovery below 97 %: {low}"


@pytest.mark.slow
@needs_printing
def test_scans_find_90_percent_of_the_article_titles(ocr_docs):
    titles = {name: expected_titles(SEEDS[0].parent / name) for name in ocr_docs}
    missing = [t for name, (docs, _) in ocr_docs.items() for t in titles[name] if not title_found(t, _ocr_text(docs))]
    total = sum(len(t) for t in titles.values())
    assert total >= 30
    assert 1 - len(missing) / total >= 0.9, f"titles not found: {missing}"


@pytest.mark.slow
@needs_printing
def test_scan_masthead_and_footer_become_page_metadata(ocr_docs):
    for name, (docs, calls) in ocr_docs.items():
        assert [d.key for d in docs] == [f"p{i + 1}" for i in range(len(docs))]
        for doc in docs:
            assert doc.meta.paper == "青岛日报" and doc.meta.published == "2024-03-13", (name, doc.meta)
            assert doc.meta.page.startswith("第") and doc.meta.section == "要闻", (name, doc.meta)
            first, last = doc.text.split("\n\n")[0], doc.text.split("\n\n")[-1]
            assert "星期三" not in first and "2024年3月13日" not in comparable(first), (name, first)
            assert "责任编辑" not in comparable(last) and "审读" not in comparable(last), (name, last)
        ocr_calls = [c for c in calls if c[0].startswith("OCR ")]
        assert [c[1] for c in ocr_calls] == list(range(len(docs))), calls


@pytest.mark.slow
@needs_printing
def test_scan_paragraphs_keep_body_text_in_reading_order(ocr_docs):
    """Body paragraphs of each page's longest article come back in order: columns top to bottom, left to right."""
    from tests.support.newspaper_pdf import article_blocks

    for name, (docs, _) in ocr_docs.items():
        text = _ocr_text(docs)
        longest = max(article_blocks(SEEDS[0].parent / name), key=lambda block: block.size)
        paragraphs = [comparable(t) for kind, t in longest.body if kind == "para" and len(comparable(t)) >= 120]
        assert len(paragraphs) >= 3, name
        # 30 characters from the middle of each paragraph, where a column break may have cut it anywhere
        positions = [locate(p[len(p) // 2 : len(p) // 2 + 30], text) for p in paragraphs]
        assert all(p >= 0 for p in positions) and positions == sorted(positions), (name, positions)


def _seed_page_image(printed_seeds, name: str, top_share: float):
    """The first sheet of a printed seed at 150 dpi, cut to its top part (masthead and first article)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(printed_seeds[name][0]))
    try:
        image = document[0].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()
    return image.crop((0, 0, image.width, int(image.height * top_share)))


@pytest.mark.slow
@needs_printing
def test_png_page_through_the_image_loader(printed_seeds):
    from rag.ingest import ingest_file
    from rag.loaders.image import LOADER

    name = SEEDS[2].name
    image = _seed_page_image(printed_seeds, name, 0.36)
    png = io.BytesIO()
    image.save(png, "PNG")
    calls = []
    docs = LOADER.load(Path("page3.png"), png.getvalue(), progress=lambda *c: calls.append(c))
    assert len(docs) == 1 and docs[0].key == "" and calls == [("OCR page3.png", 0, 1), ("OCR page3.png", 1, 1)]
    doc = docs[0]
    assert (doc.meta.paper, doc.meta.published, doc.meta.page, doc.meta.section) == (
        "青岛日报", "2024-03-13", "第3版", "要闻")
    first = ingest_file(SEEDS[2]).articles[0]
    assert doc.text.startswith(first.title.replace(" ", "")[:6]) or title_found(first.title, doc.text)
    assert char_recovery(first.paragraphs[0].text, doc.text) >= 0.95


@pytest.mark.slow
@needs_printing
def test_multipage_tiff_gives_one_doc_per_page_and_names_a_blank_page(printed_seeds):
    from rag.loaders.image import LOADER

    pages = [_seed_page_image(printed_seeds, SEEDS[3].name, 0.2), Image.new("L", (1600, 600), 255)]
    tiff = io.BytesIO()
    pages[0].save(tiff, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate")
    calls = []
    docs = LOADER.load(Path("scan.tif"), tiff.getvalue(), progress=lambda *c: calls.append(c))
    assert [d.key for d in docs] == ["p1"]
    assert docs[0].warnings == ("page(s) 2 without text skipped",)
    assert [c[1:] for c in calls] == [(0, 2), (1, 2), (2, 2)]
    assert titles_found(expected_titles(SEEDS[3])[:1], docs[0].text) == 1.0
