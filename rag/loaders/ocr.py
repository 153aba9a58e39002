"""Offline OCR of page images and scanned PDF pages: layout (XY-cut) first, then RapidOCR per text region."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import numpy as np

from ..errors import LoadError
from .layout import Box, block_paragraphs
from .xycut import CutSettings, Region, binarise, text_regions

OCR_DPI = 150  # scans are rasterised at this resolution: 10 pt type is ~20 px high, enough for PP-OCRv4
OCR_PACKAGE = "rapidocr-onnxruntime==1.4.4"
INSTALL_HINT = f"OCR needs the {OCR_PACKAGE.split('==')[0]} package: pip install '{OCR_PACKAGE}'"
REGION_PAD = 12  # px of white around a region: the detector misses text touching the image border
# Recognitions below this confidence are dropped. RapidOCR's own 0.5 dropped real text: a kicker's
# wrapped last character with its ellipsis (`系……`, 0.46); below 0.4 are specks and rule fragments.
MIN_SCORE = 0.4
# Crops are detected at their own resolution (no upscaling of small regions) up to this many pixels a side.
MAX_SIDE = 4000
# Body text line height (px) read as is; outside this range the page is rescaled to TARGET_LINE_PX.
MIN_LINE_PX, MAX_LINE_PX, TARGET_LINE_PX = 12, 36, 22
# The PP-OCRv4 Chinese detection and recognition models that the rapidocr-onnxruntime wheel ships.
DET_MODEL, REC_MODEL = "ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"

_engine = None
_engine_lock = threading.Lock()  # one engine per process, built once
_run_lock = threading.Lock()  # RapidOCR keeps per-call state on the instance; its sessions already use every core


def ocr_cores() -> int:
    """The cores this process may run on (a container's limit, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def ocr_engine():
    """The process's RapidOCR engine with the PP-OCRv4 Chinese models from its wheel, loaded on first use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                if ".so" in str(exc):  # the package is there, but OpenCV misses a system library
                    raise LoadError(f"OCR cannot load OpenCV ({exc}); on Debian/Ubuntu: "
                                    "apt-get install libgl1 libglib2.0-0") from None
                raise LoadError(INSTALL_HINT) from None
            import cv2
            import rapidocr_onnxruntime

            models = Path(rapidocr_onnxruntime.__file__).parent / "models"
            det_model, rec_model = models / DET_MODEL, models / REC_MODEL
            if not (det_model.is_file() and rec_model.is_file()):
                raise LoadError(f"the OCR models are missing from {models}; reinstall: pip install "
                                f"--force-reinstall '{OCR_PACKAGE}'")
            threads = ocr_cores()
            cv2.setNumThreads(threads)
            engine = RapidOCR(
                intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False, text_score=MIN_SCORE,
                max_side_len=MAX_SIDE, det_limit_type="max", det_limit_side_len=MAX_SIDE,
                det_model_path=str(det_model), rec_model_path=str(rec_model),
                # One line at a time: batches pad every line to the longest one's width, which cost
                # 45 % more CPU on a column of news text (2.9 s against 2.0 s for 20 lines).
                rec_batch_num=1,
            )
            _stop_spinning(engine, threads, det_model, rec_model)
            _engine = engine
        return _engine


def _stop_spinning(engine, threads: int, det_model: Path, rec_model: Path) -> None:
    """Rebuild the detector's and recogniser's ONNX sessions with idle worker threads that sleep.

    onnxruntime's workers busy-wait between operators by default; on cores shared with other work
    (an indexer, a web page) that halves recognition speed (measured 6.0 s -> 3.3 s a column).
    """
    import onnxruntime as ort

    for holder, model in ((engine.text_det.infer, det_model), (engine.text_rec.session, rec_model)):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False
        options.log_severity_level = 4
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        holder.session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])


def _as_gray(image) -> np.ndarray:
    """A uint8 grayscale array from a PIL image, an array (gray, RGB or RGBA), image bytes or a path."""
    from PIL import Image

    if isinstance(image, bytes | bytearray | memoryview):
        import io

        image = Image.open(io.BytesIO(bytes(image)))
    elif isinstance(image, str | Path):
        image = Image.open(image)
    if isinstance(image, Image.Image):
        from PIL import ImageOps

        image = ImageOps.exif_transpose(image)  # a phone photo of a page, taken sideways
        if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit and float scans: stretch to 8 bits
            values = np.asarray(image, dtype=np.float64)
            low, high = float(values.min()), float(values.max())
            return ((values - low) * (255 / (high - low)) if high > low else values * 0 + 255).astype(np.uint8)
        if image.mode in ("RGBA", "LA", "P"):
            # Transparent pixels are paper, not ink.
            rgba = image.convert("RGBA")
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, rgba)
        return np.asarray(image.convert("L"))
    array = np.asarray(image)
    if array.ndim == 3:
        import cv2

        code = cv2.COLOR_RGBA2GRAY if array.shape[2] == 4 else cv2.COLOR_RGB2GRAY
        array = cv2.cvtColor(array, code)
    if array.dtype != np.uint8:
        array = np.clip(array, 0, 255).astype(np.uint8)
    return array


def read_region(gray: np.ndarray, region: Region) -> list[Box]:
    """The text boxes RapidOCR finds in one region of the page, in page pixels."""
    import cv2

    crop = gray[region.y0 : region.y1, region.x0 : region.x1]
    padded = cv2.copyMakeBorder(crop, REGION_PAD, REGION_PAD, REGION_PAD, REGION_PAD,
                                cv2.BORDER_CONSTANT, value=255)
    engine = ocr_engine()
    with _run_lock:
        result, _ = engine(padded, use_cls=False)
    dx, dy = region.x0 - REGION_PAD, region.y0 - REGION_PAD
    boxes = []
    for points, text, score in result or []:
        if float(score) < MIN_SCORE or not text.strip():
            continue
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        boxes.append(Box(min(xs) + dx, min(ys) + dy, max(xs) + dx, max(ys) + dy, text.strip()))
    return boxes


def _rows(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into printed lines (they overlap vertically), top to bottom, each left to right."""
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        if rows and _same_row(rows[-1], box):
            rows[-1].append(box)
        else:
            rows.append([box])
    return [sorted(row, key=lambda b: b.x0) for row in rows]


def _same_row(row: list[Box], box: Box) -> bool:
    top, bottom = min(b.y0 for b in row), max(b.y1 for b in row)
    return min(bottom, box.y1) - max(top, box.y0) > 0.5 * min(bottom - top, box.height)


_LATIN_END = re.compile(r"[A-Za-z0-9%.,;:!?)]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")


def _join(left: str, right: str, spaced: bool = False) -> str:
    """Two pieces of text as one: a space between Latin words or numbers, or where the print left a gap."""
    if not left or not right:
        return left or right
    if spaced or (_LATIN_END.search(left) and _LATIN_START.match(right)):
        return f"{left} {right}"
    return left + right


def _row_box(row: list[Box]) -> Box:
    """One line box for the boxes the detector found on one printed line."""
    text = row[0].text
    for prev, box in zip(row, row[1:]):
        text = _join(text, box.text, spaced=box.x0 - prev.x1 > 0.5 * min(box.height, prev.height))
    return Box(min(b.x0 for b in row), min(b.y0 for b in row), max(b.x1 for b in row), max(b.y1 for b in row), text)


def _paragraph_text(lines: list[Box]) -> str:
    text = ""
    for line in lines:
        text = _join(text, line.text)
    return text


def _region_text(gray: np.ndarray, pieces: list[Region]) -> list[str]:
    """Paragraphs of one region, or one line from the pieces of a printed line (a masthead, a headline)."""
    if len(pieces) > 1:
        texts = [_row_box(row).text for piece in pieces for row in _rows(read_region(gray, piece))]
        line = " ".join(t for t in texts if t)
        return [line] if line else []
    region = pieces[0]
    ink = binarise(gray[region.y0 : region.y1, region.x0 : region.x1])
    lines = [_with_edge_dashes(_row_box(row), ink, region) for row in _rows(read_region(gray, region))]
    return [_paragraph_text(paragraph) for paragraph in block_paragraphs(lines)]


def _dash(strip: np.ndarray, em: float, near_start: bool) -> str:
    """'——' or '—' when a strip beside a line holds only a thin solid horizontal stroke next to the text."""
    if strip.size == 0 or not strip.any():
        return ""
    rows, cols = np.flatnonzero(strip.any(axis=1)), np.flatnonzero(strip.any(axis=0))
    width = int(cols[-1] - cols[0] + 1)
    gap = cols[0] if near_start else strip.shape[1] - 1 - cols[-1]
    if rows[-1] - rows[0] + 1 > max(3, 0.15 * em) or width < 0.6 * em or len(cols) < 0.8 * width or gap > 0.5 * em:
        return ""
    return "——" if width >= 1.3 * em else "—"


def _with_edge_dashes(line: Box, ink: np.ndarray, region: Region) -> Box:
    """The line with a dash the detector left out at either end (`……产品——`, `——全市……侧记`): thin strokes
    are missed by detection, and a kicker's or subtitle's dash is what tells it from a title."""
    em = 0.7 * line.height  # detection boxes stand ~40 % taller than the type
    middle = (line.y0 + line.y1) / 2 - region.y0
    top, bottom = int(middle - 0.25 * em), int(middle + 0.25 * em) + 1
    x0, x1 = int(line.x0 - region.x0), int(line.x1 - region.x0)
    reach = int(3 * em)
    text = line.text
    after = _dash(ink[max(0, top) : bottom, max(0, x1 + 1) : x1 + 1 + reach], em, near_start=True)
    before = _dash(ink[max(0, top) : bottom, max(0, x0 - reach) : max(0, x0 - 1)], em, near_start=False)
    if after and not text.endswith(("—", "一")):
        text += after
    if before and not text.startswith(("—", "一")):
        text = before + text
    return Box(line.x0, line.y0, line.x1, line.y1, text) if text != line.text else line


def ocr_gray(gray: np.ndarray, settings: CutSettings = CutSettings()) -> str:
    """The text of a grayscale page image: regions in reading order, paragraphs separated by blank lines."""
    ocr_engine()  # first: a missing OCR package is reported before any work
    groups, line_height = text_regions(gray, settings)
    if groups and not MIN_LINE_PX <= line_height <= MAX_LINE_PX:
        # A 600 dpi scan or a phone photo: bring body type to ~150 dpi size, which the models read best
        # and which detects four times faster than 300 dpi.
        import cv2

        scale = TARGET_LINE_PX / line_height
        gray = cv2.resize(gray, None, fx=scale, fy=scale,
                          interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        groups, line_height = text_regions(gray, settings)
    paragraphs = [p for group in groups for p in _region_text(gray, group)]
    return "\n\n".join(paragraphs)


def ocr_image(image) -> str:
    """The text of one page image (PIL image, array, encoded bytes or path) in reading order."""
    return ocr_gray(_as_gray(image))


def render_pdf_page(data: bytes, page_index: int, dpi: int = OCR_DPI):
    """One PDF page as a grayscale PIL image at `dpi` (pypdfium2)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise LoadError(f"cannot open the PDF to OCR it ({exc}); check that the file is a complete PDF") from None
    try:
        if not 0 <= page_index < len(document):
            raise LoadError(f"the PDF has {len(document)} pages; there is no page {page_index + 1}")
        page = document[page_index]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
        page.close()
        return image
    finally:
        document.close()


def ocr_pdf_page(data: bytes, page_index: int) -> str:
    """The OCR text of one PDF page (0-based), rasterised at 150 dpi."""
    return ocr_gray(np.asarray(render_pdf_page(data, page_index)))
