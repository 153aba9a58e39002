"""PDF pages -> page texts in newspaper reading order (pypdfium2 text layer, OCR for pages without one)."""

from __future__ import annotations

import ctypes
from pathlib import Path

from ..errors import LoadError
from .base import DocMeta, LoadedDoc, PageProgress
from .layout import Box, lines_from_glyphs, reading_order_text
from .radicals import unify_radicals
from .running_head import split_running_head, split_running_text

# Share of a glyph's font size above and below its baseline: one box height for every glyph of a size,
# whatever its ink, so the lines of a column line up.
ASCENT, DESCENT = 0.88, 0.12
BLANK_DPI = 12  # a thumbnail is enough to tell a blank page from a scan
MAX_PAGES = 2000


class PdfLoader:
    """PDF files: the text layer in column order, per-page OCR where a page has none."""

    name = "pdf"
    suffixes = (".pdf",)

    def sniff(self, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]

    def load(self, path: Path, data: bytes, progress: PageProgress | None = None) -> list[LoadedDoc]:
        """One LoadedDoc per page with text (key "p1", "p2" …), running head and footer as metadata."""
        import pypdfium2 as pdfium

        document = _open(pdfium, data)
        try:
            count = len(document)
            if count == 0:
                raise LoadError("the PDF has no pages")
            if count > MAX_PAGES:
                raise LoadError(f"the PDF has {count} pages (> {MAX_PAGES}); split it into smaller files")
            docs: list[LoadedDoc] = []
            blank: list[int] = []
            empty: list[int] = []  # pages with print on them but no article text (OCR found none)
            for index in range(count):
                text, meta, is_blank = _read_page(document, index, data, path.name, progress)
                if progress:
                    progress(f"PDF {path.name}", index + 1, count)
                if text:
                    docs.append(LoadedDoc(text=text, meta=meta, key=f"p{index + 1}"))
                else:
                    (blank if is_blank else empty).append(index + 1)
        finally:
            document.close()
        if not docs:
            what = "blank" if len(blank) == count else "without text"
            raise LoadError(f"all {count} page(s) of the PDF are {what}; nothing to index")
        if blank:
            docs[0] = _with_warning(docs[0], f"blank page(s) {', '.join(map(str, blank))} skipped")
        if empty:
            docs[0] = _with_warning(docs[0], f"page(s) {', '.join(map(str, empty))}: no text found, skipped")
        return docs


def _read_page(document, index: int, data: bytes, name: str, progress: PageProgress | None
               ) -> tuple[str, DocMeta, bool]:
    """(text, metadata, is blank) of one page: its text layer, or OCR when it has none and is not blank."""
    page = document[index]
    try:
        text, meta, has_layer = _page_text(page)
        if has_layer:
            return text, meta, False
        if _is_blank(page):
            return "", DocMeta(), True
    finally:
        page.close()
    if progress:
        progress(f"OCR {name}", index, len(document))
    text, meta = _ocr_page(data, index)
    return text, meta, False


def _open(pdfium, data: bytes):
    if b"%PDF-" not in data[:1024]:
        raise LoadError("not a PDF (no %PDF- header); check the file type")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason or "security" in reason:
            raise LoadError("the PDF is encrypted with a password; save an unprotected copy and add that") from None
        raise LoadError(f"the PDF is damaged and cannot be opened ({exc}); export or download it again") from None


def _with_warning(doc: LoadedDoc, warning: str) -> LoadedDoc:
    return LoadedDoc(doc.text, doc.meta, doc.single_article, doc.key, (*doc.warnings, warning))


def page_glyphs(page) -> list[Box]:
    """The page's glyphs as boxes (top-left origin, points), each as tall as its font size."""
    import pypdfium2.raw as raw

    height = page.get_size()[1]
    textpage = page.get_textpage()
    glyphs = []
    matrix = raw.FS_MATRIX()
    try:
        for i in range(textpage.count_chars()):
            if raw.FPDFText_IsGenerated(textpage.raw, i) == 1:
                continue
            char = unify_radicals(textpage.get_text_range(i, 1))
            if not char.strip() or not raw.FPDFText_GetMatrix(textpage.raw, i, ctypes.byref(matrix)):
                continue
            # The font size is in text space; the matrix scales it to the page (Chromium prints px at 0.75).
            size = raw.FPDFText_GetFontSize(textpage.raw, i) * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            if size <= 0:
                continue
            left, _, right, _ = textpage.get_charbox(i, loose=True)
            x0 = min(matrix.e, left)
            # Full-width characters advance one em; pdfium's box can be the ink alone.
            x1 = max(right, x0 + size) if _full_width(char) else right
            glyphs.append(Box(x0, height - matrix.f - ASCENT * size, x1, height - matrix.f + DESCENT * size, char))
    finally:
        textpage.close()
    return glyphs


def _full_width(char: str) -> bool:
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF01 <= code <= 0xFF60


def _page_text(page) -> tuple[str, DocMeta, bool]:
    """Reading-order text of the page's text layer, the metadata of its running head, and whether it has a layer."""
    lines = lines_from_glyphs(page_glyphs(page))
    if not lines:
        return "", DocMeta(), False
    body, meta = split_running_head(lines, page.get_size()[1])
    return reading_order_text(body), meta, True


def _is_blank(page) -> bool:
    """True when the page prints nothing (no ink on a small rendering)."""
    bitmap = page.render(scale=BLANK_DPI / 72, grayscale=True)
    image = bitmap.to_pil().convert("L")
    low, high = image.getextrema()
    return low >= 245 or high - low < 10


def _ocr_page(data: bytes, index: int) -> tuple[str, DocMeta]:
    """OCR of one page without a text layer; LoadError naming the page when OCR is missing or fails."""
    try:
        from .ocr import ocr_pdf_page
    except Exception as exc:  # the OCR extra is not installed, or its models failed to load
        raise LoadError(f"page {index + 1} has no text layer and OCR is not available: {exc}") from None
    try:
        text = ocr_pdf_page(data, index)
    except LoadError as exc:
        raise LoadError(f"page {index + 1} has no text layer and OCR failed: {exc}") from None
    except Exception as exc:
        raise LoadError(f"page {index + 1} has no text layer and OCR failed: {type(exc).__name__}: {exc}") from None
    return split_running_text(text)


LOADER = PdfLoader()
