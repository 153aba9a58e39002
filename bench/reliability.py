"""Nothing lost: index file hashes before and after each failed update (kill -9 at each build stage, a full disk,
a damaged index, a folder of the user's files given as --index), on the real CLI.

    python bench/reliability.py            # prints a markdown table (about 5 minutes on 2 cores)
    python bench/reliability.py --json

Each case copies a one-page index (or a folder of notes), hashes every file, makes the update fail, hashes again
and, for an index, asks the same questions before and after. Exit code 1 when anything changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "seeds" / "003_c9ec65179e6f0b8a.txt"
OTHER_PAGE = REPO / "seeds" / "000_8eb6f9117185c38f.txt"
QUESTIONS = "凤麟核中子分析仪项目总经费多少\n中子分析仪项目由哪家公司牵头申报\n"


@dataclass(frozen=True)
class Case:
    name: str
    files: int  # files hashed
    unchanged: int  # files with the same SHA-256 afterwards
    same_answers: bool | None  # None where the folder is not an index
    exit_code: int | None
    message: str  # the one line the user saw (or how the process ended)


def rag(*args, stdin: str | None = None, preexec=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env |= {"HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "rag", *map(str, args)], capture_output=True, text=True, env=env,
                          input=stdin, cwd=REPO, timeout=900, check=False, preexec_fn=preexec)


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def answers(index: Path) -> str:
    return rag("search", "--batch", "-", "--json", "-k", "3", "--index", index, stdin=QUESTIONS).stdout


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def embedded_all(line: str) -> bool:
    """'embedding: 27/27': every vector computed, the new index is being written."""
    done, _, total = line.removeprefix("embedding: ").strip().partition("/")
    return line.startswith("embedding: ") and done == total


def embedded_some(line: str) -> bool:
    """'embedding: 16/27': some vectors computed, not all."""
    done, _, total = line.removeprefix("embedding: ").strip().partition("/")
    return line.startswith("embedding: ") and done.isdigit() and 0 < int(done) < int(total or 0)


def killed_at(marker, delay: float = 0.0, label: str = ""):
    """An update SIGKILLed at the first stderr line `marker` accepts (or after `delay` seconds)."""
    def run(index: Path, extra: Path) -> tuple[int | None, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
        env |= {"HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-m", "rag", "index", str(extra), "--index", str(index)], cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        if marker is None:
            time.sleep(delay)
        else:
            for line in proc.stderr:
                if marker(line):
                    break
        finished_first = proc.poll() is not None
        proc.kill()
        proc.wait()
        if finished_first:
            return proc.returncode, f"NOT KILLED: the update ended before {label}"
        return proc.returncode, f"killed (SIGKILL) {label or f'after {delay:.1f} s'}"
    return run


def limited(command_args, limit: int | None = None):
    def run(target: Path, extra: Path) -> tuple[int | None, str]:
        preexec = (lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))) if limit else None
        result = rag(*[extra if a == "EXTRA" else target if a == "TARGET" else a for a in command_args],
                     preexec=preexec)
        return result.returncode, last_line(result.stderr)
    return run


def truncate_store(index: Path) -> None:
    with open(index / "store.sqlite", "r+b") as fh:
        fh.truncate(8192)


INDEX_CASES = [
    ("kill -9 1.5 s after start (loading, reading)", killed_at(None, delay=1.5), None),
    ("kill -9 when embedding starts", killed_at(lambda line: line.startswith("embedding: 0/"),
                                                label="at “embedding: 0/N”"), None),
    ("kill -9 halfway through embedding", killed_at(embedded_some, label="at “embedding: n/N”, 0 < n < N"), None),
    ("kill -9 after embedding (writing the new index)", killed_at(embedded_all, label="at “embedding: N/N”"),
     None),
    ("disk full (RLIMIT_FSIZE 16 KB) during the update", limited(["index", "EXTRA", "--index", "TARGET", "--quiet"],
                                                                 16_384), None),
    ("update of an index whose store.sqlite is damaged", limited(["index", "EXTRA", "--index", "TARGET", "--quiet"]),
     truncate_store),
]
NOTES_CASES = [(f"folder of notes given to `rag {cmd}` as --index", limited(args))
               for cmd, args in (("index", ["index", "EXTRA", "--index", "TARGET"]),
                                 ("search", ["search", "南非", "--index", "TARGET"]),
                                 ("ask", ["ask", "南非", "--index", "TARGET"]),
                                 ("index --rebuild", ["index", "--rebuild", "EXTRA", "--index", "TARGET"]))]


def measure(work: Path) -> list[Case]:
    base = work / "base"
    rag("index", PAGE, "--index", base, "--quiet").check_returncode()
    extra = work / "more"
    extra.mkdir()
    shutil.copyfile(OTHER_PAGE, extra / "extra.txt")  # another page: every chunk is new, embedding takes a while
    cases = []
    for i, (name, fail, damage) in enumerate(INDEX_CASES):
        index = work / f"index{i}"
        shutil.copytree(base, index)
        if damage:
            damage(index)
        expected = answers(index) if not damage else None
        before = hashes(index)
        code, message = fail(index, extra)
        after = hashes(index)
        same = answers(index) == expected if expected is not None else None
        cases.append(Case(name, len(before), sum(after.get(k) == v for k, v in before.items()) if after.keys() ==
                          before.keys() else 0, same, code, message))
    for i, (name, fail) in enumerate(NOTES_CASES):
        notes = work / f"notes{i}"
        (notes / "2024").mkdir(parents=True)
        (notes / "todo.md").write_text("# 采访提纲\n- 南非代表团\n", encoding="utf-8")
        (notes / "2024" / "draft.txt").write_text("草稿：南非经贸合作。\n", encoding="utf-8")
        (notes / "photo.bin").write_bytes(os.urandom(4096))
        before = hashes(notes)
        code, message = fail(notes, extra)
        after = hashes(notes)
        cases.append(Case(name, len(before), sum(after.get(k) == v for k, v in before.items()) if after.keys() ==
                          before.keys() else 0, None, code, message))
    return cases


def table(cases: list[Case]) -> str:
    rows = ["| failed update | files hashed | unchanged after | same answers | exit | what the user saw |",
            "|---|---|---|---|---|---|"]
    for c in cases:
        same = "—" if c.same_answers is None else ("yes" if c.same_answers else "NO")
        rows.append(f"| {c.name} | {c.files} | {c.unchanged} | {same} | {c.exit_code} | {c.message} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rag-reliability-") as tmp:
        t0 = time.perf_counter()
        cases = measure(Path(tmp))
        seconds = time.perf_counter() - t0
    print(json.dumps([asdict(c) for c in cases], ensure_ascii=False, indent=2) if args.json else table(cases))
    print(f"\n{len(cases)} failed updates in {seconds:.0f}s; "
          f"{sum(c.unchanged for c in cases)}/{sum(c.files for c in cases)} files unchanged", file=sys.stderr)
    lost = [c for c in cases if c.unchanged != c.files or c.same_answers is False]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
