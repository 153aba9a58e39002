"""rag.dates on real phrases from the seed pages and the shared CRUD news corpus (quoted as found)."""

from __future__ import annotations

import json
import lzma
import random
import re
from pathlib import Path

import pytest

from rag.dates import (
    annotate_relative,
    apply_insertions,
    complete_dateline,
    date_from_filename,
    date_from_masthead,
    date_from_text_head,
    find_time_expressions,
    normalise_date,
    question_period,
    relative_insertions,
)
from rag.segment.fields import match_dateline

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "crud-news-part1-4.jsonl.xz"


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    if not CORPUS.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}; the corpus tests need ../shared/corpora/")
    with lzma.open(CORPUS, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


# --- publication date from the top of a text -------------------------------------------------

HEADS = [  # text heads as they occur in the corpus, and two written the way a newspaper archive does
    ("2023-07-29 11:49:25，正文：今天（4日），东航已经接收的2架C919", "2023-07-29"),
    ("2023-07-27，正文：外籍友人点赞厂BA", "2023-07-27"),
    ("[2023/07/20  16:52]，正文：         7月31日，据国家能源局消息", "2023-07-20"),
    ("2023年07月20日 18:14:59 来自北京市，正文：", "2023-07-20"),
    ("来源：新华网  |  2023年07月19日 20:27:42，正文：", "2023-07-19"),
    ("23-07-26 22:00，正文：", "2023-07-26"),
    ("202307/25 05:01:02，正文：", "2023-07-25"),
    ("华夏经纬网 > 新闻 > 涉台新闻\xa0\xa0\xa0\xa0\xa0\xa02023-08-10 17:50:12  ，正文：中新网北京8月9日电", "2023-08-10"),
    ("发表时间：2023-07-25 06:34，正文：", "2023-07-25"),
    ("2023-07-24 22:32:56来源: 北京日报客户端              \t北京                举报            ，正文：", "2023-07-24"),
    ("[ ２０２３－０７－２８ １６：４０ ] ，正文：", "2023-07-28"),
    ("2024年3月13日 星期三\n前2个月青岛市进出口1258亿元\n\n本报3月12日讯 据青岛海关统计", "2024-03-13"),
    ("前2个月青岛市进出口1258亿元\n发布时间：2024-03-13 08:30\n本报3月12日讯", "2024-03-13"),
    # no year on the line: not a publication date we can give
    ("07-20 22:43，正文：7月15日，体彩超级大乐透第23080期开奖", None),
    ("08/05，正文：", None),
    # a sentence that begins with an event date is not a date line
    ("2023年7月24日，在上海市第十六届人大常委会第四次会议上，上海市审计局局长刘向民受市人", None),
    ("原标题：潍坊亚星化学股份有限公司2023年第五次临时股东大会决议公告本公司董事会", None),
    ("2023-02-30，正文：", None),
    ("2024年3月13日，星期三\n青岛26条“新政”加快推进新型工业化", "2024-03-13"),
    ("2024年3月13日（星期三）\n青岛26条“新政”加快推进新型工业化", "2024-03-13"),
]


@pytest.mark.parametrize("text,expected", HEADS)
def test_date_from_text_head(text, expected):
    assert date_from_text_head(text) == expected


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_pages_have_no_date_line(prefix):
    # The seed pages start with a title; their dates are in datelines (本报3月12日讯) with no year.
    assert date_from_text_head(seed_text(prefix)) is None


def test_corpus_head_dates(corpus):
    heads = [date_from_text_head(r["text"]) for r in corpus]
    found = sum(1 for h in heads if h)
    # Independent check: a text that starts with an ISO date before 正文： gets exactly that date.
    iso_start = [(r["text"][:10], h) for r, h in zip(corpus, heads)
                 if re.match(r"\d{4}-\d{2}-\d{2}[ ，]", r["text"]) and "正文：" in r["text"][:40]]
    assert len(iso_start) > 7000
    assert all(h == start for start, h in iso_start)
    both = [(h, normalise_date(r["published"])) for r, h in zip(corpus, heads) if h and r["published"]]
    assert all(h == p for h, p in both)
    assert found > 0.4 * len(corpus), f"only {found} of {len(corpus)} texts gave a head date"
    assert all(h is None or "2000-01-01" < h < "2030-01-01" for h in heads)


def test_corpus_published_field_normalises(corpus):
    values = [r["published"] for r in corpus if r["published"]]
    assert values and all(normalise_date(v) == v[:10] for v in values)


# --- file names and mastheads ----------------------------------------------------------------

@pytest.mark.parametrize("name,expected", [
    ("2024-03-13_青岛日报_第3版.pdf", "2024-03-13"),
    ("qdrb20240313.pdf", "2024-03-13"),
    ("scans/page_2024_03_13_p3.png", "2024-03-13"),
    ("青岛日报2024.3.13.html", "2024-03-13"),
    ("青岛日报2024年3月13日第3版.docx", "2024-03-13"),
    ("20240229.pdf", "2024-02-29"),
    ("000_8eb6f9117185c38f.txt", None),  # the seeds' own names: an index and a hash
    ("20230229.pdf", None),  # no Feb 29 in 2023
    ("report_20241313.pdf", None),
    ("scan_120240313.pdf", None),  # nine digits: an id
    ("id_2024031312.pdf", None),
    ("a3f9e20240313bc7d9e1.txt", None),  # inside a hex hash
    ("18991231.pdf", None),
    ("2024-13-01.pdf", None),
])
def test_date_from_filename(name, expected):
    assert date_from_filename(name) == expected


@pytest.mark.parametrize("line,expected", [
    ("青岛日报 2024年3月13日 星期三 第3版 要闻", "2024-03-13"),
    ("第3版 要闻　　青岛日报　　２０２４年３月１３日　星期三", "2024-03-13"),
    ("QINGDAO DAILY 2020.11.25 第5版", "2020-11-25"),
    ("人民日报 二〇二四年三月十三日 星期三 农历甲辰年二月初四", "2024-03-13"),
    ("二〇二三年二月三十日", None),
    ("青岛日报 第3版 要闻", None),
    ("青岛日报 2023年13月5日 星期三 第3版", None),
])
def test_date_from_masthead(line, expected):
    assert date_from_masthead(line) == expected


@pytest.mark.parametrize("value,expected", [
    ("2023-08-16 18:24", "2023-08-16"),
    ("2023/8/16", "2023-08-16"),
    ("2023年8月16日", "2023-08-16"),
    ("2023.08.16", "2023-08-16"),
    ("20230816", "2023-08-16"),
    ("2023-08-16T23:30:00+08:00", "2023-08-16"),  # the calendar day as written, not converted to UTC
    ("2023-08-16T18:24:57Z", "2023-08-16"),
    ("Wed, 16 Aug 2023 10:24:00 +0800", "2023-08-16"),
    (1692180000, "2023-08-16"),  # 2023-08-16 18:00 in Beijing
    (1692180000000, "2023-08-16"),
    ("1692180000", "2023-08-16"),
    (1692118800, "2023-08-16"),  # 2023-08-15 17:00 UTC is already the 16th in Beijing
    ("2023-13-01", None),
    ("2023-02-29", None),
    ("08/16/2023", None),
    ("", None),
    (None, None),
    ("昨天", None),
])
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected


@pytest.mark.parametrize("month,day,published,expected", [
    (3, 12, "2024-03-13", "2024-03-12"),
    (3, 13, "2024-03-13", "2024-03-13"),
    (12, 31, "2024-01-01", "2023-12-31"),  # the new year's first paper reports the old year's last day
    (2, 29, "2024-03-01", "2024-02-29"),
    (2, 29, "2023-03-01", None),
    (None, 12, "2024-03-13", None),
    (3, 12, None, None),
])
def test_complete_dateline(month, day, published, expected):
    assert complete_dateline(month, day, published) == expected


def test_seed_dateline_completed_and_body_annotated():
    page = seed_text("000")
    line = next(x for x in page.splitlines() if x.startswith("本报3月12日讯 据青岛海关统计"))
    dateline, skip = match_dateline(line)
    assert (dateline.month, dateline.day, dateline.year) == (3, 12, None)
    when = complete_dateline(dateline.month, dateline.day, "2024-03-13")
    assert when == "2024-03-12"
    body = line[skip:]
    assert annotate_relative(body, when).startswith(
        "据青岛海关统计，今年（2024年）前2个月，青岛市外贸进出口1258亿元，同比增长5.4%")


# --- relative time expressions ---------------------------------------------------------------

# (sentence as found, publication date, expression, period start, period end)
RESOLVE_CASES = [
    ("据青岛海关统计，今年前2个月，青岛市外贸进出口1258亿元", "2024-03-12", "今年前2个月", "2024-01-01", "2024-02-29"),
    ("前2个月，民营企业进出口870.6亿元，增长4.4%", "2024-03-12", "前2个月", "2024-01-01", "2024-02-29"),
    ("占进出口总值的70.3%，较去年同期提升3.3个百分点", "2024-03-12", "去年同期", "2023-01-01", "2023-12-31"),
    ("今年前三季度,人工智能赋能青岛制造重点", "2020-11-25", "今年前三季度", "2020-01-01", "2020-09-30"),
    ("员工由年初的1300人增至5000余人", "2020-11-25", "年初", "2020-01-01", "2020-02-29"),
    ("今年年初,市委宣传部牵头成立学习贯彻习近平新时代中国特色社会主义思想宣讲团", "2026-04-03", "今年年初",
     "2026-01-01", "2026-02-28"),
    ("去年11月,青岛市生命健康产业“链全国·北京驿站”挂牌", "2026-04-03", "去年11月", "2025-11-01", "2025-11-30"),
    ("大赛将于4月9日正式启动,持续至2026年底", "2026-04-03", "4月9日", "2026-04-09", "2026-04-09"),
    ("大赛将于4月9日正式启动,持续至2026年底", "2026-04-03", "2026年底", "2026-11-01", "2026-12-31"),
    ("2022年末，青岛市机动车保有量达355万辆", "2024-03-12", "2022年末", "2022-11-01", "2022-12-31"),
    ("2023年，青岛软件产业规模已经突破4000亿元", "2024-03-12", "2023年", "2023-01-01", "2023-12-31"),
    ("本报3月12日讯 11日下午，香港国际影视展“世界电影之都”", "2024-03-12", "11日", "2024-03-11", "2024-03-11"),
    ("昨天，国家卫健委就全国医药领域腐败问题集中整治向媒体介绍情况。", "2023-08-16", "昨天", "2023-08-15", "2023-08-15"),
    ("她两个兄弟的妻子和孩子前天住进靖雅中学安置点", "2023-08-03", "前天", "2023-08-01", "2023-08-01"),
    ("今天，预计青海东南部、甘肃西南部仅有小雨，降雨较昨日明显减弱。", "2023-08-17", "昨日", "2023-08-16", "2023-08-16"),
    ("吴俊辉表示，李强总理上月对德国进行了正式访问", "2023-07-28", "上月", "2023-06-01", "2023-06-30"),
    ("7月份日均进出港国际客运航班超过300架次，较上个月增长了20%。", "2023-08-18", "上个月", "2023-07-01",
     "2023-07-31"),
    ("长桥新村将在下个月启动签约。", "2023-07-24", "下个月", "2023-08-01", "2023-08-31"),
    ("如果剩余493家成份股的市盈率上升，标普500指数的市盈率可能升至21倍", "2023-07-24", None, None, None),
    ("比上周五收盘时高出约6%。", "2023-07-24", "上周五", "2023-07-21", "2023-07-21"),
    ("上周四，美国总统拜登签署行政令设立对外投资审查机制", "2023-08-16", "上周四", "2023-08-10", "2023-08-10"),
    ("预计美联储将在下周继续加息。", "2023-07-22", "下周", "2023-07-24", "2023-07-30"),
    ("山西汾酒一季度营收约126.82亿元，同比增长20.44%", "2023-07-24", "一季度", "2023-01-01", "2023-03-31"),
    ("尽管库存水平在第二季度持续趋于正常", "2023-07-20", "第二季度", "2023-04-01", "2023-06-30"),
    ("去年三季度，A股市场告别了最后一名千亿级别的主动权益基金经理", "2023-07-26", "去年三季度", "2022-07-01",
     "2022-09-30"),
    ("山西汾酒预计上半年净利润超67亿元。", "2023-07-24", "上半年", "2023-01-01", "2023-06-30"),
    ("此外，本届“桃李杯”优秀作品全国巡演也将于明年上半年启动。", "2023-08-16", "明年上半年", "2024-01-01",
     "2024-06-30"),
    ("今年1—7月，中欧班列累计开行10176列", "2023-08-19", "今年1—7月", "2023-01-01", "2023-07-31"),
    ("1至7月份，我国汽车出口创历史新高。", "2023-08-10", "1至7月份", "2023-01-01", "2023-07-31"),
    ("2023年前七个月社会融资规模增量累计为22.08万亿元，比上年同期多2069亿元。", "2023-08-11", "2023年前七个月",
     "2023-01-01", "2023-07-31"),
    ("2023年前七个月社会融资规模增量累计为22.08万亿元，比上年同期多2069亿元。", "2023-08-11", "上年同期",
     "2022-01-01", "2022-07-31"),
    ("上年7月份PPI同比上涨4.2%，涨幅比上年6月份回落1.9个百分点。", "2023-08-15", "上年7月份", "2022-07-01",
     "2022-07-31"),
    ("自去年12月20日政策公布实施以来，截至7月23日", "2023-07-26", "去年12月20日", "2022-12-20", "2022-12-20"),
    ("去年以来，滁州经济运行已6个季度蝉联全省第一。", "2023-07-21", "去年以来", "2022-01-01", "2023-07-21"),
    ("为今年以来的最低水平，跌破荣枯线50", "2023-07-24", "今年以来", "2023-01-01", "2023-07-24"),
    ("IT之家 7 月 28 日消息，Counterpoint Research 今日发布报告", "2023-07-28", "7 月 28 日", "2023-07-28",
     "2023-07-28"),
    ("2023 年上半年，横店影视全资子公司浙江横店影业有限公司", "2023-08-02", "2023 年上半年", "2023-01-01",
     "2023-06-30"),
    ("“明年1月1日，这些违规电动三四轮车将不能上路行驶", "2023-08-17", "明年1月1日", "2024-01-01", "2024-01-01"),
    ("这个月初领工资时，小贾发现自己的工资还是6000元。", "2023-08-03", "这个月", "2023-08-01", "2023-08-31"),
    ("截至7月末，我国本外币存款余额283.36万亿元，同比增长10%。", "2023-08-14", "7月末", "2023-07-21", "2023-07-31"),
    ("美国首都华盛顿5日发生数起枪击事件，造成至少6人死亡。", "2023-08-07", "5日", "2023-08-05", "2023-08-05"),
    ("新华社哈尔滨8月12日电（记者董宝森）记者12日从黑龙江省防汛抗旱指挥部获悉", "2023-08-13", "12日", "2023-08-12",
     "2023-08-12"),
    ("中国经济网北京8月7日讯\xa0昨晚，联泓新科(003022.SZ)发布关于股东减持计划的预披露公告", "2023-08-07", "昨晚",
     "2023-08-06", "2023-08-06"),
    ("政策执行至2023年12月底", "2023-08-02", "2023年12月底", "2023-12-21", "2023-12-31"),
    ("本报8月10日讯（记者李抑嫱）今天下午，省政协党组书记、主席朱国贤主持召开省政协党组（扩大）会议", "2023-08-10",
     "今天", "2023-08-10", "2023-08-10"),
    ("据预报，台风“杜苏芮”将于29日影响湖北省。", "2023-07-26", "29日", "2023-07-29", "2023-07-29"),
    ("据悉，该区在31日上午的抢险巡查时，在河道中发现2人。", "2023-08-01", "31日", "2023-07-31", "2023-07-31"),
]


@pytest.mark.parametrize("sentence,published,expression,start,end", RESOLVE_CASES)
def test_resolve_real_phrases(sentence, published, expression, start, end):
    found = {f.text: f for f in find_time_expressions(sentence, published)}
    if expression is None:
        assert all(f.period is None or f.kind == "year" for f in found.values()), found
        return
    assert expression in found, f"{expression} not found in {sentence}: {list(found)}"
    period = found[expression].period
    assert (period.start, period.end) == (start, end)


LOOKALIKES = [  # (sentence, the expressions a careful reader finds in it)
    ("目前天气晴好。", []),  # 目前 + 天气, not 前天
    ("已探明天然气地质储量超2000亿立方米", []),  # 探明 + 天然气, not 明天
    ("(光明日报记者 董 城 本报通讯员 许晓彤)", []),
    ("前天津市长", []),
    ("各单位提前2个月安排好人员车辆", []),
    ("李先生诉称，自己的房屋租赁合同到期前一个月，王先生请求他再续期一季度", []),
    ("反腐风暴再起的前两个月中，谢明所在的医院刚刚接受了一场医保基金飞行检查。", []),
    ("第二季度平均时薪同比增幅4.5%，与前一季度的4.8%相比，增幅略有放缓。", ["第二季度"]),
    ("当前7月份数据进一步说明", ["7月份"]),
    ("大年初一，游客纷至沓来", []),  # a lunar date: not read (jionlp reads it)
    ("在三个月内找到合适房源可随时搬走", []),
    ("下周天气以晴到多云为主", ["下周"]),
    ("根据《中华人民共和国治安管理处罚法》有关规定，公安机关依法对杨某处以行政拘留15日的处罚", []),
    ("接群众报警后，辖区派出所第一时间赶到现场进行处置。", []),
    ("7月27日4时2分，长征二号丁遥八十一火箭在西昌卫星发射中心", ["7月27日"]),
    ("7月17日，上海地铁7号线上，一对年轻男女身穿印有骂人文字的衣服", ["7月17日"]),
    ("2022年4月，周一鸣获委任为警务处副处长（管理），至此番履新。", ["2022年4月"]),
    ("2023年服贸会将于9月2日至6日在国家会议中心和首钢园区举办。", ["2023年", "9月2日"]),  # not 8月6日
    ("直播吧8月2日讯 在昨晚结束的女足世界杯小组赛D组末轮比赛中，中国女足1-6不敌英格兰女足", ["8月2日", "昨晚"]),
]
# Readings that are right but that this parser does not attempt (a lunar festival, a duration).
NOT_ATTEMPTED = {"大年初一", "三个月内"}


@pytest.mark.parametrize("sentence,expected", LOOKALIKES)
def test_lookalikes_are_not_misread(sentence, expected):
    assert [f.text for f in find_time_expressions(sentence, "2023-08-10")] == expected


def test_vague_expressions_are_left_alone():
    sentence = "本报2月22日讯 近日，科技部公布2023年国家重点研发计划专项项目批复名单"
    found = {f.text: f for f in find_time_expressions(sentence, "2024-02-22")}
    assert found["近日"].period is None
    assert "近日（" not in annotate_relative(sentence, "2024-02-22")


# --- edge cases of the calendar --------------------------------------------------------------

def test_feb_29():
    assert _period("昨天", "2024-03-01") == ("2024-02-29", "2024-02-29")
    assert _period("明天", "2023-02-28") == ("2023-03-01", "2023-03-01")
    assert _period("今年前2个月", "2024-03-10") == ("2024-01-01", "2024-02-29")
    assert _period("今年前2个月", "2023-03-10") == ("2023-01-01", "2023-02-28")
    # 去年同期 of a day that does not exist last year ends on Feb 28
    found = find_time_expressions("2月29日，当日客流比去年同期增长一成", "2024-03-01")
    assert (found[-1].text, found[-1].period.start) == ("去年同期", "2023-02-28")
    assert find_time_expressions("2023年2月29日", "2024-03-01") == []


def test_year_end_in_december_and_last_year_in_january():
    assert _period("项目将于年底前完工", "2023-12-20") == ("2023-11-01", "2023-12-31")
    assert _period("今年年底前完工", "2023-12-20") == ("2023-11-01", "2023-12-31")
    assert _period("去年底", "2024-01-05") == ("2023-11-01", "2023-12-31")
    assert _period("去年，该公司制作的微短剧播放量突破千万次", "2024-01-05") == ("2023-01-01", "2023-12-31")
    assert _period("上月", "2024-01-05") == ("2023-12-01", "2023-12-31")
    assert annotate_relative("上月出口增长", "2024-01-05") == "上月（2023年12月）出口增长"
    # a January article's 四季度 and 12月28日 are last year's; its 6月 is this year's
    assert _period("四季度逆势增长35.7%", "2024-01-10") == ("2023-10-01", "2023-12-31")
    assert _period("12月28日，全市召开大会", "2024-01-05") == ("2023-12-28", "2023-12-28")
    assert _period("6月1日起施行", "2024-01-05") == ("2024-06-01", "2024-06-01")


@pytest.mark.parametrize("text", ["2023年13月", "2023年2月30日", "13月5日", "今年0月", "今年1-13月"])
def test_impossible_dates_are_rejected(text):
    assert [f for f in find_time_expressions(text, "2024-03-13") if f.period and f.kind != "year"] == []


def _period(text: str, published: str) -> tuple[str, str]:
    first = next(f for f in find_time_expressions(text, published) if f.period)
    return first.period.start, first.period.end


# --- annotation ------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence,published,expected", [
    ("今年前2个月，青岛市外贸进出口1258亿元", "2024-03-12", "今年（2024年）前2个月，青岛市外贸进出口1258亿元"),
    ("占进出口总值的70.3%，较去年同期提升3.3个百分点", "2024-03-12",
     "占进出口总值的70.3%，较去年（2023年）同期提升3.3个百分点"),
    ("吴俊辉表示，李强总理上月对德国进行了正式访问", "2024-03-12", "吴俊辉表示，李强总理上月（2024年2月）对德国进行了正式访问"),
    ("前2个月，民营企业进出口870.6亿元", "2024-03-12", "前2个月（2024年1-2月），民营企业进出口870.6亿元"),
    ("山西汾酒一季度营收约126.82亿元", "2023-07-24", "山西汾酒一季度（2023年）营收约126.82亿元"),
    ("2023年，青岛软件产业规模已经突破4000亿元", "2024-03-12", "2023年，青岛软件产业规模已经突破4000亿元"),
    ("今天（4日），东航已经接收的2架C919国产大飞机", "2023-08-04", "今天（4日），东航已经接收的2架C919国产大飞机"),
    ("昨天，国家卫健委就全国医药领域腐败问题集中整治向媒体介绍情况。", "2023-08-16",
     "昨天（2023年8月15日），国家卫健委就全国医药领域腐败问题集中整治向媒体介绍情况。"),
    ("今年前2个月，青岛市外贸进出口1258亿元", None, "今年前2个月，青岛市外贸进出口1258亿元"),
])
def test_annotate_relative(sentence, published, expected):
    assert annotate_relative(sentence, published) == expected


