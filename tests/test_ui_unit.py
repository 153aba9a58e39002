"""The page's pieces without a browser: escaping and highlighting, upload checks, handlers, background indexing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.answer.models import Answer, AnswerSentence, Citation
from rag.models import Hit
from ui import render
from ui.corpus import MAX_UPLOAD_BYTES, check_upload
from ui.state import AppState, default_uploads_dir

OCEAN = """### 青岛新建海洋科学馆 年内开放

□记者 王海 报道
本报青岛讯 5月8日,青岛海洋科学馆主体工程日前完工。该馆位于西海岸新区,总建筑面积4.7万平方米,总投资8.3617亿元,共设置深海探索、海洋生物、极地科考等9个展区,预计今年10月对公众开放。

据介绍,海洋科学馆建成后每年可接待游客约150万人次,将成为青岛海洋科普的新地标。
"""


def _citation(passage: str, sentence: str, number: int = 1) -> Citation:
    start = passage.index(sentence)
    return Citation(number=number, chunk_id="c", article_id="a", title="标题<b>", dateline="本报讯", source="x.txt",
                    passage=passage, sentence=sentence, sentence_start=start, sentence_end=start + len(sentence),
                    start=10, end=10 + len(passage))


def _answer(citations, sentences, abstained=False, related=()) -> Answer:
    return Answer(question="问题？", text="42亿元[1]。", citations=tuple(citations), sentences=tuple(sentences),
                  abstained=abstained, short_answer="42亿元", answerer="extractive", hits=(), related=related,
                  timings={"retrieve": 0.1, "answer": 0.2, "total": 0.3})


def test_highlight_escapes_each_piece_and_marks_the_sentence():
    passage = "前文<script>alert(1)</script>。投资42亿元&更多${x}。后文"
    start = passage.index("投资")
    html = render.highlight(passage, start, passage.index("后文"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>投资42亿元&amp;更多&#36;{x}。</mark>后文" in html
    assert render.highlight("abc", 2, 1) == "abc"  # an empty span marks nothing


def test_sources_panel_shows_title_dateline_file_and_highlight():
    passage = "第一句。据统计，投资42亿元。第三句。"
    answer = _answer([_citation(passage, "据统计，投资42亿元。")],
                     [AnswerSentence("42亿元[1]。", (1,), True)])
    html = render.sources_html(answer)
    assert "标题&lt;b&gt;" in html and "本报讯" in html and "x.txt:10–" in html
    assert "<mark>据统计，投资42亿元。</mark>" in html
    assert "未核实" not in html
    md = render.answer_markdown(answer)
    assert md.startswith("**42亿元**[1]。") and "来源：[1] 标题&lt;b&gt;" in md


def test_unverified_sentences_are_flagged_in_chat_and_sources():
    passage = "据统计，投资42亿元。"
    answer = _answer([_citation(passage, passage)],
                     [AnswerSentence("投资43亿元[1]。", (1,), False, ("43亿元 不在 [1] 中",))])
    assert "⚠ 未核实：投资43亿元[1]。（43亿元 不在 [1] 中）" in render.answer_markdown(answer)
    html = render.sources_html(answer)
    assert "src-card unverified" in html and "⚠ 未核实" in html


def test_abstained_answer_offers_related_passages():
    hit = Hit(rank=1, chunk_id="c", article_id="a", title="相关文章", dateline="11月24日", source="y.txt",
              text="一段<i>相关</i>文字", score=0.5, start=0, end=9, ranks={"bm25": 1}, scores={"bm25": 3.2})
    answer = _answer([], [], abstained=True, related=(hit,))
    answer = Answer(**{**answer.__dict__, "text": "资料中没有找到相关信息。"})
    md = render.answer_markdown(answer)
    assert "资料中没有找到相关信息" in md and "相关文章" in md
    html = render.sources_html(answer)
    assert "可能相关" in html and "一段&lt;i&gt;相关&lt;/i&gt;文字" in html
    hits = render.hits_html("问题", [hit], "hybrid")
    assert "BM25 第1名（3.200）" in hits and "向量 —" in hits and "0.5000" in hits


def test_markdown_escape_keeps_citation_markers_literal():
    assert render.md_escape("5*3 #1 [1] <b>") == r"5\*3 \#1 [1] &lt;b&gt;"


def test_upload_checks_name_the_file(tmp_path):
    uploads = tmp_path / "idx.uploads"
    uploads.mkdir()
    good = tmp_path / "新闻.txt"
    good.write_text(OCEAN, encoding="utf-8")
    assert check_upload(good, "新闻.txt", {}, uploads) is None
    assert "“旧文档.doc”的格式不能读取" in check_upload(good, "旧文档.doc", {}, uploads)
    assert check_upload(good, "图片.png", {}, uploads) is None  # page images are read through OCR
    big = tmp_path / "big.md"
    with big.open("wb") as fh:
        fh.truncate(MAX_UPLOAD_BYTES + 1)
    assert "“big.md”太大" in check_upload(big, "big.md", {}, uploads)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "“empty.txt”是空文件" in check_upload(empty, "empty.txt", {}, uploads)
    assert "以“.”开头" in check_upload(good, ".hidden.txt", {}, uploads)


def test_upload_may_not_replace_a_seed_file_but_may_replace_an_upload(tmp_path, seed_index):
    uploads = tmp_path / "idx.uploads"
    uploads.mkdir()
    files = {f.name: f for f in seed_index.files()}
    seed_name = next(iter(files))
    path = tmp_path / seed_name
    path.write_text(OCEAN, encoding="utf-8")
    assert "同名" in check_upload(path, seed_name, files, uploads)
    mine = {seed_name: files[seed_name].__class__(**{**files[seed_name].__dict__, "root": str(uploads.resolve())})}
    assert check_upload(path, seed_name, mine, uploads) is None


def test_auth_setting_is_user_colon_password():
    from rag.errors import RagError
    from ui.app import parse_auth

    assert parse_auth(None) is None
    assert parse_auth("editor:s3:cret") == ("editor", "s3:cret")
    for bad in ("nocolon", ":pw", "user:"):
        with pytest.raises(RagError):
            parse_auth(bad)


def test_rag_ui_command_is_registered():
    from rag.cli import build_parser

    args = build_parser().parse_args(["ui", "--port", "8123", "--index", "/tmp/x", "--auth", "a:b"])
    assert (args.command, args.host, args.port, args.auth, args.index) == ("ui", "127.0.0.1", 8123, "a:b",
                                                                           Path("/tmp/x"))


def test_uploads_folder_is_beside_the_index(tmp_path):
    assert default_uploads_dir(tmp_path / "index") == tmp_path / "index.uploads"


def test_chat_handler_streams_waiting_then_cited_answer(seed_index):
    from rag.answer.llm_settings import LLMSettings
    from ui import chat

    state = AppState(seed_index)
    updates = list(chat.respond(state, LLMSettings(), "前2个月青岛市外贸进出口多少？", [], "hybrid", 5,
                                "extractive", "", ""))
    assert updates[0][1][-1]["content"] == chat.WAITING
    box, history, sources, hits = updates[-1]
    assert box == "" and [m["role"] for m in history] == ["user", "assistant"]
    assert "1258亿元" in history[-1]["content"] and "[1]" in history[-1]["content"]
    assert "<mark>" in sources and "1258亿元" in sources
    assert "BM25 第" in hits


def test_chat_handler_reports_missing_llm_endpoint(seed_index):
    from rag.answer.llm_settings import LLMSettings
    from ui import chat

    updates = list(chat.respond(AppState(seed_index), LLMSettings(), "前2个月青岛市外贸进出口多少？", [], "hybrid",
                                5, "llm", "", ""))
    assert updates[-1][1][-1]["content"].startswith("⚠") and "llm" in updates[-1][1][-1]["content"]


@pytest.mark.slow
def test_background_upload_is_searchable_and_bad_file_is_set_aside(tmp_path, seed_index):
    from rag.index import Index
    from ui import corpus

    shutil.copytree(seed_index.folder, tmp_path / "index")
    state = AppState(Index.open(tmp_path / "index"))
    src = tmp_path / "src"
    src.mkdir()
    (src / "ocean.txt").write_text(OCEAN, encoding="utf-8")
    (src / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (src / "note.xls").write_bytes(b"\xd0\xcf\x11\xe0 a spreadsheet")
    job, messages = corpus.stage_uploads(state, [(src / "ocean.txt", "ocean.txt"), (src / "bad.txt", "bad.txt"),
                                                 (src / "note.xls", "note.xls")])
    assert job.names == ["ocean.txt", "bad.txt"] and messages[0].startswith("“note.xls”的格式不能读取，未上传")
    before = state.index
    corpus.submit(state, job)
    assert job.finished.wait(120)
    assert job.error is None and set(job.problems) == {"bad.txt"}
    assert state.index is not before
    names = {f.name for f in state.index.files()}
    assert "ocean.txt" in names and "bad.txt" not in names and len(names) == 6
    hits = state.index.search("青岛海洋科学馆总投资多少？", k=3)
    assert hits[0].source == "ocean.txt"
    assert (state.uploads_dir / "ocean.txt").exists() and not (state.uploads_dir / "bad.txt").exists()
    assert list((state.uploads_dir / corpus.REJECTED).glob("*-bad.txt"))
    assert not job.staging.exists()
    assert before.search("前2个月青岛市外贸进出口多少？", k=1)  # the old index still serves in-flight requests

    (src / "ocean.txt").write_bytes(b"\x00garbage\x00" * 40)  # a broken new version of an upload
    job, _ = corpus.stage_uploads(state, [(src / "ocean.txt", "ocean.txt")])
    corpus.submit(state, job)
    assert job.finished.wait(120) and set(job.problems) == {"ocean.txt"}
    assert (state.uploads_dir / "ocean.txt").read_text(encoding="utf-8") == OCEAN  # the good version is back
    assert state.index.search("青岛海洋科学馆总投资多少？", k=1)[0].source == "ocean.txt"
    state.shutdown()


def test_the_page_filters_by_publication_date(tmp_path, e5_embedder):
    import json

    from rag.answer.llm_settings import LLMSettings
    from rag.index import Index, build_index
    from ui import chat

    dump = tmp_path / "port.jsonl"
    rows = [("a1", "青岛港吞吐量创新高", "2023-03-01", "青岛港前两个月完成货物吞吐量1.2亿吨，同比增长5%。"),
            ("a2", "青岛港开通新航线", "2024-05-02", "青岛港开通至南美的新集装箱航线，每周一班，港口吞吐量继续增长。")]
    dump.write_text("".join(json.dumps({"id": i, "title": t, "published": d, "text": x}, ensure_ascii=False) + "\n"
                            for i, t, d, x in rows), encoding="utf-8")
    build_index(tmp_path / "idx", [dump], embedder=e5_embedder, progress=False)
    state = AppState(Index.open(tmp_path / "idx"))
    every = chat.search_only(state, "青岛港吞吐量", "hybrid", 5)
    assert "青岛港吞吐量创新高" in every and "青岛港开通新航线" in every and "2023-03-01" in every
    recent = chat.search_only(state, "青岛港吞吐量", "hybrid", 5, "2024-01-01", "")
    assert "青岛港开通新航线" in recent and "青岛港吞吐量创新高" not in recent
    assert "must be a date" in chat.search_only(state, "青岛港吞吐量", "hybrid", 5, "2024-1", "")
    last = list(chat.respond(state, LLMSettings(), "青岛港吞吐量多少？", [], "hybrid", 5, "extractive", "", "",
                             "", "2023-12-31"))[-1]
    assert "1.2亿吨" in last[1][-1]["content"] and "2023-03-01" in last[2]
