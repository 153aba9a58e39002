"""Two-step questions split at their relative clause, with or without a comma; vague quantities, foreign
currencies and passages about another batch or year that are not what a question asks."""

import pytest

from rag.answer.focus import analyze_focus
from rag.answer.question_type import classify_question
from rag.answer.two_step import split_two_step
from rag.answer.values import unit_fits


@pytest.mark.parametrize(("question", "expected"), [
    ("拥有上合之珠国际博览中心的那个城市，建起了服务哪个产业的共享工厂？",
     ("拥有上合之珠国际博览中心", "城市", "建起了服务哪个产业的共享工厂？")),
    # no comma: 的那个 marks the clause, and the noun runs until jieba leaves nouns (大项 is tagged a numeral)
    ("成都大运会最先开赛的那个大项一共将决出多少枚金牌？", ("成都大运会最先开赛", "大项", "一共将决出多少枚金牌？")),
    ("宿城区区长走访看望的那位老兵曾参加过哪场战争？", ("宿城区区长走访看望", "老兵", "曾参加过哪场战争？")),
    # the locative after the noun starts the rest: 主体育场|内设有…
    ("大运会开幕式所在的那座主体育场内设有一座大运会博物馆，它的展陈面积有多大？",
     ("大运会开幕式所在", "主体育场", "内设有一座大运会博物馆，它的展陈面积有多大？")),
    # 其 points back to the bridge; the second question names it instead
    ("比重最高的电网经营区域，其市场化交易电量同比增长了多少？", ("比重最高", "电网经营区域", "市场化交易电量同比增长了多少？")),
    # 几千亩 in the clause is a vague quantity, not a question word
    ("造成双城几千亩稻田被淹的那个台风，名字是由哪个国家提供的？", ("造成双城几千亩稻田被淹", "台风", "名字是由哪个国家提供的？")),
])
def test_split_at_the_relative_clause(question, expected):
    assert split_two_step(question) == expected


@pytest.mark.parametrize("question", [
    "在高铁上怒斥熊孩子家长的那位女乘客叫什么名字？",  # the bridge is the answer: one step
    "西海岸新区影视产业“东有……西有……”的格局中，东、西两端分别是哪里？",  # a setting, not a thing to find
    "青岛前两个月外贸进出口多少？",  # no relative clause
])
def test_questions_that_are_one_step(question):
    assert split_two_step(question) is None


def test_a_vague_quantity_is_no_question_word():
    question = "造成几千亩稻田被淹的那个台风，名字是由哪个国家提供的？"
    assert classify_question(question).kind != "number"
    assert classify_question(question).unit == "" and analyze_focus(question).event == ""


def test_yuan_is_not_a_foreign_currency():
    assert unit_fits("593元", "元") and not unit_fits("2100美元", "元")
    assert unit_fits("2100美元", "美元") and unit_fits("3亿元", "亿元")



def test_a_passage_about_another_batch_does_not_answer():
    from rag.answer.extractive import answer_extractively
    from rag.models import Hit

    def hit(n, title, text):
        return Hit(rank=n, chunk_id=f"c{n}", article_id=f"a{n}", title=title, dateline="", source="s", text=text,
                   score=1.0, start=0, end=len(text))

    # the first passage ranks higher but is about the second batch; its sentence never says which batch it is
    other = hit(1, "文旅部恢复第二批出境团队游", "出境团队游国家和地区扩大到了78个，旅游平台咨询量大增。")
    asked = hit(2, "第三批出境团队游恢复", "出境团队游国家和地区扩至138个。")
    answer = answer_extractively("第三批出境团队游通知发布后，出境团队游国家和地区扩大到多少个？", [other, asked])
    assert not answer.abstained and answer.short_answer == "138个"


def test_the_bridge_is_a_name_of_the_nouns_kind():
    from rag.answer.two_step import _entity_in

    sentence = "北京时间8月4日，韩国选手金智英与日本选手滨田一辉在新加坡交手，后者以3-0横扫徐瑛彬。"
    # a player is a person, never a place; a typhoon is no person
    assert _entity_in(sentence, "3-0横扫徐瑛彬", "日本选手") in ("金智英", "滨田一辉")
    assert _entity_in("台风杜苏芮的名字由韩国提供，农户张振生说稻田被淹。", "稻田被淹", "台风") != "张振生"
    assert _entity_in("拥有上合之珠国际博览中心的胶州，建起了共享工厂。", "拥有上合之珠国际博览中心", "城市") == "胶州"
    # an event's bridge is no place, and an archive's field label (正文：) names nothing
    assert _entity_in("2023-08-02，正文：南昌县发生“1·8”重大道路交通事故。", "开年就出", "交通事故") not in ("正文", "南昌县")
    # a Latin name before the post is part of the noun: the whole noun reaches the comma
    assert split_two_step("认为美债收益率可能下跌的那位Jupiter固定收益主管，之前在哪家公司工作了十多年？")[1] \
        == "Jupiter固定收益主管"