def test_annotate_without_yearless_dates():
    sentence = "7月18日下午，大皖新闻记者联系上孙洪其本人，他说上周已经回家。"
    assert annotate_relative(sentence, "2023-07-20") == (
        "7月18日（2023年）下午，大皖新闻记者联系上孙洪其本人，他说上周（2023年7月10日-16日）已经回家。")
    assert annotate_relative(sentence, "2023-07-20", include_yearless=False) == (
        "7月18日下午，大皖新闻记者联系上孙洪其本人，他说上周（2023年7月10日-16日）已经回家。")


def _without_insertions(annotated: str, inserts) -> str:
    """Delete the inserted parts from the annotated text, using only where they ended up."""
    out, shift = annotated, 0
    for insert in sorted(inserts, key=lambda i: i.at):
        at = insert.at + shift
        assert out[at : at + len(insert.text)] == insert.text
        out = out[:at] + out[at + len(insert.text) :]
    return out


def test_original_recoverable_on_seed_sentences():
    sentences = [s for prefix in ("000", "001", "003", "004") for s in re.split(r"(?<=[。！？\n])", seed_text(prefix))]
    annotated_any = 0
    for sentence in sentences:
        inserts = relative_insertions(sentence, "2024-03-13")
        annotated = apply_insertions(sentence, inserts)
        annotated_any += bool(inserts)
        assert len(annotated) == len(sentence) + sum(len(i.text) for i in inserts)
        assert _without_insertions(annotated, inserts) == sentence
        # what remains outside the insertions is the sentence, character for character, in order
        assert re.sub(r"（\d{4}年[^（）]*）", "", annotated) == re.sub(r"（\d{4}年[^（）]*）", "", sentence)
    assert annotated_any >= 10


