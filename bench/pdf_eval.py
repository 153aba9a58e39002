"""`rag eval` on the seed pages indexed from their newspaper PDFs next to the same run on the .txt seeds.

python -m bench.pdf_eval [--out bench/out/pdf_eval] [--mode bm25,dense,hybrid] [--scanned]

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


def print_pdfs(folder: Path, scanned: bool) -> tuple[Path, Path | None]:
    """The seed PDFs (and image-only copies) under folder/pdf and folder/scan."""
    from tests.support.newspaper_pdf import make_newspaper_pdf, make_scanned_pdf

    pdf_dir, scan_dir = folder / "pdf", folder / "scan"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        pdf = pdf_dir / f"{seed.stem}.pdf"
        if not pdf.exists():
            make_newspaper_pdf(seed, pdf)
        if scanned:
            scan_dir.mkdir(parents=True, exist_ok=True)
            if not (scan_dir / pdf.name).exists():
                make_scanned_pdf(pdf, scan_dir / pdf.name, dpi=150)
    return pdf_dir, scan_dir if scanned else None


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


def evaluate(name: str, sources: Path, qa: Path, folder: Path, mode: str) -> dict:
    index = folder / f"index-{name}"
    rag = [sys.executable, "-m", "rag"]
    run([*rag, "index", str(sources), "--index", str(index), "--rebuild", "--quiet"])
    out = folder / f"eval-{name}"
    run([*rag, "eval", str(qa), "--index", str(index), "--mode", mode, "--out", str(out), "--quiet"])
    return json.loads((out / "metrics.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "pdf_eval")
    parser.add_argument("--mode", default="bm25,dense,hybrid")
    parser.add_argument("--scanned", action="store_true", help="also index image-only copies through OCR")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    pdf_dir, scan_dir = print_pdfs(args.out, args.scanned)
    runs = {"txt": evaluate("txt", ROOT / "seeds", QA, args.out, args.mode),
            "pdf": evaluate("pdf", pdf_dir, remap_sources(pdf_dir, args.out / "qa-pdf.jsonl"), args.out, args.mode)}
    if scan_dir:
        runs["scan"] = evaluate("scan", scan_dir, remap_sources(scan_dir, args.out / "qa-scan.jsonl"),
                                args.out, args.mode)
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
