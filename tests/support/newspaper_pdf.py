"""Realistic newspaper page PDFs from the seed pages, printed by headless Chromium (and scanned copies).

A seed page is split with the project's own segmentation; each article is laid out as a band with its
headline above its body, the body flowing in CSS columns (two short articles share a band, side by side),
under a running masthead (`青岛日报 2024年3月13日 星期三 第3版 要闻`) and above a footer (page number,
editors). Articles never break across printed sheets: a small script in the page moves whole bands onto
the next sheet, each sheet with its own masthead (第3版, 第4版 …) and footer.

Needs the Debian packages chromium, fonts-noto-cjk and (for scans) poppler-utils.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage")
WEEKDAYS = "一二三四五六日"
SHORT_BODY = 1100  # characters: articles at most this long share a band, two columns each
EDITORS = "责任编辑 王 磊  美术编辑 李 娜  审读 刘 洋"


# The masthead each seed page is printed under: the day after its datelines, in the year its text names.
SEED_PRINTS = {
    "000": {"date": dt.date(2024, 3, 13), "page_no": 3, "section": "要闻"},
    "001": {"date": dt.date(2020, 11, 30), "page_no": 2, "section": "经济"},
    "002": {"date": dt.date(2020, 5, 21), "page_no": 5, "section": "城事"},
    "003": {"date": dt.date(2024, 2, 23), "page_no": 1, "section": "要闻"},
    "004": {"date": dt.date(2026, 4, 4), "page_no": 4, "section": "综合"},
}


def seed_print(seed: Path) -> dict:
    """Keyword arguments of make_newspaper_pdf for a seed page: its date, first page number and section."""
    return dict(SEED_PRINTS.get(Path(seed).name[:3], {}))


@dataclass(frozen=True)
class Block:
    """One article as printed: header lines (kind, text) and body paragraphs (kind, text)."""

    header: tuple[tuple[str, str], ...]
    body: tuple[tuple[str, str], ...]
    title: str

    @property
    def size(self) -> int:
        return sum(len(text) for _, text in self.body)


def chromium_available() -> bool:
    """True when headless Chromium and a CJK font are installed (tests skip otherwise)."""
    if not Path(CHROMIUM).exists():
        return False
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return "Noto Serif CJK SC" in fonts


def masthead_text(paper: str, date: dt.date, page_no: int, section: str) -> str:
    """The running header line as printed, e.g. `青岛日报 2024年3月13日 星期三 第3版 要闻`."""
    return (f"{paper} {date.year}年{date.month}月{date.day}日 星期{WEEKDAYS[date.weekday()]} "
            f"第{page_no}版 {section}")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _clean(line: str) -> str:
    return re.sub(r"^#{1,6}\s*", "", line).strip()


def _paragraph_kind(text: str, headings: set[str], captions: set[str]) -> str:
    if text in captions or text.startswith(("■", "▲")):
        return "caption"
    if text in headings:
        return "subhead"
    if text.startswith("□"):
        return "byline"
    return "para"


def _source_lines(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Non-empty lines of text[start:end] with their offsets, markdown heading marks dropped."""
    out = []
    pos = start
    for raw in text[start:end].split("\n"):
        line = _clean(raw)
        if line:
            out.append((pos, pos + len(raw), line))
        pos += len(raw) + 1
    return out


def _whole_lines(text: str, spans: tuple[tuple[int, int], ...]) -> list[str]:
    """The source lines a paragraph's spans lie on, each once, in span order (marks such as 上接 kept)."""
    out: list[str] = []
    seen: set[int] = set()
    for start, _ in spans:
        line_start = text.rfind("\n", 0, start) + 1
        if line_start not in seen:
            seen.add(line_start)
            line_end = text.find("\n", start)
            out.append(_clean(text[line_start:line_end if line_end >= 0 else len(text)]))
    return out