def test_original_recoverable_on_corpus_sample(corpus):
    rng = random.Random(11)
    sample = rng.sample(corpus, 800)
    checked = 0
    for record in sample:
        published = date_from_text_head(record["text"]) or normalise_date(record["published"])
        if not published:
            continue
        for sentence in re.split(r"(?<=[。！？])", record["text"][:2000]):
            inserts = relative_insertions(sentence, published)
            checked += bool(inserts)
            assert _without_insertions(apply_insertions(sentence, inserts), inserts) == sentence
    assert checked > 100


# --- the time a question asks about ----------------------------------------------------------

TODAY = "2026-11-23"


@pytest.mark.parametrize("question,start,end", [
    ("2023年青岛软件产业规模是多少？", "2023-01-01", "2023-12-31"),
    ("去年3月青岛外贸进出口多少？", "2025-03-01", "2025-03-31"),
    ("2024年3月13日青岛日报要闻版说了什么？", "2024-03-13", "2024-03-13"),
    ("上个月青岛召开了哪些会议？", "2026-10-01", "2026-10-31"),
    ("今年前2个月青岛市进出口多少？", "2026-01-01", "2026-02-28"),
    ("2022年末青岛市机动车保有量是多少？", "2022-11-01", "2022-12-31"),
    ("2023年和2024年青岛外贸增长多少？", "2023-01-01", "2024-12-31"),
    ("2024年一季度青岛进出口增长多少？", "2024-01-01", "2024-03-31"),
])
def test_question_period(question, start, end):
    period = question_period(question, TODAY)
    assert period is not None and (period.start, period.end) == (start, end)


@pytest.mark.parametrize("question", [
    "青岛工业互联网发展得怎么样？",
    "近日青岛发布了哪些消费新政？",
    "凤麟核获批了什么项目？",
    "2023年13月青岛发生了什么？",
])
def test_question_without_time(question):
    assert question_period(question, TODAY) is None


def test_question_prefers_the_past():
    # asked in January, a bare 3月 is last March (an article cannot come from the future)
    assert question_period("3月青岛外贸进出口多少？", "2027-01-10").start == "2026-03-01"
    assert question_period("3月青岛外贸进出口多少？", "2026-11-23").start == "2026-03-01"
    assert question_period("去年同期青岛外贸", "2027-01-10").start == "2026-01-01"
    assert question_period("下半年青岛外贸增长多少？", "2027-03-10").start == "2026-07-01"
    assert question_period("12日上午青岛召开了什么会议？", "2026-11-10").start == "2026-10-12"
    # in an article the same words keep their plain reading
    assert _period("下半年将继续推进", "2027-03-10") == ("2027-07-01", "2027-12-31")
    assert _period("将于12日召开", "2026-11-10") == ("2026-11-12", "2026-11-12")
