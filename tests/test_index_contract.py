"""One contract, two backends: the same cases on the local folder and on a real Milvus Lite collection (no
mocks): build, lookups by file/article, search in each mode, incremental add/change/delete, reopen, filters
(source, published), a manifest built otherwise refused, a damaged or unreachable store reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rag.errors import IndexDamagedError, IndexMismatchError, RagError, WorkFailedError
from rag.index import Index, IndexSettings, build_index
from rag.index.backends.registry import parse_index_location
from rag.retrieval.settings import RetrievalSettings

pytest.importorskip("pymilvus", reason="the milvus extra (pymilvus, milvus-lite) is a dev dependency")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
P0, P1, P3 = "000_8eb6f9117185c38f.txt", "001_127d583f3f2c5906.txt", "003_c9ec65179e6f0b8a.txt"
BACKENDS = ["local", "milvus"]
# (question, a string only the answering passage holds, the file it is in)
QUESTIONS = [
    ("前2个月青岛市外贸进出口总值是多少？", "1258亿元", P0),
    ("宝山镇蓝莓种植面积有多大", "2万余亩", P1),
]
# dated records beside the undated pages: what the published-range filter works on
RECORDS = [
    {"id": "r1", "title": "胶州湾大桥车流量创新高", "published": "2023-01-05",
     "text": "胶州湾大桥春节假期车流量达到18.6万辆次，比去年同期增长两成，交通部门加派人手疏导。"},
    {"id": "r2", "title": "胶州湾隧道检修通告", "published": "2024-03-13",
     "text": "胶州湾隧道将于3月20日夜间进行检修，检修期间车流量较大的路段请绕行。"},
    {"id": "r3", "title": "胶州湾海鲜节开幕", "published": "2025-07-01",
     "text": "第十届胶州湾海鲜节在红岛开幕，首日接待游客3.2万人次，车流量比平日多三成。"},
]


class Backend:
    """Builds and opens an index on one backend the way the CLI does (Milvus: staging folder, then copy)."""

    def __init__(self, kind: str, root: Path, embedder):
        self.kind, self.root, self.embedder = kind, root, embedder
        self.folder = root / "local-index"
        self.location = parse_index_location(f"milvus:{root / 'news.db'}") if kind == "milvus" else None

    def seed(self, base: Path) -> None:
        """Start from an index folder built once per module, so a test embeds only what it changes."""
        if self.kind == "local":
            shutil.copytree(base, self.folder)
        else:
            from rag.index.backends.milvus_build import staging_dir

            shutil.copytree(base, staging_dir(self.location))

    def build(self, paths: list[Path], rebuild: bool = False):
        if self.kind == "local":
            return build_index(self.folder, paths, IndexSettings(), embedder=self.embedder, rebuild=rebuild,
                               progress=False)
        from rag.index.backends.milvus_build import index_into_milvus

        report, _ = index_into_milvus(self.location, paths, IndexSettings(), rebuild=rebuild, progress=False,
                                      embedder=self.embedder)
        return report

    def open(self, embedder: str | None = None):
        if self.kind == "local":
            return Index.open(self.folder, embedder=embedder, embedder_instance=self.embedder)
        from rag.index.backends.milvus import MilvusIndex

        return MilvusIndex.open(self.location, embedder=embedder, embedder_instance=self.embedder)

    def where(self) -> str:
        return str(self.folder) if self.kind == "local" else f"milvus:{self.location.uri}"


def _write_corpus(folder: Path) -> Path:
    folder.mkdir()
    for name in (P0, P1, P3):
        shutil.copy(SEEDS / name, folder / name)
    (folder / "dated.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n",
                                        encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def base_index(tmp_path_factory, e5_embedder) -> Path:
    """A local index of the three pages and the dated records, embedded once for the module."""
    root = tmp_path_factory.mktemp("contract-base")
    build_index(root / "index", [_write_corpus(root / "corpus")], IndexSettings(), embedder=e5_embedder,
                progress=False)
    return root / "index"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = _write_corpus(tmp_path / "corpus")
    (folder / P3).unlink()  # the incremental test adds it back
    return folder


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, monkeypatch, e5_embedder, base_index, corpus) -> Backend:
    """A backend holding the corpus: seeded from the module's index, so only the collection is written."""
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))  # the Milvus staging folder lives there
    made = Backend(request.param, tmp_path, e5_embedder)
    made.seed(base_index)
    made.build([corpus], rebuild=True)
    return made


def _sources(hits) -> set[str]:
    return {h.source.split("#")[0] for h in hits}