def article_blocks(seed: Path) -> list[Block]:
    """The seed page as a paper prints it: articles in page order, each paragraph whole.

    Every line of the seed is printed. Lines the segmentation joins into one paragraph (text broken by
    PDF extraction, or a paragraph's tail displaced between other articles) are printed as that one
    paragraph inside its own article, as the paper had it; the other lines stay where they are.
    """
    from rag.ingest import ingest_file

    doc = ingest_file(seed)
    text = doc.source.text
    owner: list[tuple[int, int, int, int]] = []  # span start, span end, article, paragraph
    for a_index, article in enumerate(doc.articles):
        for p_index, para in enumerate(article.paragraphs):
            owner.extend((s, e, a_index, p_index) for s, e in para.spans)

    def owned_by(start: int, end: int) -> tuple[int, int] | None:
        return next(((a, p) for s, e, a, p in owner if s < end and start < e), None)

    blocks: list[Block] = []
    bounds = [a.start for a in doc.articles[1:]] + [len(text)]
    for a_index, (article, end) in enumerate(zip(doc.articles, bounds)):
        lines = _source_lines(text, article.start, end)
        fields = [("kicker", article.kicker), ("title", article.title), ("subtitle", article.subtitle)]
        covered = _squash("".join(v for _, v in fields))
        header: list[tuple[str, str]] = []
        if not article.title_derived:
            while lines and _squash(lines[0][2]) in covered and owned_by(*lines[0][:2]) is None:
                lines.pop(0)
                header = [(k, v) for k, v in fields if v]
        headings, captions = set(article.headings), set(article.captions)
        body: list[tuple[str, str]] = []
        printed: set[int] = set()  # line starts already printed

        def inside(span: tuple[int, int]) -> bool:
            return article.start <= span[0] < end  # noqa: B023 - used within this iteration only

        for start, stop, line in lines:
            if start in printed:
                continue
            owned = owned_by(start, stop)
            if owned is None:
                body.append((_paragraph_kind(line, headings, captions), line))
                continue
            if owned[0] != a_index:
                continue
            p_index = owned[1]
            spans = article.paragraphs[p_index].spans
            first = next(i for i, (s, e) in enumerate(spans) if s < stop and start < e)
            last = first
            # A paragraph broken only by blank lines, or whose tail the seed displaced out of this article,
            # prints whole; one interrupted by other printed matter (a boxed summary) stays broken.
            while last + 1 < len(spans) and (not inside(spans[last + 1])
                                             or not text[spans[last][1]:spans[last + 1][0]].strip()):
                last += 1
            run = spans[first:last + 1]
            body.append(("para", "".join(_whole_lines(text, run))))
            printed.update(text.rfind("\n", 0, s) + 1 for s, _ in run)
            p_index += 1
            while last + 1 == len(spans) and p_index < len(article.paragraphs) and not any(
                    inside(span) for span in article.paragraphs[p_index].spans):
                body.append(("para", "".join(_whole_lines(text, article.paragraphs[p_index].spans))))
                p_index += 1
        blocks.append(Block(tuple(header), tuple(body), article.title))
    return blocks


def expected_titles(seed: Path) -> list[str]:
    """Article titles of the seed page in order, as the project's segmentation finds them in the .txt."""
    from rag.ingest import ingest_file

    return [a.title for a in ingest_file(seed).articles]


def _bands(blocks: list[Block], columns: int) -> list[list[tuple[Block, int]]]:
    """Group articles into bands: a long article spans all columns, two short ones share a band."""
    bands: list[list[tuple[Block, int]]] = []
    i = 0
    while i < len(blocks):
        pair = (columns == 4 and i + 1 < len(blocks) and blocks[i].header and blocks[i + 1].header
                and blocks[i].size <= SHORT_BODY and blocks[i + 1].size <= SHORT_BODY)
        if pair:
            bands.append([(blocks[i], 2), (blocks[i + 1], 2)])
            i += 2
        else:
            bands.append([(blocks[i], columns)])
            i += 1
    return bands


