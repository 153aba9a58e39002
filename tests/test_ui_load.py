"""Several people at once: the load benchmark's questions all answered, and a hung LLM blocks nobody."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading

import pytest

from ui.subprocess_server import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def load_url(tmp_path_factory, seed_index):
    from ui.subprocess_server import ui_server

    folder = tmp_path_factory.mktemp("ui-load") / "index"
    shutil.copytree(seed_index.folder, folder)
    with ui_server(folder) as url:
        yield url


def test_benchmark_eight_concurrent_questions_all_correct(load_url):
    """Runs bench/ui_load.py as people would; prints its timings, asserts only correctness."""
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "ui_load.py"), "--url", load_url,
                           "--questions", "8", "--threads", "8", "--json"],
                          capture_output=True, text=True, timeout=600, cwd=REPO, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    print(f"\nui load: {report['questions']} questions / {report['threads']} threads: total {report['total_s']}s, "
          f"p50 {report['p50_s']}s, p95 {report['p95_s']}s, max {report['max_s']}s")
    bad = [r for r in report["results"] if not r["ok"]]
    assert not bad, bad
    assert len(report["results"]) == 8


class BlackHole:
    """An 'LLM endpoint' that accepts connections and never answers: the slowest answer possible."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.connections: list[socket.socket] = []
        self.closed = False
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/v1"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            if self.closed:  # a retry that slipped in while closing: refuse it too
                conn.close()
                return
            self.connections.append(conn)

    def close(self):
        self.closed = True
        try:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not
        except OSError:
            pass
        self.server.close()
        for conn in self.connections:
            conn.close()


def test_hung_llm_answer_does_not_freeze_other_people(load_url):
    from gradio_client import Client

    sys.path.insert(0, str(REPO))
    from bench.ui_load import run

    hole = BlackHole()
    try:
        slow = Client(load_url, verbose=False).submit("前2个月青岛市外贸进出口多少？", [], "hybrid", 3, "llm",
                                                      hole.url, "some-model", "", "", api_name="/ask")
        for _ in range(100):  # wait until the request reached the endpoint: its worker is now blocked
            if hole.connections:
                break
            threading.Event().wait(0.1)
        assert hole.connections, "the LLM request never reached the fake endpoint"
        report = run(load_url, questions=8, threads=8)
        assert report["failures"] == 0, report["results"]
        assert not slow.done(), "the hung answer should still be waiting"
    finally:
        hole.close()  # the LLM call now fails: the page shows the error in the chat instead of hanging
    out = slow.result(timeout=120)
    assert out[1][-1]["content"][0]["text"].startswith("⚠")