def test_build_lookups_and_search(backend, corpus):
    index = backend.open(embedder="e5")
    try:
        names = [f.name for f in index.files()]
        assert names == sorted([P0, P1, "dated.jsonl"])
        stats = index.stats()
        assert stats.files == 3 and stats.chunks == sum(f.chunks for f in index.files()) == index.size
        chunks = index.chunks_of_file(P1)
        assert chunks and all(c.source == P1 for c in chunks)
        assert len(chunks) == next(f.chunks for f in index.files() if f.name == P1)
        for question, answer, name in QUESTIONS:
            for mode in ("bm25", "dense", "hybrid"):
                hits = index.search(question, k=5, mode=mode)
                assert any(answer in h.text and h.source == name for h in hits), (mode, question)
        top = index.search(QUESTIONS[1][0], k=1)[0]
        article = index.article(top.article_id)
        assert article is not None and article["title"] == top.title
        assert index.article("no-such-article") is None
        from rag.adapters.langchain_retriever import NewsRetriever

        documents = NewsRetriever(index=index, k=3).invoke(QUESTIONS[1][0])
        assert any(QUESTIONS[1][1] in d.page_content and d.metadata["source"] == P1 for d in documents)
    finally:
        index.close()


def test_same_hits_on_both_backends(tmp_path, monkeypatch, e5_embedder, base_index):
    """Dense and exact re-scoring are the same numbers on both backends; BM25 differs only in its analyzer."""
    from rag.index.backends.milvus import MilvusIndex
    from rag.index.backends.milvus_sync import copy_local_index

    location = parse_index_location(f"milvus:{tmp_path / 'news.db'}")
    a = Index.open(base_index, embedder_instance=e5_embedder)
    report = copy_local_index(a, location)
    assert report.copied_chunks == a.size and report.added == tuple(f.name for f in a.files())
    again = copy_local_index(a, location)  # nothing changed: nothing copied
    assert again.copied_chunks == 0 and len(again.unchanged) == len(report.added)
    b = MilvusIndex.open(location, embedder="e5", embedder_instance=e5_embedder)
    try:
        for question, _, _ in QUESTIONS:
            dense_a = [(h.chunk_id, round(h.score, 4)) for h in a.search(question, k=5, mode="dense")]
            dense_b = [(h.chunk_id, round(h.score, 4)) for h in b.search(question, k=5, mode="dense")]
            assert dense_a == dense_b
            assert a.search(question, k=1)[0].chunk_id == b.search(question, k=1)[0].chunk_id
    finally:
        a.close()
        b.close()


def test_incremental_add_change_delete_and_reopen(backend, corpus):
    (corpus / P0).unlink()  # delete
    shutil.copy(SEEDS / P3, corpus / P3)  # add
    text = (corpus / P1).read_text(encoding="utf-8")
    (corpus / P1).write_text(text.replace("2万余亩", "3万余亩"), encoding="utf-8")  # change
    report = backend.build([corpus])
    assert report.removed == (P0,) and report.added == (P3,) and report.changed == (P1,)
    assert report.unchanged == ("dated.jsonl",)
    assert report.embedded < report.chunks  # unchanged files keep their vectors
    index = backend.open()
    try:
        assert sorted(f.name for f in index.files()) == sorted([P1, P3, "dated.jsonl"])
        assert index.chunks_of_file(P0) == []
        for mode in ("bm25", "hybrid"):
            hits = index.search("宝山镇蓝莓种植面积有多大", k=3, mode=mode)
            assert "3万余亩" in hits[0].text and not any("2万余亩" in h.text for h in hits), mode
        assert index.search("全市新型工业化推进大会", k=1, mode="bm25")[0].source == P3  # the added page
        assert P0 not in _sources(index.search("前2个月青岛市外贸进出口总值是多少？", k=10))
        before = [(h.chunk_id, h.score) for h in index.search("海尔灯塔工厂", k=5)]
        size = index.size
    finally:
        index.close()
    again = backend.open()  # reopen: the same index, the same answers
    try:
        assert again.size == size
        assert [(h.chunk_id, h.score) for h in again.search("海尔灯塔工厂", k=5)] == before
    finally:
        again.close()


