"""PDF line-break repair and sentence-aware chunking."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.chunking import ChunkSettings, chunk_article, split_sentences
from rag.loading import SourceText
from rag.segment import split_articles
from rag.segment.text_rules import ends_sentence, word_spans_break


def _page(text: str) -> SourceText:
    return SourceText(Path("t.txt"), "t.txt", text, "utf-8", "x")


# The seeds' own broken spots: (page, the repaired text that must appear in some body).
SEED_REPAIRS = [
    ("000_8eb6f9117185c38f.txt", "《问心》《不完美受害人》等200余个"),
    ("000_8eb6f9117185c38f.txt", "大剧院及秀场、商业综合体、主题乐园"),
    ("000_8eb6f9117185c38f.txt", "一般贸易进出口884亿元"),
    ("000_8eb6f9117185c38f.txt", "入选“灯塔工厂”需要集成至少5个"),
    ("001_127d583f3f2c5906.txt", "会同青岛海关,高水平建设"),
    ("001_127d583f3f2c5906.txt", "通过胶东五市政务服务"),
    ("002_0a315fe500ec3c7f.txt", "企业申请的100万元信贷很快就到账了"),
    ("003_c9ec65179e6f0b8a.txt", "推动汉缆等15家优质企业"),
    ("003_c9ec65179e6f0b8a.txt", "换热站服务周边10个小区的6000多户居民"),
    ("004_9f869ed33b462fbe.txt", "市南区超前布局人工智能AIGC等细分赛道"),
    ("004_9f869ed33b462fbe.txt", "通过轻量化大模型、低成本算力等,推动区域"),
]


@pytest.mark.parametrize("page,repaired", SEED_REPAIRS)
def test_seed_line_breaks_are_repaired(seed_docs, page, repaired):
    assert any(repaired in a.body for a in seed_docs[page].articles)


def test_real_paragraph_ends_are_kept(seed_docs):
    art = seed_docs["004_9f869ed33b462fbe.txt"].articles[2]
    ends = [p.text for p in art.paragraphs if p.text.endswith("也是一个重要样本。")]
    assert len(ends) == 1  # …一个重要样本。 stays a paragraph end
    assert all(len(a.paragraphs) > 1 for a in seed_docs["003_c9ec65179e6f0b8a.txt"].articles if len(a.body) > 400)


def test_join_across_blank_line_and_caption():
    text = ("测试标题\n\n□记者 张三\n\n本报3月1日讯 他说这部电影叫《不完美\n\n■剧照。\n\n受害人》，已经上映。\n\n"
            "第二段独立成段。\n")
    [art] = split_articles(_page(text))
    assert art.paragraphs[0].text == "他说这部电影叫《不完美受害人》，已经上映。"
    assert art.paragraphs[1].text == "第二段独立成段。"
    assert art.captions == ("■剧照。",)


def test_predicates():
    assert ends_sentence("一个重要样本。") and ends_sentence("他说：“好。”") and ends_sentence("等等……")
    assert not ends_sentence("《不完美") and not ends_sentence("所有充电桩接入平台，")
    assert word_spans_break("要加强社科数智赋", "能,探索") and not word_spans_break("抢抓风口", "如果说信息")


def test_sentences_keep_closing_quotes():
    text = "他说：“好。”然后离开了！真的吗？是的"
    assert [text[s:e] for s, e in split_sentences(text)] == ["他说：“好。”", "然后离开了！", "真的吗？", "是的"]


def test_chunks_respect_sentences_sizes_and_offsets(seed_docs):
    settings = ChunkSettings(size=200, overlap=40, max_size=300)
    for doc in seed_docs.values():
        for art in doc.articles:
            chunks = chunk_article(art, settings)
            assert chunks
            for c in chunks:
                assert len(c.text) <= settings.max_size
                assert c.article_id == art.id and c.title == art.title
                assert "".join(doc.source.text[s:e] for s, e in c.spans) == c.text.replace("\n", "")
                # never cut a sentence: each chunk ends at a sentence end or the end of a paragraph
                whole = list(art.paragraphs) + list(art.caption_paras) + [art.byline_para] * bool(art.byline_para)
                assert c.text[-1] in "。！？!?…；;”’」』）)》" or \
                    any(p.text.endswith(c.text.split("\n")[-1]) for p in whole)


def test_overlap_repeats_whole_sentences(seed_docs):
    art = seed_docs["000_8eb6f9117185c38f.txt"].articles[6]
    chunks = chunk_article(art, ChunkSettings(size=200, overlap=80, max_size=300))
    overlapping = [b for a, b in zip(chunks, chunks[1:]) if b.start < a.end]
    assert overlapping
    for a, b in zip(chunks, chunks[1:]):
        if b.start < a.end:
            first_sentence = b.text[: split_sentences(b.text)[0][1]]
            assert first_sentence in a.text


def test_overlong_sentence_is_cut_at_clauses():
    body = "，".join(f"第{i}个分句内容比较长一些" for i in range(80)) + "。"
    [art] = split_articles(_page("长句标题\n\n□记者 李四\n\n本报5月1日讯 " + body + "\n"))
    chunks = chunk_article(art, ChunkSettings(size=100, overlap=0, max_size=150))
    assert all(len(c.text) <= 150 for c in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "") == ("□记者 李四本报5月1日讯 " + art.body).replace(" ", "")


def test_bad_settings_say_what_is_wrong():
    with pytest.raises(ValueError, match="overlap"):
        ChunkSettings(size=100, overlap=100)


def test_passages_show_byline_dateline_and_captions(seed_docs):
    art = seed_docs["000_8eb6f9117185c38f.txt"].articles[0]
    chunks = chunk_article(art)
    assert chunks[0].text.startswith("□青岛日报/观海新闻记者 米荆玉 实习生 王若昕\n本报3月12日讯 11日下午")
    assert chunks[-1].text == "■山东馆亮相香港国际影视展。"
    assert not any("山东馆亮相" in c.text for c in chunks[:-1])
    assert "本报3月12日讯" not in art.body and "米荆玉" not in art.body
