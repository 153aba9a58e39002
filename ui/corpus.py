"""The 资料库 tab's work: check uploads, save them beside the index, index them in the background."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from rag.index import BuildReport, Index
from rag.index.store import FileRecord
from rag.loaders.registry import is_known, suffix_of

from .state import AppState

MB = 1024 * 1024
# Upload limits by format: a page of text is small, a scanned PDF or a database dump is not.
UPLOAD_LIMITS = {
    "text": ((".txt", ".md", ".markdown", ".text"), 20 * MB),
    "PDF": ((".pdf",), 100 * MB),
    "图片": ((".png", ".jpg", ".jpeg", ".tif", ".tiff"), 30 * MB),
    "网页": ((".html", ".htm", ".xhtml"), 10 * MB),
    "Word": ((".docx",), 50 * MB),
    "数据导出": ((".jsonl", ".ndjson", ".json-lines", ".csv"), 200 * MB),
}
MAX_FILES_PER_UPLOAD = 50
MAX_UPLOAD_BYTES = 20 * MB  # the text limit, kept for callers that knew only text


def upload_limit(name: str) -> int | None:
    """The size limit for a file name's format (compressed dumps count as dumps), None for an unread type."""
    suffix = suffix_of(Path(name))
    for suffixes, limit in UPLOAD_LIMITS.values():
        if any(suffix == s or suffix.startswith(s + ".") for s in suffixes):
            return limit
    return None


def limits_text() -> str:
    """'.txt .md ≤ 20 MB；.pdf ≤ 100 MB；…' for the upload box."""
    return "；".join(f"{' '.join(s)} ≤ {limit // MB} MB" for s, limit in UPLOAD_LIMITS.values())
INCOMING = ".incoming"  # hidden folders under the uploads root are never indexed (rag.loading skips them)
REJECTED = ".rejected"


def check_upload(path: Path, name: str, indexed: dict[str, FileRecord], uploads_dir: Path) -> str | None:
    """A Chinese message naming the file when it cannot be accepted, else None."""
    limit = upload_limit(name)
    if limit is None or not is_known(Path(name)):
        return f"“{name}”的格式不能读取，未上传（可上传：{limits_text()}）。"
    if name.startswith("."):
        return f"“{name}”的文件名以“.”开头，请改名后再上传。"
    size = path.stat().st_size
    if size > limit:
        return f"“{name}”太大（{size / MB:.1f} MB），这种格式每个文件不能超过 {limit // MB} MB。"
    if size == 0:
        return f"“{name}”是空文件，未上传。"
    record = indexed.get(name)
    # the index keys files by name: an upload must not silently replace a file from another folder (the seeds)
    if record is not None and Path(record.root) != uploads_dir.resolve():
        return f"“{name}”与资料库中已有的文件同名，请改名后再上传。"
    return None


def files_rows(index: Index, uploads_dir: Path) -> list[list]:
    """Rows of the files table: name, articles, chunks, origin, indexed_at."""
    uploads = str(uploads_dir.resolve())
    return [[f.name, f.articles, f.chunks, "上传" if f.root == uploads else "初始资料", _local_time(f.indexed_at)]
            for f in index.files()]


def _local_time(iso: str) -> str:
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


@dataclass
class BuildJob:
    """Progress of one upload batch; written by the build thread, read by the page."""

    names: list[str]
    staging: Path  # this batch's private folder under .incoming/: batches never overwrite each other
    stage: str = "排队等待"
    done: int = 0
    total: int = 0
    report: BuildReport | None = None
    error: str | None = None
    problems: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)  # read, but some records or pages skipped
    finished: threading.Event = field(default_factory=threading.Event)

    def progress(self, stage: str, done: int, total: int) -> None:
        if stage == "embedding":
            self.stage = "正在计算向量" if done < total else "正在写入索引"
        elif stage == "files":
            self.stage = f"正在读取文件：第 {done + 1}/{total} 个"
        else:  # a loader's pages, e.g. "OCR scan.pdf": per page
            self.stage = f"正在读取 {stage.removeprefix('OCR ')}：第 {done}/{total} 页"
        self.done, self.total = done, total


def stage_uploads(state: AppState, files: list[tuple[Path, str]]) -> tuple[BuildJob | None, list[str]]:
    """Check the files, copy the acceptable ones to a staging folder; (job to submit or None, refusals)."""
    indexed = {f.name: f for f in state.index.files()}
    incoming = state.uploads_dir / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="batch-", dir=incoming))
    accepted, messages = [], []
    if len(files) > MAX_FILES_PER_UPLOAD:
        messages.append(f"一次最多上传 {MAX_FILES_PER_UPLOAD} 个文件，只收下了前 {MAX_FILES_PER_UPLOAD} 个；其余请分批上传。")
        files = files[:MAX_FILES_PER_UPLOAD]
    for path, name in files:
        message = check_upload(path, name, indexed, state.uploads_dir)
        if message:
            messages.append(message)
            continue
        shutil.copyfile(path, staging / name)
        if name not in accepted:
            accepted.append(name)
    if not accepted:
        shutil.rmtree(staging, ignore_errors=True)
        return None, messages
    return BuildJob(accepted, staging), messages


def submit(state: AppState, job: BuildJob) -> BuildJob:
    """Queue the index update; the page polls the job."""
    state.builder.submit(_run, state, job)
    return job


def _run(state: AppState, job: BuildJob) -> None:
    try:
        _build(state, job)
    except Exception as exc:  # noqa: BLE001 -- report any failure on the page; the current index stays in use
        job.error = f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(job.staging, ignore_errors=True)
        job.finished.set()


def _build(state: AppState, job: BuildJob) -> None:
    previous: dict[str, Path] = {}
    for name in job.names:  # move staged files in; keep any earlier version to restore if the new one is bad
        target = state.uploads_dir / name
        if target.exists():
            previous[name] = job.staging / f"{name}.previous"
            shutil.move(target, previous[name])
        shutil.move(job.staging / name, target)
    job.stage = "正在读取与切分文章"
    report = state.build([state.uploads_dir], job.progress)
    bad = {Path(p.path).name: p.reason for p in report.problems if not p.partial}
    partial = {Path(p.path).name: p.reason for p in report.problems if p.partial}
    rejected = state.uploads_dir / REJECTED
    for name in job.names:
        if name in bad:  # set the bad file aside so later builds do not trip on it again
            rejected.mkdir(exist_ok=True)
            shutil.move(state.uploads_dir / name, rejected / f"{int(time.time())}-{name}")
            if name in previous:
                shutil.move(previous[name], state.uploads_dir / name)
    job.problems = bad
    job.warnings = partial
    job.report = report
    job.stage = "正在载入新索引"
    state.swap(state.reopen())
    job.stage = "完成"