def test_put_file_and_delete_file_directly(backend, base_index, e5_embedder):
    """The contract's writes called directly on either backend: delete a file, commit, put it back changed,
    commit; lookups, every search mode and a reopen see exactly the committed files."""
    from dataclasses import replace

    from rag.index.backends.base import FileChunks
    from rag.index.builder import text_hash

    source = Index.open(base_index, embedder_instance=e5_embedder)
    try:
        record = next(f for f in source.files() if f.name == P1)
        item = source.file_chunks(record)
    finally:
        source.close()
    chunks = [replace(c, text=c.text.replace("2万余亩", "3万余亩")) for c in item.chunks]
    assert chunks != item.chunks
    new_p1 = FileChunks(replace(record, sha256="0" * 64), item.articles, chunks, item.vectors,
                        [text_hash(c) for c in chunks], item.published_days)
    question = "宝山镇蓝莓种植面积有多大"
    index = backend.open()
    try:
        names, size = [f.name for f in index.files()], index.size
        index.delete_file(P1)
        index.commit()
        assert [f.name for f in index.files()] == [n for n in names if n != P1]
        assert index.chunks_of_file(P1) == [] and index.stats().chunks == size - len(chunks)
        assert P1 not in _sources(index.search(question, k=10))
        index.put_file(new_p1)
        index.commit()
        assert [f.name for f in index.files()] == names and index.stats().chunks == size
        assert sorted(c.text for c in index.chunks_of_file(P1)) == sorted(c.text for c in chunks)
        for mode in ("bm25", "dense", "hybrid"):
            hits = index.search(question, k=5, mode=mode)
            assert any("3万余亩" in h.text and h.source == P1 for h in hits), mode
            assert not any("2万余亩" in h.text for h in hits), mode
    finally:
        index.close()
    again = backend.open()  # reopen: the manifest's counts are those of the files held
    try:
        assert again.size == size and [f.name for f in again.files()] == names
        assert next(f for f in again.files() if f.name == P1).sha256 == "0" * 64
    finally:
        again.close()


def test_filters_source_and_published(backend, corpus):
    index = backend.open()
    try:
        question = "胶州湾车流量"
        only = index.search(question, settings=RetrievalSettings(source="dated.jsonl", k=10))
        assert only and _sources(only) == {"dated.jsonl"}
        other = index.search(question, settings=RetrievalSettings(source=P1, k=10))
        assert _sources(other) <= {P1}
        ranged = index.search(question, settings=RetrievalSettings(since="2024-01-01", until="2024-12-31", k=10))
        assert ranged and {h.published for h in ranged} == {"2024-03-13"}
        since = index.search(question, settings=RetrievalSettings(since="2024-01-01", k=10))
        assert {h.published for h in since} == {"2024-03-13", "2025-07-01"}
        assert index.search(question, settings=RetrievalSettings(since="2030-01-01")) == []
        unfiltered = index.search(question, k=10)
        assert P0 in _sources(unfiltered) or P1 in _sources(unfiltered) or len(unfiltered) <= 3
        with pytest.raises(RagError, match="not both"):  # settings or k=/mode=, on either backend
            index.search(question, k=10, settings=RetrievalSettings(source=P1))
    finally:
        index.close()


def test_manifest_mismatch_refused_with_rebuild_command(backend):
    with pytest.raises(IndexMismatchError) as caught:
        backend.open(embedder="st:some-other-model")
    message = str(caught.value)
    assert "embedder is 'e5'" in message and f"rag index --rebuild --index {backend.where()}" in message
    assert "\n" not in message


def test_damaged_store_reported(backend):
    if backend.kind == "local":
        (backend.folder / "store.sqlite").write_bytes(b"not a database")
        with pytest.raises(IndexDamagedError, match="store.sqlite"):
            backend.open()
        return
    index = backend.open()
    index.client.delete(index.collection, filter=f'file == "{P1}"')  # chunks gone behind the manifest's back
    index.close()
    with pytest.raises(IndexDamagedError, match="manifest says") as caught:
        backend.open()
    assert "rag index --rebuild" in str(caught.value)


def test_missing_or_unreachable_milvus_is_one_line(tmp_path):
    from rag.index.backends.milvus import MilvusIndex

    with pytest.raises(WorkFailedError, match="no Milvus Lite file") as missing:
        MilvusIndex.open(parse_index_location(f"milvus:{tmp_path / 'none.db'}"))
    assert "--from" in str(missing.value)
    with pytest.raises(WorkFailedError, match="cannot reach Milvus at http://127.0.0.1:9") as dead:
        MilvusIndex.open(parse_index_location("milvus:http://127.0.0.1:9"))
    assert "\n" not in str(dead.value)


