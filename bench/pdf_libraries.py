"""Which PDF library reads newspaper pages best: reading-order accuracy and pages/s on Chromium-printed seeds.

python -m bench.pdf_libraries [--pdf-dir DIR] [--repeat 1] [--streams page reversed] [--out bench/out]

The five seed pages are printed as 4-column newspaper PDFs (tests/support/newspaper_pdf.py; needs
chromium and fonts-noto-cjk), twice: with the text stream in reading order (as Chromium writes it) and
painted bottom-up (stream order unrelated to reading order, as from page-layout programs). Each library's text is compared with the seed .txt: characters recovered
in reading order (longest common subsequence, whitespace and markdown marks ignored), characters that are
not article text (masthead, footer, garbage), and article titles found in order after segmentation.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

LICENCES = {"pypdfium2": "Apache-2.0 / BSD-3 (PDFium)", "pdfminer.six": "MIT", "pdfplumber": "MIT",
            "pypdf": "BSD-3"}


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence (bit-parallel, Hyyrö 2004): in-order matches."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for ch in b:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def comparable(text: str) -> str:
    """Text with whitespace and markdown heading marks removed, radicals read as ideographs, for alignment.

    Chromium's ToUnicode maps some glyphs to CJK radical code points (⻘ for 青); pdfminer.six and pypdf
    pass them on, pypdfium2 does not. The loader unifies them, so every library is scored after the same
    fix and the share it needed is reported apart (`radicals`).
    """
    from rag.loaders.radicals import unify_radicals

    return re.sub(r"\s+", "", re.sub(r"(?m)^#{1,6}\s*", "", unify_radicals(text)))


def radical_share(text: str) -> float:
    """Share of non-space characters that are CJK radical code points rather than ideographs."""
    chars = re.sub(r"\s+", "", text)
    return sum(1 for ch in chars if "\u2e80" <= ch <= "\u2fdf") / max(1, len(chars))


def char_scores(reference: str, extracted: str) -> tuple[float, float]:
    """(share of reference characters recovered in order, share of extracted characters that are extra)."""
    ref, got = comparable(reference), comparable(extracted)
    common = lcs_length(ref, got)
    return common / max(1, len(ref)), (len(got) - common) / max(1, len(got))


def titles_in_order(expected: list[str], found: list[str]) -> float:
    """Share of expected titles found in the same order (LCS over title lists)."""
    table = [[0] * (len(found) + 1) for _ in range(len(expected) + 1)]
    for i, a in enumerate(expected):
        for j, b in enumerate(found):
            table[i + 1][j + 1] = table[i][j] + 1 if a == b else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1] / max(1, len(expected))


# Each extractor: PDF path -> list of page texts.
def _pypdfium2_plain(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    out = []
    for page in pdf:
        textpage = page.get_textpage()
        out.append(textpage.get_text_range().replace("\r\n", "\n"))
        textpage.close()
        page.close()
    pdf.close()
    return out


def _pypdfium2_layout(path: Path) -> list[str]:
    from rag.loaders.pdf import LOADER

    return [doc.text for doc in LOADER.load(path, path.read_bytes())]


def _pdfminer_plain(path: Path) -> list[str]:
    from pdfminer.high_level import extract_text

    return [t for t in extract_text(str(path)).split("\f") if t.strip()]


def _pdfminer_layout(path: Path) -> list[str]:
    """pdfminer.six glyphs through the same layout code as the loader (rag.loaders.layout)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    from rag.loaders.layout import Box, lines_from_glyphs, reading_order_text
    from rag.loaders.running_head import split_running_head

    out = []
    for page in extract_pages(str(path), laparams=None):
        height = page.height
        glyphs = []
        stack = list(page)
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar):
                if item.get_text().strip():
                    base = height - item.matrix[5]  # the glyph origin: its baseline
                    glyphs.append(Box(item.x0, base - 0.88 * item.size, item.x1, base + 0.12 * item.size,
                                      item.get_text()))
            elif hasattr(item, "__iter__"):
                stack.extend(item)
        body, _ = split_running_head(lines_from_glyphs(glyphs), height)
        out.append(reading_order_text(body))
    return out