def _article_html(block: Block, columns: int, paint: int = 0) -> str:
    esc = html.escape
    head = "".join(f'<div class="{kind}">{esc(text)}</div>' for kind, text in block.header)
    body = []
    for kind, text in block.body:
        if kind == "caption":
            body.append('<div class="photo"></div>')
        body.append(f'<p class="{kind}">{esc(text)}</p>')
    header = f'<header class="head">{head}</header>' if head else ""
    z = f";position:relative;z-index:{paint}" if paint else ""
    return (f'<article style="flex:{columns}{z}">{header}'
            f'<div class="body" style="column-count:{columns}">{"".join(body)}</div></article>')


PAGE_CSS = """
@page { size: 350mm 500mm; margin: 0; }
html, body { margin: 0; padding: 0; }
body { font-family: "Noto Serif CJK SC", serif; color: #111; }
.sheet { width: 350mm; height: 500mm; box-sizing: border-box; padding: 14mm 15mm 12mm 15mm;
         display: flex; flex-direction: column; break-after: page; overflow: hidden; }
.masthead { display: flex; justify-content: space-between; align-items: baseline;
            border-bottom: 2.5pt double #222; padding-bottom: 2mm; margin-bottom: 7mm;
            font-family: "Noto Sans CJK SC", sans-serif; }
.masthead .paper { font-size: 22pt; font-weight: 700; letter-spacing: 2pt; }
.masthead .date, .masthead .pageno, .masthead .section { font-size: 11pt; }
.masthead .section { font-size: 14pt; font-weight: 700; }
.content { flex: 1; overflow: hidden; }
.band { display: flex; gap: 9mm; padding-bottom: 6mm; margin-bottom: 7mm; border-bottom: 0.6pt solid #555; }
article { min-width: 0; }
.head { margin-bottom: 5mm; font-family: "Noto Sans CJK SC", sans-serif; }
.kicker { font-size: 12pt; margin-bottom: 1.5mm; }
.title { font-size: 22pt; font-weight: 700; line-height: 1.25; }
.subtitle { font-size: 13pt; margin-top: 1.5mm; }
.body { column-gap: 6mm; column-fill: balance; font-size: 9.5pt; line-height: 1.55; text-align: justify; }
.body p { margin: 0; text-indent: 2em; }
.body p.byline { text-indent: 0; font-family: "Noto Sans CJK SC", sans-serif; margin: 0 0 1.2mm 0; }
.body p.subhead { text-indent: 0; font-family: "Noto Sans CJK SC", sans-serif; font-weight: 700;
                  font-size: 10.5pt; margin: 2.5mm 0 1.5mm 0; break-after: avoid; }
.body p.caption { text-indent: 0; font-family: "Noto Sans CJK SC", sans-serif; font-size: 8.5pt;
                  margin: 1mm 0 2.5mm 0; }
.photo { height: 32mm; background: #c9c9c9; margin-top: 2mm; break-inside: avoid; }
.footer { display: flex; justify-content: space-between; border-top: 0.6pt solid #222; padding-top: 1.5mm;
          margin-top: 3mm; font-size: 9pt; font-family: "Noto Sans CJK SC", sans-serif; }
"""

# Moves whole bands onto new sheets when a sheet is full; runs before Chromium prints.
PAGINATE_JS = """
(function () {
  const pool = document.getElementById('pool');
  const proto = document.getElementById('proto');
  let pageNo = START_PAGE;
  function newSheet() {
    const sheet = proto.content.firstElementChild.cloneNode(true);
    sheet.querySelector('.pageno').textContent = '第' + pageNo + '版';
    sheet.querySelector('.folio').textContent = String(pageNo);
    pageNo += 1;
    document.body.insertBefore(sheet, pool);
    return sheet.querySelector('.content');
  }
  let content = newSheet();
  for (const band of Array.from(pool.children)) {
    content.appendChild(band);
    if (content.scrollHeight > content.clientHeight + 1 && content.children.length > 1) {
      content = newSheet();
      content.appendChild(band);
    }
  }
  pool.remove();
})();
"""


