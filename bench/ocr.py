"""OCR of the five seed pages printed as 4-column newspaper PDFs and scanned at 150 dpi: seconds per page,
characters recovered and titles found; layout before recognition (the loader) against whole-page detection.

chars_recovered aligns the OCR text with the seed text (difflib, whitespace ignored, in printed order), so
text read out of order counts as lost; chars_any_order counts characters recognised wherever they landed.

    .venv/bin/python -m bench.ocr                  # layout-first OCR, as rag.loaders.ocr reads a scan
    .venv/bin/python -m bench.ocr --mode both      # and whole-page detection, its boxes put in reading order
    .venv/bin/python -m bench.ocr --quick          # the first seed only

Needs chromium, fonts-noto-cjk and poppler-utils (the test pages are printed like tests/test_ocr.py's).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from .common import SEEDS, Timer, base_parser, load_note, print_table, write_json

ROOT = Path(__file__).resolve().parents[1]


def _whole_page_text(gray: np.ndarray) -> str:
    """The baseline: RapidOCR detects on the whole page; its line boxes are then ordered like the text layer."""
    from rag.loaders.layout import Box, reading_order_text
    from rag.loaders.ocr import MIN_SCORE, ocr_engine

    result, _ = ocr_engine()(gray, use_cls=False)
    boxes = []
    for points, text, score in result or []:
        if float(score) >= MIN_SCORE and text.strip():
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            boxes.append(Box(min(xs), min(ys), max(xs), max(ys), text.strip()))
    return reading_order_text(boxes)


def read_scan(scan: Path, mode: str) -> tuple[str, list[float], list[float]]:
    """Page texts of a scanned PDF joined (running head and footer taken out), wall and CPU seconds per page."""
    import pypdfium2 as pdfium

    from rag.loaders.ocr import ocr_gray, render_pdf_page
    from rag.loaders.running_head import split_running_text

    data = scan.read_bytes()
    document = pdfium.PdfDocument(data)
    count = len(document)
    document.close()
    texts, wall, cpu = [], [], []
    for index in range(count):
        with Timer() as timer:
            gray = np.asarray(render_pdf_page(data, index))
            text = ocr_gray(gray) if mode == "layout" else _whole_page_text(gray)
        wall.append(timer.seconds)
        cpu.append(timer.cpu_seconds)
        texts.append(split_running_text(text)[0])
    return "\n\n".join(texts), wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("layout", "whole", "both"), default="layout",
                        help="layout: XY-cut then OCR per region (the loader); whole: one detection per page")
    parser.add_argument("--keep", type=Path, default=None, help="keep the printed PDFs, scans and OCR texts here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from rag.loaders.ocr import ocr_cores, ocr_engine
    from tests.support.newspaper_pdf import (
        chromium_available,
        expected_titles,
        make_newspaper_pdf,
        make_scanned_pdf,
    )
    from tests.support.ocr_metrics import char_overlap, char_recovery, comparable, printed_text, titles_found

    if not chromium_available():
        print("needs chromium and fonts-noto-cjk (apt-get install chromium fonts-noto-cjk poppler-utils)")
        return 2
    seeds = sorted(SEEDS.glob("*.txt"))[: 1 if args.quick else None]
    modes = ("layout", "whole") if args.mode == "both" else (args.mode,)
    with Timer() as load:
        ocr_engine()
    print(f"OCR engine loaded in {load.seconds:.2f} s, {ocr_cores()} threads; {load_note()}")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench_ocr_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for seed in seeds:
            pdf = make_newspaper_pdf(seed, folder / f"{seed.stem}.pdf")
            scan = make_scanned_pdf(pdf, folder / f"{seed.stem}.scan.pdf", dpi=150)
            expected = printed_text(seed)  # the seed text in the order the test paper prints it
            titles = expected_titles(seed)
            for mode in modes:
                text, wall, cpu = read_scan(scan, mode)
                if args.keep:
                    (folder / f"{seed.stem}.{mode}.txt").write_text(text, encoding="utf-8")
                rows.append({"seed": seed.stem[:3], "mode": mode, "pages": len(wall),
                             "chars": len(comparable(expected)), "s_per_page": sum(wall) / len(wall),
                             "cpu_s_per_page": sum(cpu) / len(cpu), "chars_recovered": char_recovery(expected, text),
                             "chars_any_order": char_overlap(expected, text),
                             "titles_found": titles_found(titles, text), "titles": len(titles)})
                print(f"{seed.stem} {mode}: {rows[-1]['s_per_page']:.1f} s/page, "
                      f"recovered {rows[-1]['chars_recovered']:.4f}; {load_note()}", flush=True)
    for mode in modes:
        mine = [r for r in rows if r["mode"] == mode]
        pages = sum(r["pages"] for r in mine)
        chars = sum(r["chars"] for r in mine)
        rows.append({"seed": "all", "mode": mode, "pages": pages, "chars": chars,
                     "s_per_page": sum(r["s_per_page"] * r["pages"] for r in mine) / pages,
                     "cpu_s_per_page": sum(r["cpu_s_per_page"] * r["pages"] for r in mine) / pages,
                     "chars_recovered": sum(r["chars_recovered"] * r["chars"] for r in mine) / chars,
                     "chars_any_order": sum(r["chars_any_order"] * r["chars"] for r in mine) / chars,
                     "titles_found": sum(r["titles_found"] * r["titles"] for r in mine) / sum(r["titles"] for r in mine),
                     "titles": sum(r["titles"] for r in mine)})
    print_table("OCR of the seed pages scanned at 150 dpi", rows,
                ["seed", "mode", "pages", "chars", "s_per_page", "cpu_s_per_page", "chars_recovered",
                 "chars_any_order", "titles_found", "titles"])
    print(f"\n{load_note()}")
    path = write_json(args.out, "ocr", {"rows": rows, "dpi": 150, "threads": ocr_cores()})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