def _pdfplumber_plain(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _pypdf_plain(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


def _pypdf_layout(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text(extraction_mode="layout") or "" for page in PdfReader(path).pages]


EXTRACTORS: dict[str, tuple[str, Callable[[Path], list[str]]]] = {
    "pypdfium2 + rag layout (the loader)": ("pypdfium2", _pypdfium2_layout),
    "pypdfium2 get_text_range": ("pypdfium2", _pypdfium2_plain),
    "pdfminer.six glyphs + rag layout": ("pdfminer.six", _pdfminer_layout),
    "pdfminer.six extract_text": ("pdfminer.six", _pdfminer_plain),
    "pdfplumber extract_text": ("pdfplumber", _pdfplumber_plain),
    "pypdf extract_text": ("pypdf", _pypdf_plain),
    "pypdf extract_text(layout)": ("pypdf", _pypdf_layout),
}


STREAMS = ("page", "reversed")  # text stream in reading order (as Chromium prints) or painted bottom-up


def seed_pdfs(pdf_dir: Path, stream_order: str) -> list[tuple[Path, Path]]:
    """(seed .txt, its newspaper PDF) for every seed page, printing the PDFs that are missing."""
    from tests.support.newspaper_pdf import make_newspaper_pdf

    folder = pdf_dir / stream_order
    folder.mkdir(parents=True, exist_ok=True)
    pairs = []
    for seed in sorted(SEEDS.glob("*.txt")):
        pdf = folder / f"{seed.stem}.pdf"
        if not pdf.exists():
            make_newspaper_pdf(seed, pdf, stream_order=stream_order)
        pairs.append((seed, pdf))
    return pairs


def page_titles(pages: list[str], name: str) -> list[str]:
    """Titles the project's segmentation finds in the page texts (radicals unified, as for the characters)."""
    from rag.loaders.radicals import unify_radicals
    from rag.loading import SourceText
    from rag.segment import split_articles

    return [a.title for i, text in enumerate(pages) for a in
            split_articles(SourceText(Path(name), f"{name}#p{i + 1}", unify_radicals(text), "utf-8", ""))]


def measure(prints: dict[str, list[tuple[Path, Path]]], repeat: int = 1) -> list[dict]:
    """One row per extractor: accuracy on each print (stream order) and pages per second over all."""
    from rag.ingest import ingest_file

    seeds = {seed for pairs in prints.values() for seed, _ in pairs}
    references = {seed: (seed.read_text(encoding="utf-8"), [a.title for a in ingest_file(seed).articles])
                  for seed in seeds}
    rows = []
    for label, (library, extract) in EXTRACTORS.items():
        row = {"extractor": label, "library": library, "licence": LICENCES[library]}
        seconds, pages = 0.0, 0
        for stream, pairs in prints.items():
            recalls, extras, titles, radicals = [], [], [], []
            for seed, pdf in pairs:
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    texts = extract(pdf)
                    times.append(time.perf_counter() - start)
                seconds += min(times)
                pages += len(texts)
                reference, expected = references[seed]
                recall, extra = char_scores(reference, "\n".join(texts))
                radicals.append(radical_share("\n".join(texts)))
                recalls.append(recall)
                extras.append(extra)
                titles.append(titles_in_order(expected, page_titles(texts, pdf.name)))
            row[stream] = {"chars_in_order": statistics.mean(recalls), "extra_chars": statistics.mean(extras),
                           "titles_in_order": statistics.mean(titles), "radicals": statistics.mean(radicals)}
        row.update(pages=pages, seconds=seconds, pages_per_s=pages / seconds)
        rows.append(row)
    return rows


def markdown_table(rows: list[dict]) -> str:
    streams = [s for s in STREAMS if s in rows[0]]
    head = "| extractor | licence | " + " | ".join(
        f"chars in order ({s}) | titles in order ({s})" for s in streams) + " | extra chars | radicals | pages/s |"
    lines = [head, "|---|---|" + "---:|---:|" * len(streams) + "---:|---:|---:|"]
    for r in rows:
        cells = " | ".join(f"{r[s]['chars_in_order']:.1%} | {r[s]['titles_in_order']:.1%}" for s in streams)
        extra = statistics.mean(r[s]["extra_chars"] for s in streams)
        radicals = statistics.mean(r[s]["radicals"] for s in streams)
        lines.append(f"| {r['extractor']} | {r['licence']} | {cells} | {extra:.1%} | {radicals:.1%} "
                     f"| {r['pages_per_s']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf-dir", type=Path, default=ROOT / "bench" / "out" / "newspaper_pdfs",
                        help="where the seed PDFs are printed (kept between runs)")
    parser.add_argument("--repeat", type=int, default=1, help="timing runs per file (the fastest counts)")
    parser.add_argument("--streams", nargs="+", choices=STREAMS, default=list(STREAMS),
                        help="prints to measure: text stream in reading order, or painted bottom-up")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # one FontBBox warning per glyph otherwise
    rows = measure({stream: seed_pdfs(args.pdf_dir, stream) for stream in args.streams}, args.repeat)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pdf_libraries.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
