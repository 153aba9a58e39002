"""eval/abstention_study.py: its content words and its missing-rare-word table on hand-made records."""

from __future__ import annotations

from eval.abstention_study import content_words, extra_signals, idf, missing_word_table

STRONG = {"evidence": 1.0, "type_match": 1.0, "focus_match": 1.0, "qualifier_match": 1.0, "agreement": 1.0,
          "coverage": 1.0, "focus_in_passages": 1.0, "clause_coverage": 1.0}


def _record(question: str, passage: str, answerable: bool, label: int) -> dict:
    return {"set": "x.jsonl", "id": question, "type": "factoid", "question": question, "rewritten": "",
            "answerable": answerable, "hard_abstain": False, "signals": STRONG, "short": "", "label": label,
            "sentence": passage, "passage": passage, "hits": [passage], "answers": []}


def test_frame_words_are_not_content():
    words = content_words("2023年国家物流枢纽建设名单中有多少个是空港型国家物流枢纽？")
    assert "空港" in words and "物流" in words
    assert not {"多少", "中有", "2023"} & set(words)


def test_a_rare_missing_word_is_counted_against_a_near_miss_and_not_against_a_full_match():
    near_miss = _record("有多少个是空港型国家物流枢纽？", "沧州港口型等30个国家物流枢纽入选。", False, 0)
    right = _record("有多少个国家物流枢纽入选？", "沧州港口型等30个国家物流枢纽入选。", True, 1)
    assert idf("空港") > 10  # rare in jieba's general table, so the cut at 10 catches it
    table = missing_word_table([near_miss, right])
    row = next(line for line in table if line.startswith("| 10 |"))
    assert row == "| 10 | 1 / 1 | 0 / 1 |"


def test_coverage_signals_are_shares():
    r = _record("青岛外贸出口同比增长多少？", "青岛外贸进出口1258亿元。", True, 1)
    signals = extra_signals(r)
    assert 0.0 < signals["idf_cov_passage"] < 1.0  # 青岛, 外贸 and 出口 (inside 进出口) are there; 同比, 增长 are not
    assert signals["kind_number"] == 1.0 and signals["kind_person"] == 0.0
