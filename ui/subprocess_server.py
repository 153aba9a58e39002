"""Run `rag ui` in a child process on a free 127.0.0.1 port: for tests, the load benchmark and screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The child asks Linux to SIGTERM it when its parent dies (a killed test run must not leave a server
# behind), then runs `python -m rag ui …`. argv[1] is the expected parent pid: exit if it is already gone.
_LAUNCHER = """
import ctypes, os, runpy, signal, sys
parent = int(sys.argv.pop(1))
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != parent:
    sys.exit("rag ui launcher: parent process already exited")
sys.argv[0] = "rag"
runpy.run_module("rag", run_name="__main__", alter_sys=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, n: int = 30) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])


@contextmanager
def ui_server(index_dir: Path, *, auth: str | None = None, uploads_dir: Path | None = None,
              extra_args: list[str] | None = None, startup_timeout: float = 180.0,
              env: dict[str, str] | None = None, cwd: Path = REPO) -> Iterator[str]:
    """Start the page on a copy-safe index folder; yield its URL; stop it on exit (log kept on failure)."""
    port = free_port()
    args = ["ui", "--host", "127.0.0.1", "--port", str(port), "--index", str(index_dir), *(extra_args or [])]
    if uploads_dir is not None:
        args += ["--uploads", str(uploads_dir)]
    pythonpath = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    child_env = {**os.environ, "PYTHONPATH": pythonpath, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                 "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
    child_env.pop("RAG_UI_AUTH", None)
    if auth:
        child_env["RAG_UI_AUTH"] = auth  # through the environment, so the password is not in `ps` output
    fd, name = tempfile.mkstemp(prefix="rag-ui-", suffix=".log")
    os.close(fd)
    log_path = Path(name)
    with log_path.open("ab") as log:
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(os.getpid()), *args], cwd=cwd,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=child_env,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + startup_timeout
        while not _ready(url):
            if proc.poll() is not None:
                raise RuntimeError(f"rag ui exited with code {proc.returncode} (log {log_path}):\n{_tail(log_path)}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"rag ui not ready at {url} after {startup_timeout:.0f}s:\n{_tail(log_path)}")
            time.sleep(0.3)
        yield url
    finally:
        _stop(proc)
    log_path.unlink(missing_ok=True)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except urllib.error.HTTPError as exc:  # a login page or redirect still means the server is up
        return exc.code < 500
    except OSError:
        return False


def _stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace)
