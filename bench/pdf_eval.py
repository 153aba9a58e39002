"""`rag eval` on the seed pages indexed from their newspaper PDFs next to the same run on the .txt seeds.

python -m bench.pdf_eval [--out bench/out/pdf_eval] [--mode bm25,dense,hybrid] [--reuse] [--scanned]

The seed pages are printed by headless Chromium (tests/support/newspaper_pdf.py), indexed with
`rag index`, and evaluated with eval/qa/seeds.jsonl. The QA rows name the .txt file as their source;
for the PDF run each row's source becomes the PDF page (`000_….pdf#p2`) that carries its article, so
citation precision compares like with like. `--scanned` adds a run on image-only copies (OCR, slow).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QA = ROOT / "eval" / "qa" / "seeds.jsonl"
RETRIEVAL_KEYS = ("hit@1", "hit@5", "mrr@10")
ANSWER_KEYS = ("accuracy", "overall_accuracy", "f1", "citation_precision", "citation_recall")


def print_pdfs(folder: Path, dated: bool = True, scanned: bool = False) -> Path:
    """The seed PDFs under folder/<pdf|pdf-undated|scan>, printed unless already there."""
    from tests.support.newspaper_pdf import make_newspaper_pdf, make_scanned_pdf, seed_print

    pdf_dir = folder / ("pdf" if dated else "pdf-undated")
    pdf_dir.mkdir(parents=True, exist_ok=True)
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        pdf = pdf_dir / f"{seed.stem}.pdf"
        if not pdf.exists():
            make_newspaper_pdf(seed, pdf, **{**seed_print(seed), **({} if dated else {"date": None})})
    if not scanned:
        return pdf_dir
    scan_dir = folder / "scan"
    scan_dir.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(pdf_dir.glob("*.pdf")):
        if not (scan_dir / pdf.name).exists():
            make_scanned_pdf(pdf, scan_dir / pdf.name, dpi=150)
    return scan_dir


def remap_sources(folder: Path, out: Path) -> Path:
    """The QA file with each row's source set to the page of the PDF in `folder` that carries its article."""
    from rag.ingest import ingest_file

    pages: dict[tuple[str, str], str] = {}
    for pdf in sorted(folder.glob("*.pdf")):
        for article in ingest_file(pdf).articles:
            pages.setdefault((pdf.stem, article.title), article.source)
    rows = []
    for line in QA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for key in ("source", "source2"):
            if row.get(key):
                stem = Path(row[key]).stem
                title = row.get("article" if key == "source" else "article2", "")
                row[key] = pages.get((stem, title)) or next(
                    (src for (s, _), src in pages.items() if s == stem), row[key])
        rows.append(json.dumps(row, ensure_ascii=False))
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return out


def run(cmd: list[str]) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def evaluate(name: str, sources: Path, qa: Path, folder: Path, mode: str, reuse: bool = False) -> dict:
    """Index `sources` and run rag eval; with `reuse`, an earlier run's metrics.json is read instead."""
    index = folder / f"index-{name}"
    out = folder / f"eval-{name}"
    if reuse and (out / "metrics.json").exists():
        return json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    rag = [sys.executable, "-m", "rag"]
    run([*rag, "index", str(sources), "--index", str(index), "--rebuild", "--quiet"])
    run([*rag, "eval", str(qa), "--index", str(index), "--mode", mode, "--out", str(out), "--quiet"])
    return json.loads((out / "metrics.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "pdf_eval")
    parser.add_argument("--mode", default="bm25,dense,hybrid")
    parser.add_argument("--scanned", action="store_true", help="also index image-only copies through OCR")
    parser.add_argument("--reuse", action="store_true", help="read the metrics of runs already in --out")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    runs = {"txt": evaluate("txt", ROOT / "seeds", QA, args.out, args.mode, args.reuse)}
    # Undated mastheads isolate reading: the .txt seeds carry no dates either, and a dated page is lifted
    # or not for questions that say 今年 (read against today, not the article's year).
    for name, dated in (("pdf-undated", False), ("pdf", True)):
        folder = print_pdfs(args.out, dated=dated)
        runs[name] = evaluate(name, folder, remap_sources(folder, args.out / f"qa-{name}.jsonl"), args.out, args.mode,
                              args.reuse)
    if args.scanned:
        folder = print_pdfs(args.out, dated=True, scanned=True)
        # The scans keep the PDFs' file names and pages, so the PDF run's sources hold (and OCR runs once).
        runs["scan"] = evaluate("scan", folder, args.out / "qa-pdf.jsonl", args.out, args.mode, args.reuse)
    (args.out / "summary.json").write_text(json.dumps(runs, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown_table(runs))


def markdown_table(runs: dict[str, dict]) -> str:
    """One row per metric (retrieval per mode, answers per configuration), one column per source format."""
    names = list(runs)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    first = runs[names[0]]
    for i, entry in enumerate(first["retrieval"]):
        for key in RETRIEVAL_KEYS:
            values = [runs[n]["retrieval"][i].get(key) for n in names]
            lines.append(f"| {entry['mode']} {key} | " + " | ".join(_fmt(v) for v in values) + " |")
    for i, entry in enumerate(first["answers"]):
        for key in ANSWER_KEYS:
            values = [runs[n]["answers"][i].get(key) for n in names]
            lines.append(f"| {entry['name']} {key} | " + " | ".join(_fmt(v) for v in values) + " |")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
