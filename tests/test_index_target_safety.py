"""An --index (or $RAG_INDEX) that names a folder of the user's files is refused by every command: nothing is lost."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.index import build_index
from rag.index.guard import NotAnIndexError, check_replaceable, foreign_entries, remove_index_folder

REPO = Path(__file__).resolve().parents[1]
QA = REPO / "eval" / "qa" / "seeds.jsonl"


def _user_folder(root: Path) -> Path:
    """A folder as a user keeps one: notes, a subfolder, a binary file, a JSON file of their own."""
    folder = root / "myarchive"
    (folder / "2024").mkdir(parents=True)
    (folder / "notes.txt").write_text("我的笔记：南非之行。\n", encoding="utf-8")
    (folder / "2024" / "page1.txt").write_text("本报3月12日讯 青岛港口吞吐量创新高。\n", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    (folder / "settings.json").write_text(json.dumps({"format_version": 1}), encoding="utf-8")
    return folder


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


def _rag(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, timeout=300,
                          env=full_env, cwd=cwd or REPO, check=False)


def _assert_refused(result: subprocess.CompletedProcess, folder: Path) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "is not an index" in result.stderr and str(folder) in result.stderr
    assert "No index at" not in result.stderr  # refused before a build was announced


COMMANDS = {
    "index": lambda folder: ["index", str(REPO / "seeds"), "--index", str(folder), "--quiet"],
    "index-self": lambda folder: ["index", str(folder), "--index", str(folder), "--quiet"],
    "index-rebuild": lambda folder: ["index", str(REPO / "seeds"), "--rebuild", "--index", str(folder), "--quiet"],
    "search": lambda folder: ["search", "南非", "--index", str(folder)],
    "ask": lambda folder: ["ask", "x", "--index", str(folder)],
    "eval": lambda folder: ["eval", str(QA), "--index", str(folder), "--quiet", "--out", str(folder.parent / "out")],
    "ui": lambda folder: ["ui", "--index", str(folder), "--port", "0"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_refuses_a_folder_of_user_files(tmp_path, command):
    folder = _user_folder(tmp_path)
    before = _snapshot(folder)
    result = _rag(*COMMANDS[command](folder))
    _assert_refused(result, folder)
    assert _snapshot(folder) == before
    assert not list(tmp_path.glob(".myarchive*"))  # no lock, temp or old folder beside it


@pytest.mark.parametrize("command", ["search", "ask", "index"])
def test_rag_index_variable_pointing_at_user_files_is_refused(tmp_path, command):
    folder = _user_folder(tmp_path)
    before = _snapshot(folder)
    args = {"search": ["search", "南非"], "ask": ["ask", "x"], "index": ["index", str(REPO / "seeds"), "--quiet"]}
    result = _rag(*args[command], env={"RAG_INDEX": str(folder)})
    _assert_refused(result, folder)
    assert _snapshot(folder) == before


def test_seed_folder_given_as_index_keeps_the_seeds(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for page in sorted((REPO / "seeds").glob("*.txt"))[:2]:
        (seeds / page.name).write_bytes(page.read_bytes())
    before = _snapshot(seeds)
    _assert_refused(_rag("ask", "x", "--index", str(seeds)), seeds)
    assert _snapshot(seeds) == before


def test_build_index_api_refuses_and_writes_nothing(tmp_path):
    folder = _user_folder(tmp_path)
    before = _snapshot(folder)
    with pytest.raises(NotAnIndexError, match="notes.txt"):
        build_index(folder, [REPO / "seeds"], progress=False)
    assert _snapshot(folder) == before


def test_a_file_given_as_index_is_refused(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(NotAnIndexError, match="is a file"):
        check_replaceable(path)
    assert path.read_text(encoding="utf-8") == "keep me"


def test_what_counts_as_an_index(tmp_path):
    assert foreign_entries(tmp_path / "missing") == []
    empty = tmp_path / "empty"
    empty.mkdir()
    assert foreign_entries(empty) == []
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "manifest.json").write_text('{"name": "my web app"}', encoding="utf-8")
    assert foreign_entries(lone) == ["manifest.json"]  # somebody else's manifest.json
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "manifest.json").write_text("{trunc", encoding="utf-8")
    (damaged / "store.sqlite").write_bytes(b"x")
    assert foreign_entries(damaged) == []  # a damaged index may be rebuilt in place
    (damaged / "notes.txt").write_text("mine", encoding="utf-8")
    assert foreign_entries(damaged) == ["notes.txt"]


def test_swap_leftover_removal_spares_foreign_files(tmp_path):
    aside = tmp_path / ".index.old-1-2"
    (aside / "bm25").mkdir(parents=True)
    (aside / "manifest.json").write_text("{}", encoding="utf-8")
    (aside / "bm25" / "params.index.json").write_text("{}", encoding="utf-8")
    remove_index_folder(aside)
    assert not aside.exists()
    (aside / "bm25").mkdir(parents=True)
    (aside / "late.txt").write_text("put here during the build", encoding="utf-8")
    remove_index_folder(aside)
    assert (aside / "late.txt").read_text(encoding="utf-8") == "put here during the build"
    assert not (aside / "bm25").exists()


def test_an_empty_folder_and_an_earlier_index_are_still_written(tmp_path, e5_embedder):
    from rag.index import Index

    folder = tmp_path / "idx"
    folder.mkdir()
    one = sorted((REPO / "seeds").glob("*.txt"))[0]
    build_index(folder, [one], embedder=e5_embedder, progress=False)
    build_index(folder, [one], embedder=e5_embedder, rebuild=True, progress=False)
    index = Index.open(folder)
    try:
        assert index.size > 0 and index.manifest.files == 1
    finally:
        index.close()