def page_html(seed: Path, *, columns: int = 4, paper: str = "青岛日报", date: dt.date | None = dt.date(2024, 3, 13),
              page_no: int = 3, section: str = "要闻", stream_order: str = "page") -> str:
    """The HTML of the printed page(s) for one seed.

    `stream_order="reversed"` paints the page bottom-up (later bands and right-hand articles first,
    masthead last) through z-index, so the PDF's text stream no longer follows the reading order, as
    in PDFs from page-layout programs; the printed page looks the same.
    """
    if columns not in (3, 4):
        raise ValueError("columns must be 3 or 4")
    if stream_order not in ("page", "reversed"):
        raise ValueError("stream_order must be 'page' or 'reversed'")
    bands = _bands(article_blocks(seed), columns)
    reverse = stream_order == "reversed"
    bands_html = "".join(
        (f'<div class="band" style="position:relative;z-index:{len(bands) - k}">' if reverse else '<div class="band">')
        + "".join(_article_html(b, c, paint=len(band) - j if reverse else 0) for j, (b, c) in enumerate(band))
        + "</div>" for k, band in enumerate(bands))
    # date=None prints a masthead without a date (the page then carries no publication date).
    date_text = f"{date.year}年{date.month}月{date.day}日 星期{WEEKDAYS[date.weekday()]}" if date else ""
    masthead_paint = ' style="position:relative;z-index:100000"' if reverse else ""
    sheet = (f'<div class="sheet"><div class="masthead"{masthead_paint}><span class="paper">{html.escape(paper)}</span>'
             f'<span class="date">{date_text}</span><span class="pageno"></span>'
             f'<span class="section">{html.escape(section)}</span></div>'
             f'<div class="content"></div>'
             f'<div class="footer"><span>{EDITORS}</span><span class="folio"></span></div></div>')
    script = PAGINATE_JS.replace("START_PAGE", str(int(page_no)))
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(paper)}</title>'
            f"<style>{PAGE_CSS}</style></head><body><template id=\"proto\">{sheet}</template>"
            f'<div id="pool">{bands_html}</div><script>{script}</script></body></html>')


def print_html_to_pdf(page: str, out: Path, timeout: float = 120) -> Path:
    """Print an HTML string to `out` with headless Chromium."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newspaper_pdf_") as tmp:
        src = Path(tmp) / "page.html"
        src.write_text(page, encoding="utf-8")
        cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
               f"--print-to-pdf={out.resolve()}", src.as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"chromium did not print {out}: {done.stderr[-500:]}")
    return out


def make_newspaper_pdf(seed: Path, out: Path, *, columns: int = 4, paper: str = "青岛日报",
                       date: dt.date | None = dt.date(2024, 3, 13), page_no: int = 3, section: str = "要闻",
                       stream_order: str = "page") -> Path:
    """Print the seed page as a newspaper PDF (one or more sheets, 第{page_no}版 onwards); returns `out`."""
    page = page_html(Path(seed), columns=columns, paper=paper, date=date, page_no=page_no, section=section,
                     stream_order=stream_order)
    return print_html_to_pdf(page, out)


def make_scanned_pdf(pdf: Path, out: Path, *, dpi: int = 150, pages: tuple[int, int] | None = None) -> Path:
    """Rasterise `pdf` with pdftoppm at `dpi` and wrap the page images into a PDF with no text layer.

    `pages` = (first, last), 1-based and inclusive, scans only those pages.
    """
    from PIL import Image

    if not shutil.which("pdftoppm"):
        raise RuntimeError("pdftoppm is missing: apt-get install poppler-utils")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="scan_") as tmp:
        span = ["-f", str(pages[0]), "-l", str(pages[1])] if pages else []
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", *span, str(pdf), f"{tmp}/page"],
                       check=True, capture_output=True, timeout=300)
        pngs = sorted(Path(tmp).glob("page*.png"))
        if not pngs:
            raise RuntimeError(f"pdftoppm made no images from {pdf}")
        images = [Image.open(p).convert("L") for p in pngs]
        images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
        for image in images:
            image.close()
    return out
