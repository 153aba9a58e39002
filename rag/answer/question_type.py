"""What kind of answer a Chinese question wants: a number, a person, a place, a date, a list."""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_CUES = ("多少", "几", "多大", "多长", "多久", "多高", "多远", "比例", "占比", "百分之", "增长了", "增速", "规模")
REPORTER_CUES = ("记者", "作者", "撰写", "采写", "撰稿", "谁写", "谁报道", "署名")
PERSON_CUES = ("谁", "哪位", "什么人", "哪个人", "记者是", "负责人是", "姓名")
PLACE_CUES = ("哪里", "在哪", "何地", "什么地方", "地址", "哪个城市", "哪座城市", "哪个地方", "地点", "哪个区", "哪个市")
DATE_CUES = ("何时", "什么时候", "哪年", "哪一年", "哪天", "哪一天", "哪几天", "哪两天", "几月", "几号", "什么时间", "日期", "哪个月")
LIST_CUES = ("哪些", "哪几", "哪两", "哪三", "哪四", "分别", "有哪", "包括什么", "包括哪", "列举", "各是", "和哪")
UNIT_AFTER_CUE = re.compile(r"(?:多少|几)(?:万|亿|千)?(美元|标准箱|平方米|平方公里|公里|千瓦时|千瓦|毫米|枚|个基点|基点|例|股(?!权|份|东|价|票|市)|环|起|艘|个百分点|个小时|个工作日|亿元|万元|元|万吨|吨|家|个省|个国家|个城市|个|人|项|条|座|套|次|倍|年|天|小时|分钟|名|"
                            r"所|批|场|台|亩|辆|户|度|周岁|岁|种|位|部|届|期|米|只|级|张|篇|本|册|瓶|盒|头|棵|株|栋|架|列|路|公斤|千克)")
# a question about money wants a number in 元 even when it does not say so
MONEY_CUES = ("多少钱", "补贴", "资金", "投资", "经费", "金额", "总额", "票房", "收入", "营收", "产值", "销售额", "成本",
              "奖金", "估值", "预算", "融资", "贷款", "捐")
ORDINAL_CUES = ("第几", "排名", "名列", "位列", "位居")
VAGUE_RE = re.compile(r"几(?=[十百千万亿])")
# how a noun naming a person ends: 网友, 女乘客, 选手, 村民 (two_step's bridge nouns end the same way)
ROLE_ENDINGS = ("人", "者", "员", "师", "生", "手", "兵", "友", "客", "民")
# a person asked by name (那位女乘客叫什么名字); a ship or a material that 叫什么名字 is not a person
PERSON_NAME_RE = re.compile("(?:" + "|".join(ROLE_ENDINGS + ("男子", "女子", "孩子", "长", "官", "工", "士", "星", "女", "男",
                                                             "记", "生", "姐", "哥"))
                            + r")(?:的)?(?:叫什么名字|叫什么|名叫什么|姓什么|名字是什么|名字叫什么)"
                            r"|(?:全名|真名|本名|真实姓名)(?:叫什么|是什么|是谁)")
# a list of people: 哪两名球员, 哪些实干家, 哪几位嘉宾
PEOPLE_LIST_RE = re.compile(r"哪(?:些|几|两|三|四)(?:名|位|个)?[\u4e00-\u9fff]{0,4}?(?:实干家|专家|企业家|科学家|作家|选手|球员|"
                            r"运动员|嘉宾|代表|领导|教练|官员|学生|老师|演员|歌手|记者|人(?!员))")
# a named place or body of one specific kind: 哪所大学, 哪趟车次, 健身房叫什么名字; the answer must name one
NAMED_KINDS = ("幼儿园", "小学", "中学", "大学", "学院", "学校", "医院", "派出所", "公安局", "酒店", "宾馆", "银行",
               "健身房", "车次", "航班", "社区", "街道", "村", "镇", "基金会", "商会", "法院", "检察院", "公园", "机场",
               "集团", "影院", "影城", "电影院", "剧院", "大剧院", "体育馆", "体育场", "博物馆", "美术馆", "图书馆", "纪念馆", "展览馆", "路", "大道",
               "街")
_KINDS = "|".join(sorted(NAMED_KINDS, key=len, reverse=True))
NAMED_RE = re.compile(rf"哪(?:一)?(?:所|家|个|座|趟|条|间)?({_KINDS})|({_KINDS})(?:的)?(?:叫什么|名称|名字)"
                      r"|什么(病|奖)(?!励)")
