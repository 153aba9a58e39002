"""Load benchmark for the page: N questions from parallel gradio_client threads; prints p50/p95/total.

    python bench/ui_load.py --index /tmp/idx1                # starts `rag ui` on a copy of the index
    python bench/ui_load.py --url http://127.0.0.1:7860/     # against a running page
    python bench/ui_load.py --index /tmp/idx1 --questions 32 --threads 8 --json

Timings are printed, never asserted: they depend on the machine. Correctness is checked (exit code 1 when
an answer lacks its expected fact or a request fails).
"""

from __future__ import annotations

import argparse
import json
import queue
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

# (question, fact the answer must contain): facts from the seed pages
QUESTIONS = [
    ("前2个月青岛市外贸进出口多少？", "1258亿元"),
    ("海尔青岛洗衣机互联工厂从钢板到整机最快需要多久？", "38分钟"),
    ("凤麟核中子分析仪项目总经费是多少？", "4020万元"),
    ("宝山镇蓝莓种植面积有多大？", "2万余亩"),
]


@dataclass
class Result:
    question: str
    expected: str
    ok: bool
    seconds: float
    error: str = ""
    answer: str = ""


def ask_one(clients: queue.Queue, question: str, expected: str) -> Result:
    """One question through the page's own `/ask` endpoint (the chat button's handler)."""
    client = clients.get()
    t0 = time.perf_counter()
    try:
        out = client.predict(question, [], "hybrid", 5, "extractive", "", "", "", "",
                            api_name="/ask")
        text = message_text(out[1][-1])
        return Result(question, expected, expected in text and "[1]" in text, time.perf_counter() - t0, answer=text)
    except Exception as exc:  # noqa: BLE001 -- a failed request is a result to report, not a crash of the benchmark
        return Result(question, expected, False, time.perf_counter() - t0, error=f"{type(exc).__name__}: {exc}")
    finally:
        clients.put(client)


def message_text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def run(url: str, questions: int = 8, threads: int = 8, auth: tuple[str, str] | None = None) -> dict:
    """Ask `questions` questions (cycling the list) from `threads` threads, one client per thread."""
    from gradio_client import Client

    clients: queue.Queue = queue.Queue()
    for _ in range(threads):  # connect first: the timings are the questions, not the handshakes
        clients.put(Client(url, auth=auth, verbose=False))
    work = [QUESTIONS[i % len(QUESTIONS)] for i in range(questions)]
    ask_one(clients, *work[0])  # warm-up, not timed
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(lambda qa: ask_one(clients, *qa), work))
    total = time.perf_counter() - t0
    seconds = sorted(r.seconds for r in results)
    return {"url": url, "questions": questions, "threads": threads, "total_s": round(total, 3),
            "p50_s": round(statistics.median(seconds), 3), "p95_s": round(percentile(seconds, 95), 3),
            "max_s": round(seconds[-1], 3), "throughput_qps": round(questions / total, 2),
            "failures": sum(not r.ok for r in results), "results": [asdict(r) for r in results]}


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def print_report(report: dict) -> None:
    print(f"{report['questions']} questions, {report['threads']} threads against {report['url']}")
    print(f"total {report['total_s']:.2f}s  p50 {report['p50_s']:.2f}s  p95 {report['p95_s']:.2f}s  "
          f"max {report['max_s']:.2f}s  {report['throughput_qps']:.2f} questions/s  failures {report['failures']}")
    for r in report["results"]:
        mark = "ok " if r["ok"] else "BAD"
        print(f"  {mark} {r['seconds']:6.2f}s  {r['question']}  → {r['error'] or r['expected']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running page")
    where.add_argument("--index", type=Path, help="start `rag ui` on a temporary copy of this index")
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--auth", help="user:password when the page requires it")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    with ExitStack() as stack:
        url = args.url
        if url is None:
            from ui.subprocess_server import ui_server

            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rag-ui-load-")))
            shutil.copytree(args.index, tmp / "index")
            url = stack.enter_context(ui_server(tmp / "index", auth=args.auth))
        report = run(url, args.questions, args.threads, auth)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
