"""Measure jionlp against rag.dates on the test phrases: import time, memory, accuracy, speed.

Run in a virtualenv that has jionlp (it is not a project dependency), from the project root:
    python -m rag.dates.jionlp_comparison [--corpus ../shared/corpora/crud-news-part1-4.jsonl.xz]
The phrase tables are read from tests/test_dates.py without importing pytest.
"""

from __future__ import annotations

import argparse
import ast
import json
import logging
import lzma
import re
import resource
import sys
import time
from datetime import datetime
from pathlib import Path

from rag.dates.relative import find_time_expressions

TESTS = Path(__file__).resolve().parents[2] / "tests" / "test_dates.py"


def test_tables() -> tuple[list[tuple], list[tuple[str, set[str]]]]:
    """RESOLVE_CASES and the look-alike sentences with the readings allowed, from the test file's source."""
    tree = ast.parse(TESTS.read_text(encoding="utf-8"))
    cases: list[tuple] = []
    lookalikes: list[tuple[str, list[str]]] = []
    allowed: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "RESOLVE_CASES":
            cases = ast.literal_eval(node.value)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LOOKALIKES":
            lookalikes = ast.literal_eval(node.value)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "NOT_ATTEMPTED":
            allowed = ast.literal_eval(node.value)
    return [c for c in cases if c[2]], [(s, set(e) | allowed) for s, e in lookalikes]


def rss_mb() -> float:
    """Peak resident memory of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="CRUD corpus .jsonl.xz for the speed run")
    args = parser.parse_args()
    cases, lookalikes = test_tables()
    logging.disable(logging.ERROR)  # jionlp logs a traceback for every string it cannot parse
    before = rss_mb()
    started = time.perf_counter()
    import jionlp as jio  # noqa: PLC0415 - timing the import is the point

    import_s = time.perf_counter() - started
    after_import = rss_mb()

    def jio_period(expression: str, published: str):
        base = time.mktime(datetime.fromisoformat(published).timetuple())
        try:
            found = jio.parse_time(expression, time_base=base)
        except Exception:  # jionlp raises ValueError and others on what it cannot read
            return None
        start, end = found["time"]
        return start[:10], end[:10] if end != "inf" else published

    def jio_extracts(sentence: str, published: str, expression: str) -> bool:
        base = time.mktime(datetime.fromisoformat(published).timetuple())
        return any(e["text"] == expression for e in jio.ner.extract_time(sentence, time_base=base))

    started = time.perf_counter()
    jio_extracts(cases[0][0], cases[0][1], cases[0][2])
    first_extract_s = time.perf_counter() - started
    jio_right = jio_found = ours_right = ours_found = 0
    misses = []
    for sentence, published, expression, start, end in cases:
        jio_ok = jio_period(expression, published) == (start, end)
        jio_right += jio_ok
        jio_found += jio_extracts(sentence, published, expression)
        ours = {f.text: f.period for f in find_time_expressions(sentence, published)}
        ours_found += expression in ours
        ours_right += bool(ours.get(expression)) and (ours[expression].start, ours[expression].end) == (start, end)
        if not jio_ok:
            misses.append(f"{expression} @ {published}: jionlp {jio_period(expression, published)}, want {start}..{end}")
    base = time.mktime(datetime(2023, 8, 10).timetuple())
    jio_false = sum(any(e["text"] not in ok for e in jio.ner.extract_time(s, time_base=base)) for s, ok in lookalikes)
    ours_false = sum(any(f.text not in ok for f in find_time_expressions(s, "2023-08-10")) for s, ok in lookalikes)
    report = {
        "python": sys.version.split()[0],
        "jionlp": jio.__version__,
        "import_s": round(import_s, 2),
        "first_extract_s": round(first_extract_s, 2),
        "rss_mb_before_import": round(before, 1),
        "rss_mb_after_import": round(after_import, 1),
        "rss_mb_after_use": round(rss_mb(), 1),
        "cases": len(cases),
        "jionlp_parse_time_right": jio_right,
        "jionlp_extract_time_found": jio_found,
        "ours_found": ours_found,
        "ours_right": ours_right,
        "lookalike_sentences": len(lookalikes),
        "jionlp_lookalikes_misread": jio_false,
        "ours_lookalikes_misread": ours_false,
        "jionlp_misses": misses,
    }
    if args.corpus:
        report.update(speed(args.corpus, jio))
    print(json.dumps(report, ensure_ascii=False, indent=1))


def speed(corpus: Path, jio) -> dict:
    """Sentences per second finding time expressions on the first 2,000 corpus sentences."""
    sentences: list[str] = []
    with lzma.open(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            sentences += [s for s in re.split(r"(?<=[。！？])", json.loads(line)["text"]) if s.strip()]
            if len(sentences) >= 2000:
                break
    sentences = sentences[:2000]
    base = time.mktime(datetime(2023, 8, 10).timetuple())
    started = time.perf_counter()
    for s in sentences:
        jio.ner.extract_time(s, time_base=base)
    jio_s = time.perf_counter() - started
    started = time.perf_counter()
    for s in sentences:
        find_time_expressions(s, "2023-08-10")
    ours_s = time.perf_counter() - started
    return {"sentences": len(sentences), "jionlp_sentences_per_s": round(len(sentences) / jio_s),
            "ours_sentences_per_s": round(len(sentences) / ours_s)}


if __name__ == "__main__":
    main()