# how old: 多大年纪 and 年龄 want an age in 岁
# 担任什么职务 asks for a post (副首席投资官, 县长), not for a person
POST_RE = re.compile(r"什么职(?:务|位)|哪个职(?:务|位)|职(?:务|位)是什么|什么头衔|何职|什么官职")
# 以什么为主题 is answered by what stands between 以 and 为主题 in the article
FRAME_RE = re.compile(r"以(?:什么|哪些|何)(?:内容|口号)?为(主题|目标|重点|核心|主线|契机|抓手|载体|宗旨|口号|理念)")
# 哪部警示教育片, 什么曲目: the answer is a work's title (《…》)
WORK_RE = re.compile(r"哪(?:一)?(?:部|本|首|篇)(?!门|分|队|委|位|署)|什么(?:电影|影片|书|歌|歌曲|剧|电视剧|节目|作品|曲目|片子)"
                     r"|片名|书名|剧名|曲名|歌名")
# 哪个区的法院: a place of that level (福田区), not the city around it
PLACE_LEVEL_RE = re.compile(r"哪(?:个|一)?(区|县|市|省|镇|乡|州)")
AGE_RE = re.compile(r"年纪|年龄|多大岁数|几岁|多少岁")


@dataclass(frozen=True)
class QuestionType:
    kind: str  # number | ordinal | reporter | person | post | frame | work | place | date | named | other
    is_list: bool
    unit: str  # unit the question asks for, e.g. 家 in 多少家, the kind of name for `named` (大学); "" when unknown


def classify_question(question: str) -> QuestionType:
    """The kind of answer asked for, whether it is a list, and the unit a number must carry."""
    q = VAGUE_RE.sub("数", question.strip())  # 几千亩稻田被淹的那个台风 asks for no number
    is_list = any(c in q for c in LIST_CUES)
    found = [m for m in UNIT_AFTER_CUE.finditer(q) if q[max(0, m.start() - 1):m.start()] not in ("这", "那", "前", "近", "哪")]
    m = found[-1] if found else None
    unit = m.group(1) if m else ("%" if any(c in q for c in ("比例", "占比", "百分之", "增速", "增长了多少")) else "")
    if not unit and any(c in q for c in ("多久", "多长时间", "多少时间")):
        unit = "time"
    if not unit and AGE_RE.search(q):
        unit = "岁"
    if not unit and "面积" in q:
        unit = "area"
    if not unit and re.search(r"率[^，。？]{0,4}?(?:多少|几)", q):
        unit = "%"
    if not unit and any(c in q for c in ("哪一年", "哪年", "何年")):
        unit = "year"
    if not unit and any(c in q for c in ("哪天", "哪一天", "几号", "几日")):
        unit = "day"  # 哪天恢复迎客 is answered by 30日, not by 7月
    money = any(c in q for c in MONEY_CUES) or re.search(r"[\u4e00-\u9fff](?<!份)额", q)  # 进口额, not 份额
    change = re.search(r"(?:增长|下降|提高|降低|优化|压低|减少|增加|提升|缩短|节约|节省|高|低|涨|跌)了?(?:多少|几)", q)
    if not unit and money and not change and ("多少" in q or "几" in q):
        unit = "money"
    if re.search(r"几点|几时(?!候)|什么时刻", q):
        return QuestionType("date", is_list, "clock")
    # 排名靠前的是哪几个国家 asks for names, not a rank
    if "第几" in q or (any(c in q for c in ORDINAL_CUES) and "多少" not in q and "哪" not in q):
        kind = "ordinal"
    elif any(c in re.sub(r"\d日期", "", q) for c in DATE_CUES):  # 18日期间 is no 日期
        kind = "date"
    elif POST_RE.search(q):
        kind = "post"
    elif frame := FRAME_RE.search(q):
        return QuestionType("frame", is_list, frame.group(1))
    elif WORK_RE.search(q) and "多少" not in q:
        kind = "work"
    elif any(c in q for c in PERSON_CUES) and any(c in q for c in REPORTER_CUES):
        kind = "reporter"
    elif any(c in q for c in PERSON_CUES) or PERSON_NAME_RE.search(q) or PEOPLE_LIST_RE.search(q):
        kind = "person"
    elif (named := NAMED_RE.search(q)) and not is_list and "多少" not in q:
        return QuestionType("named", is_list, named.group(1) or named.group(2) or named.group(3))
    elif any(c in q for c in PLACE_CUES) or PLACE_LEVEL_RE.search(q):
        level = PLACE_LEVEL_RE.search(q)
        return QuestionType("place", is_list, level.group(1) if level else "")
    elif any(c in q.replace("哪几", "") for c in NUMBER_CUES):  # 哪几个城市 asks for names, not a count
        kind = "number"
    else:
        kind = "other"
    return QuestionType(kind, is_list, unit)