def test_index_locations():
    assert parse_index_location(".rag-index").kind == "local"
    lite = parse_index_location("milvus:./news.db")
    assert lite.kind == "milvus" and lite.is_lite and lite.collection == "rag_news"
    server = parse_index_location(Path("milvus:http://host:19530"), collection="papers", token="u:p")
    assert server.uri == "http://host:19530" and not server.is_lite and server.collection == "papers"
    with pytest.raises(RagError, match="collection name"):
        parse_index_location("milvus:./news.db", collection="bad name")
    with pytest.raises(RagError, match="give the Milvus address"):
        parse_index_location("milvus:")


@pytest.mark.slow
def test_cli_copies_a_local_index_and_searches_it(tmp_path, base_index):
    """`rag index --index milvus:… --from FOLDER`, then `rag search` and `rag ask` on it, as a user runs them."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "RAG_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    where = f"milvus:{tmp_path / 'cli.db'}"

    def rag(*args):
        return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=env,
                              cwd=str(REPO), timeout=300)

    copied = rag("index", "--index", where, "--collection", "papers", "--from", str(base_index))
    assert copied.returncode == 0, copied.stderr
    assert "chunks copied with their vectors" in copied.stdout
    found = rag("search", QUESTIONS[1][0], "--index", where, "--collection", "papers", "--json", "-k", "3")
    assert found.returncode == 0, found.stderr
    assert any(QUESTIONS[1][1] in h["text"] for h in json.loads(found.stdout))
    asked = rag("ask", QUESTIONS[1][0], "--index", where, "--collection", "papers")
    assert asked.returncode == 0 and "2万余亩" in asked.stdout, asked.stderr
    missing = rag("search", "蓝莓", "--index", where)  # the default collection was never written
    assert missing.returncode == 2 and "no collection rag_news" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_page_uploads_add_to_a_milvus_index_without_dropping_its_files(tmp_path, monkeypatch, e5_embedder,
                                                                       base_index):
    """The page builds uploads through the staging folder and writes only them: the collection keeps the rest."""
    from rag.index.backends.milvus import MilvusIndex
    from rag.index.backends.milvus_sync import copy_local_index
    from ui.state import AppState

    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    location = parse_index_location(f"milvus:{tmp_path / 'news.db'}")
    local = Index.open(base_index, embedder_instance=e5_embedder)
    copy_local_index(local, location)
    before = sorted(f.name for f in local.files())
    local.close()
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    page = "002_0a315fe500ec3c7f.txt"
    shutil.copy(SEEDS / page, uploads / page)
    state = AppState(MilvusIndex.open(location, embedder_instance=e5_embedder), uploads)
    try:
        report = state.build([uploads], progress=False)
        assert report.added == (page,)
        state.swap(state.reopen())
        held = state.index.files()
        assert sorted(f.name for f in held) == sorted(before + [page])
        assert state.index.size == sum(f.chunks for f in held) == state.index.count_chunks()
        # BM25 too: Milvus Lite scores BM25 per segment, so the update rewrites the collection as one
        for mode in ("bm25", "hybrid"):
            assert state.index.search("青岛打造世界工业互联网之都", k=3, mode=mode)[0].source == page, mode
    finally:
        state.index.close()
        state.shutdown()


def test_rag_ui_serves_the_collection_given_by_collection(tmp_path, monkeypatch, capsys, e5_embedder, base_index):
    """`rag ui --index milvus:… --collection NAME` opens that collection, as the other commands do (the page is
    started without blocking and asked for once; no browser)."""
    import socket
    import urllib.request

    import ui.app
    from rag.cli import build_parser
    from rag.index.backends.milvus_sync import copy_local_index

    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    where = f"milvus:{tmp_path / 'news.db'}"
    local = Index.open(base_index, embedder_instance=e5_embedder)
    copy_local_index(local, parse_index_location(where, collection="pages"))
    chunks = local.size
    local.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = []
    real_launch = ui.app.launch
    # the real launch, only returning instead of serving until Ctrl+C
    monkeypatch.setattr(ui.app, "launch", lambda *a, **kw: started.append(real_launch(*a, **kw, block=False)))
    args = build_parser().parse_args(["ui", "--index", where, "--collection", "pages", "--port", str(port)])
    assert args.collection == "pages"
    assert args.func(args) == 0
    demo = started[0]
    try:
        assert urllib.request.urlopen(demo.local_url, timeout=30).status == 200
        err = capsys.readouterr().err
        assert f"{chunks} chunks from {where} (collection pages)" in err, err
    finally:
        demo.close()
    args = build_parser().parse_args(["ui", "--index", where, "--collection", "papers", "--port", str(port)])
    with pytest.raises(RagError, match="no collection papers"):  # not the default one, not the one that exists
        args.func(args)
