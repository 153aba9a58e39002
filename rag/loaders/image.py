"""Page images (.png .jpg .jpeg .tif .tiff; multi-page TIFF) -> page texts through offline OCR."""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import LoadError
from .base import LoadedDoc, PageProgress
from .running_head import split_running_text

MAX_PAGES = 500  # a multi-page TIFF longer than this is an archive box, not a file to OCR in one go
MAX_PIXELS = 200_000_000  # a 600 dpi broadsheet is ~100 Mpx; beyond this the file is likely not a page
_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


class ImageLoader:
    """Scanned newspaper pages as images: layout-first OCR, one LoadedDoc per page."""

    name = "image"
    suffixes = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

    def sniff(self, head: bytes) -> bool:
        return head.startswith(_MAGIC)

    def load(self, path: Path, data: bytes, progress: PageProgress | None = None) -> list[LoadedDoc]:
        """OCR every page; the running head and footer become metadata; pages without text are skipped."""
        from .ocr import ocr_image  # raises LoadError naming the package when OCR is not installed

        image = _open(data)
        count = getattr(image, "n_frames", 1)
        if count > MAX_PAGES:
            raise LoadError(f"the image has {count} pages (> {MAX_PAGES}); split it into smaller files")
        what = f"OCR {path.name}"
        docs: list[LoadedDoc] = []
        empty: list[int] = []
        for index in range(count):
            if progress:
                progress(what, index, count)
            text = ocr_image(_frame(image, index))
            body, meta = split_running_text(text)
            if body.strip():
                docs.append(LoadedDoc(text=body, meta=meta, key=f"p{index + 1}" if count > 1 else ""))
            else:
                empty.append(index + 1)
        if progress:
            progress(what, count, count)
        if not docs:
            pages = "the image" if count == 1 else f"any of its {count} pages"
            raise LoadError(f"OCR found no text in {pages}; is it a scanned page (at least ~150 dpi)?")
        if empty:
            first = docs[0]
            warning = f"page(s) {', '.join(map(str, empty))} without text skipped"
            docs[0] = LoadedDoc(first.text, first.meta, first.single_article, first.key, (*first.warnings, warning))
        return docs


def _open(data: bytes):
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise LoadError(f"not a readable image ({exc}); save the page as PNG, JPEG or TIFF") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise LoadError(f"the image is damaged or truncated ({exc}); scan or export it again") from None
    return image


def _frame(image, index: int):
    """Page `index` of a (multi-page) image as a separate image."""
    try:
        image.seek(index)
        return image.copy()
    except (OSError, EOFError, ValueError) as exc:
        raise LoadError(f"page {index + 1} of the image cannot be read ({exc}); scan or export it again") from None


LOADER = ImageLoader()
