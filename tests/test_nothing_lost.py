"""bench/reliability.py on the real CLI: kill -9 at each build stage, a full disk, a damaged index and a folder of
notes given as --index leave every file byte for byte and the index answering the same."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ui.subprocess_server import REPO


@pytest.mark.slow
def test_every_failed_update_leaves_every_file_as_it_was():
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "reliability.py"), "--json"], capture_output=True,
                          text=True, timeout=1800, cwd=REPO, check=False)
    cases = json.loads(proc.stdout)
    print("\n" + proc.stderr.strip())
    assert len(cases) == 10
    for case in cases:
        assert case["files"] > 0 and case["unchanged"] == case["files"], case
        assert case["same_answers"] is not False, case
        assert "NOT KILLED" not in case["message"] and "Traceback" not in case["message"], case
        if case["name"].startswith("kill -9"):
            assert case["exit_code"] == -9, case
        else:
            assert case["exit_code"] in (1, 2) and case["message"].startswith("rag: error:"), case
    assert proc.returncode == 0, proc.stderr
