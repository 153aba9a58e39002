"""Evaluation metrics against hand-computed examples, and the QA file loader."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from rag.evaluation import metrics as m
from rag.evaluation.qa_file import load_qa

REPO = Path(__file__).resolve().parents[1]


# --- relevance -------------------------------------------------------------------------------------------

def test_overlap_is_whitespace_and_width_insensitive():
    assert m.evidence_overlap("２０１５年 3月\n张艺谋", "从2015年3月张艺谋执导的《长城》") == 1.0


def test_overlap_is_the_longest_common_substring_share():
    evidence = "一二三四五六七八九十"  # 10 characters
    assert m.evidence_overlap(evidence, "前文一二三四五六后文") == pytest.approx(0.6)  # 6 of 10
    assert m.evidence_overlap(evidence, "一二三四五，七八九") == pytest.approx(0.5)  # longest run is 5
    assert m.covered_evidence("前文一二三四五六后文", [evidence, "别的证据"]) == frozenset({0})
    assert m.covered_evidence("一二三四五", [evidence]) == frozenset()
    assert m.covered_evidence("一二三四五", [evidence], min_overlap=0.5) == frozenset({0})
    assert m.evidence_overlap("", "任何文本") == 0.0


# --- retrieval -------------------------------------------------------------------------------------------

RELEVANT = [False, True, False, True]


def test_hit_at_k():
    assert m.hit_at_k(RELEVANT, 1) == 0.0
    assert m.hit_at_k(RELEVANT, 2) == 1.0
    assert m.hit_at_k(RELEVANT, 10) == 1.0
    assert m.hit_at_k([], 5) == 0.0


def test_reciprocal_rank():
    assert m.reciprocal_rank(RELEVANT) == 0.5  # first relevant at rank 2
    assert m.reciprocal_rank([False, False, True]) == pytest.approx(1 / 3)
    assert m.reciprocal_rank([False] * 10 + [True], k=10) == 0.0  # rank 11 is outside @10
    assert m.reciprocal_rank([]) == 0.0


def test_novel_gains_count_each_evidence_span_once():
    covers = [frozenset(), frozenset({0}), frozenset({0}), frozenset({0, 1})]
    assert m.novel_gains(covers) == [0.0, 1.0, 0.0, 1.0]


def test_ndcg():
    # two evidence spans (multi-hop), new spans found at ranks 2 and 4:
    # DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161; IDCG = 1 + 1/log2(3) = 1.63093
    assert m.ndcg_at_k([0, 1, 0, 1], n_ideal=2) == pytest.approx(0.650921, abs=1e-6)
    # one evidence span found at rank 3: 1/log2(4) = 0.5
    assert m.ndcg_at_k([0, 0, 1], n_ideal=1) == pytest.approx(0.5)
    assert m.ndcg_at_k([1], n_ideal=1) == 1.0
    assert m.ndcg_at_k([0, 0, 1], n_ideal=1, k=2) == 0.0
    assert m.ndcg_at_k([0, 0], n_ideal=0) == 0.0


# --- answers ---------------------------------------------------------------------------------------------

def test_accuracy_normalises_width_space_and_markers():
    assert m.answer_correct("东方影都共有２００余个项目[1]。", ["200余个"])
    assert m.answer_correct("记者梁超报道", ["梁 超"])
    assert m.answer_correct("总投资超过3000[1]亿元", ["3000亿元"])
    assert m.answer_correct("ＡＢＣ公司", ["abc"])
    assert not m.answer_correct("资料中没有找到相关信息。", ["200余个"])
    assert not m.answer_correct("任何回答", [])


def test_char_f1():
    # pred 5 characters, gold 7, all 5 shared: P = 1, R = 5/7, F1 = 2·(5/7)/(1 + 5/7) = 10/12
    assert m.char_f1("200余个", "200余个项目") == pytest.approx(10 / 12)
    assert m.char_f1("２００余个", "200余个项目") == pytest.approx(10 / 12)
    assert m.char_f1("“长城”[1]。", "《长城》") == 1.0  # markers, quotes and punctuation removed
    assert m.char_f1("完全无关", "长城") == 0.0


def test_answer_f1_prefers_the_short_answer():
    assert m.answer_f1("200余个", "很长的回答……", ["200余个项目", "200余个"]) == 1.0
    # no short answer: the answer text "东方影都有200余个" (10 chars) vs gold (5): P = 0.5, R = 1, F1 = 2/3
    assert m.answer_f1("", "东方影都有200余个[1]", ["200余个"]) == pytest.approx(2 / 3)
    assert m.answer_f1("", "", ["x"]) == 0.0


# --- citations -------------------------------------------------------------------------------------------

EVIDENCE = "青岛影视推介会在香港会议展览中心“山东馆”举行"


def test_citation_supported():
    passage = "11日下午，青岛影视推介会在香港会议展览中心“山东馆”举行。"
    assert m.citation_supported(passage, "a.txt", ["a.txt"], [EVIDENCE], ["山东馆"])
    # relevant text from another file, without the answer: not supported
    assert not m.citation_supported(passage.replace("山东馆", "某馆"), "b.txt", ["a.txt"], [EVIDENCE], ["山东馆"])
    # any file, but it contains a gold answer
    assert m.citation_supported("展会设在山东馆。", "b.txt", ["a.txt"], [EVIDENCE], ["山东馆"])
    # the source file, but neither relevant nor containing an answer
    assert not m.citation_supported("今天天气很好。", "a.txt", ["a.txt"], [EVIDENCE], ["山东馆"])


def test_citation_precision_and_recall():
    assert m.citation_precision([[True, False], [True], []]) == pytest.approx(2 / 3)
    assert m.citation_precision([[], []]) is None
    assert m.citation_recall([True, False, False, True]) == 0.5
    assert m.citation_recall([]) is None


# --- abstention and calibration -------------------------------------------------------------------------

def test_abstention_rates():
    assert m.abstention_rate([True, True, False, True]) == 0.75
    assert m.false_abstention_rate([False] * 9 + [True]) == pytest.approx(0.1)
    assert m.abstention_rate([]) is None


# answerable confidences 0.9 0.7 0.5 0.3, unanswerable 0.2 0.4 0.6
CONF = [0.9, 0.7, 0.5, 0.3, 0.2, 0.4, 0.6]
ANSWERABLE = [True, True, True, True, False, False, False]


def test_at_threshold():
    # abstain below 0.45: unanswerable 0.2, 0.4 (2/3) and answerable 0.3 → answers 3/4; BA = (2/3 + 3/4)/2
    point = m.at_threshold(CONF, ANSWERABLE, 0.45)
    assert point.abstain_unanswerable == pytest.approx(2 / 3)
    assert point.answer_answerable == 0.75
    assert point.balanced_accuracy == pytest.approx((2 / 3 + 0.75) / 2)


def test_threshold_curve_and_best_threshold():
    curve = {p.threshold: round(p.balanced_accuracy, 4) for p in m.threshold_curve(CONF, ANSWERABLE)}
    assert curve == {0.2: 0.5, 0.3: 0.6667, 0.4: 0.5417, 0.5: 0.7083, 0.6: 0.5833, 0.7: 0.75, 0.9: 0.625,
                     0.91: 0.5}
    best = m.best_threshold(CONF, ANSWERABLE)
    # every threshold in (0.6, 0.7] abstains on all unanswerable and answers 0.9, 0.7: BA 0.75; midpoint 0.65
    assert best.threshold == pytest.approx(0.65)
    assert best.balanced_accuracy == 0.75
    assert (best.abstain_unanswerable, best.answer_answerable) == (1.0, 0.5)


def test_best_threshold_ties_and_undefined_cases():
    assert m.best_threshold([0.8, 0.2], [True, False]).threshold == pytest.approx(0.5)
    assert m.best_threshold([0.8, 0.2], [True, True]) is None
    assert m.best_threshold([], []) is None


# --- latency ---------------------------------------------------------------------------------------------

def test_percentile_matches_linear_interpolation():
    assert m.percentile([4, 1, 3, 2], 50) == 2.5
    assert m.percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)
    assert m.percentile([7], 95) == 7
    assert m.percentile([], 50) is None
    assert m.mean([1, 2]) == 1.5 and m.mean([]) is None
    assert not math.isnan(m.percentile([0.0, 0.0], 95))


# --- QA file ---------------------------------------------------------------------------------------------

GOOD = '{"id": "a", "question": "问？", "answers": ["答"], "answerable": true, "type": "factoid", "source": "x.txt", "evidence": "答在这里"}'
UNANSWERABLE = '{"id": "u", "question": "没有？", "answers": [], "answerable": false, "type": "unanswerable", "source": null, "evidence": null}'


def test_loader_reports_malformed_lines_and_keeps_the_rest(tmp_path):
    lines = [
        GOOD,                                                                       # 1 ok
        '{"id": "b", "question": ',                                                 # 2 bad JSON
        '{"id": "c", "answers": [], "answerable": false, "type": "unanswerable"}',  # 3 no question
        "",                                                                         # 4 blank: ignored
        '{"id": "d", "question": "q", "answers": "答", "answerable": true, "type": "factoid"}',  # 5 wrong type
        UNANSWERABLE,                                                               # 6 ok
        '{"id": "e", "question": "q", "answers": ["x"], "answerable": true, "type": "factoid", "source": "x.txt"}',
        GOOD.replace('"问？"', '"again"'),                                          # 8 duplicate id
        "[1, 2]",                                                                   # 9 not an object
        '{"id": "f", "question": "q", "answers": [], "answerable": "yes", "type": "factoid"}',  # 10 wrong type
    ]
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows, problems = load_qa(path)
    assert [r.id for r in rows] == ["a", "u"]
    assert [r.line for r in rows] == [1, 6]
    assert [p.line for p in problems] == [2, 3, 5, 7, 8, 9, 10]
    reasons = {p.line: p.reason for p in problems}
    assert "not valid JSON" in reasons[2]
    assert "missing field 'question'" in reasons[3]
    assert "'answers' should be list" in reasons[5]
    assert "evidence" in reasons[7]
    assert "duplicate id 'a'" in reasons[8]
    assert "JSON object" in reasons[9]
    assert "'answerable' should be bool" in reasons[10]
    assert str(problems[0]).startswith("line 2: ")


def test_loader_on_the_real_qa_set():
    rows, problems = load_qa(REPO / "eval" / "qa" / "seeds.jsonl")
    assert not problems
    assert len(rows) == 322
    multi = next(r for r in rows if r.type == "multi-hop")
    assert len(multi.evidences) == 2 and multi.sources
    unans = next(r for r in rows if not r.answerable)
    assert unans.evidences == () and unans.sources == ()


def test_loader_missing_file_is_a_clear_error(tmp_path):
    from rag.errors import RagError

    with pytest.raises(RagError, match="does not exist"):
        load_qa(tmp_path / "nope.jsonl")


def test_same_source_matches_a_page_in_another_format():
    from rag.evaluation.metrics import same_source

    assert same_source("000_x.txt", ["000_x.txt"])
    assert same_source("000_x.pdf#p1", ["000_x.txt"])  # the PDF of the page the .txt was taken from
    assert same_source("dump.jsonl#abc", ["dump.jsonl#abc"])
    assert not same_source("001_y.pdf#p1", ["000_x.txt"])
