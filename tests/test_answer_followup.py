"""Follow-ups rewritten from earlier turns: rules, the history file, `rag ask --history`, the chat's turns."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rag.answer.condense import load_history, standalone_question
from rag.answer.followup import Turn, is_follow_up, rewrite_follow_up
from rag.answer.pipeline import ask
from rag.errors import RagError

TOTAL = "前两个月青岛外贸进出口多少？"


@pytest.mark.parametrize("follow_up,expected", [
    ("其中出口多少？", "前两个月青岛外贸出口多少？"),
    ("出口呢？", "前两个月青岛外贸出口多少？"),
    ("那去年呢？", "去年前两个月青岛外贸进出口多少？"),
])
def test_rules_rewrite_follow_ups(follow_up, expected):
    assert rewrite_follow_up(follow_up, [Turn(TOTAL, "1258亿元[1]。")]) == expected


@pytest.mark.parametrize("previous,follow_up,expected", [
    ("女子10米气步枪决赛的金牌被哪位选手获得？", "那银牌呢？", "女子10米气步枪决赛的银牌被哪位选手获得？"),
    ("中国气象局哪天启动二级应急响应？", "三级呢？", "中国气象局哪天启动三级应急响应？"),
])
def test_another_category_swaps_in(previous, follow_up, expected):
    assert rewrite_follow_up(follow_up, [Turn(previous, "")]) == expected


def test_pronoun_takes_the_last_answer():
    turns = [Turn("报道青岛影视推介会的记者是谁？", "米荆玉[1]。\n“□青岛日报/观海新闻记者 米荆玉”[1]")]
    assert rewrite_follow_up("他还报道了什么？", turns) == "米荆玉还报道了什么？"


def test_standalone_questions_are_left_alone():
    assert not is_follow_up("青岛影视推介会在香港的哪个场馆举办？")
    assert standalone_question("青岛影视推介会在香港的哪个场馆举办？", [Turn(TOTAL)]) == "青岛影视推介会在香港的哪个场馆举办？"
    assert standalone_question("其中出口多少？", []) == "其中出口多少？"


def test_history_file_formats(tmp_path):
    as_json = tmp_path / "h.json"
    as_json.write_text(json.dumps([{"question": TOTAL, "answer": "1258亿元[1]。"}], ensure_ascii=False), "utf-8")
    as_lines = tmp_path / "h.txt"
    as_lines.write_text(TOTAL + "\n\n", "utf-8")
    assert load_history(as_json) == [Turn(TOTAL, "1258亿元[1]。")]
    assert load_history(as_lines) == [Turn(TOTAL)]
    as_jsonl = tmp_path / "h.jsonl"  # one object a line, as a user keeps a chat log; not read as a question text
    as_jsonl.write_text(json.dumps({"question": TOTAL, "answer": "1258亿元[1]。"}, ensure_ascii=False) + "\n"
                        + json.dumps({"question": "其中出口多少？"}, ensure_ascii=False) + "\n", "utf-8")
    assert load_history(as_jsonl) == [Turn(TOTAL, "1258亿元[1]。"), Turn("其中出口多少？")]
    torn = tmp_path / "torn.jsonl"
    torn.write_text('{"question": "a"}\n{"question": \n', "utf-8")
    with pytest.raises(RagError, match="JSON Lines"):
        load_history(torn)
    broken = tmp_path / "bad.json"
    broken.write_text("[{\"q\": 1}]", "utf-8")
    with pytest.raises(RagError, match="question"):
        load_history(broken)


def test_follow_up_gives_export_figure_and_keeps_the_rewrite(seed_index):
    first = ask(seed_index, TOTAL)
    answer = ask(seed_index, "其中出口多少？", history=[{"question": TOTAL, "answer": first.text}])
    assert answer.question == "其中出口多少？"
    assert answer.rewritten_question == "前两个月青岛外贸出口多少？"
    assert answer.short_answer == "730.5亿元"
    assert ask(seed_index, TOTAL).rewritten_question == ""


def test_chat_turns_read_back_the_rewrite():
    from ui.chat import earlier_turns

    history = [{"role": "user", "content": TOTAL}, {"role": "assistant", "content": "**1258亿元**[1]。"},
               {"role": "user", "content": "其中出口多少？"},
               {"role": "assistant", "content": "*理解为：前两个月青岛外贸出口多少？*\n\n**730.5亿元**[1]。"}]
    turns = earlier_turns(history)
    assert turns[0] == {"question": TOTAL, "answer": "1258亿元[1]。"}
    assert turns[1]["question"] == "前两个月青岛外贸出口多少？" and turns[1]["answer"].strip() == "730.5亿元[1]。"


@pytest.mark.slow
def test_cli_history_shows_and_keeps_the_rewrite(seed_index, tmp_path):
    history = tmp_path / "history.txt"
    history.write_text(TOTAL + "\n", "utf-8")
    index_dir = str(seed_index.folder)
    human = subprocess.run([sys.executable, "-m", "rag", "ask", "其中出口多少？", "--history", str(history),
                            "--index", index_dir], capture_output=True, text=True, timeout=300)
    assert human.returncode == 0, human.stderr
    assert "理解为：前两个月青岛外贸出口多少？" in human.stdout and "730.5亿元" in human.stdout
    as_json = subprocess.run([sys.executable, "-m", "rag", "ask", "其中出口多少？", "--history", str(history),
                              "--json", "--index", index_dir], capture_output=True, text=True, timeout=300)
    data = json.loads(as_json.stdout)
    assert data["rewritten_question"] == "前两个月青岛外贸出口多少？" and data["short_answer"] == "730.5亿元"


def test_chat_page_rewrites_a_follow_up_and_shows_it(seed_index):
    from rag.answer.llm_settings import LLMSettings
    from ui import chat
    from ui.state import AppState

    state = AppState(seed_index)
    first = list(chat.respond(state, LLMSettings(), TOTAL, [], "hybrid", 5, "extractive", "", ""))[-1][1]
    box, history, sources, hits = list(chat.respond(state, LLMSettings(), "其中出口多少？", first, "hybrid", 5,
                                                    "extractive", "", ""))[-1]
    assert [m["role"] for m in history] == ["user", "assistant"] * 2
    assert history[-1]["content"].startswith("*理解为：前两个月青岛外贸出口多少？*")
    assert "730.5亿元" in history[-1]["content"] and "730.5亿元" in sources


def test_it_stands_for_the_quoted_name_of_the_last_question():
    from rag.answer.condense import standalone_question, turns_from

    history = turns_from([{"question": "上海邮政与申花足球俱乐部打造的“上海申花球迷邮局”快闪邮局设在哪个邮政支局？",
                           "answer": ""}])
    assert standalone_question("它的具体地址在哪里？", history) == "上海申花球迷邮局的具体地址在哪里？"


@pytest.mark.parametrize(("previous", "follow_up", "expected"), [
    ("2023年上半年全国各电力交易中心累计组织完成的市场化交易电量是多少？", "其中国家电网经营区域完成了多少？",
     "2023年上半年全国各电力交易中心累计组织完成的市场化交易电量，其中国家电网经营区域完成了多少？"),
    ("骗子一开始向家属索要多少赎金？", "经过谈判后降到了多少？", "骗子一开始向家属索要，经过谈判后降到了多少？"),
])
def test_a_follow_up_with_its_own_question_word_keeps_the_earlier_context_not_its_question(previous, follow_up,
                                                                                            expected):
    from rag.answer.condense import standalone_question, turns_from

    assert standalone_question(follow_up, turns_from([{"question": previous, "answer": ""}])) == expected


def test_a_part_follow_up_says_the_shared_word_once():
    from rag.answer.followup import Turn, rewrite_follow_up

    rewritten = rewrite_follow_up("其中黄金首饰消费了多少？", [Turn("2023年上半年全国黄金消费量是多少？", "")])
    assert rewritten == "2023年上半年全国黄金首饰消费了多少？"
