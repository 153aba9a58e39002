"""What exactly a question asks about: the focus word next to its question word, a title and whose, qualifiers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..tokenize import jieba_module
from .facts import tagged, tagged_at

# 几千亩 is a vague quantity, not the question word
CUE_RE = re.compile(r"多少|几(?![十百千万亿])|谁|哪|何时|何地|何处|什么|多久|多长|多大|多高|多远|多快|多重|是否|有没有|是不是|能否|吗")
SKIP = frozenset("是 有 共有 拥有 总计 总计有 一共有 总共有 为 的 了 达 达到 共 一共 总共 共计 合计 约 大约 能 可以 可 要 需要 需 将 会 在 到 占 又 都 还 已 "
                 "已经 分别 到底 究竟 具体 目前 现在 最 最快 最多 最少 一 每 该 这 那 其 其中 个 所 由 被 叫 称 做".split())
MEASURE = frozenset("个 名 位 家 项 条 座 套 次 倍 年 天 部 届 种 类 所 批 场 台 款 只 件 户 人 元 吨 亩 辆 月 日 号 层 期 份 处".split())
TITLES = ("首席执行官", "董事局主席", "董事长", "总经理", "总裁", "总监", "总编辑", "书记", "市长", "省长", "区长", "县长",
          "镇长", "村长", "主席", "主任", "局长", "部长", "厅长", "院长", "校长", "站长", "行长", "所长", "队长", "社长",
          "会长", "理事长", "秘书长", "经理", "负责人", "创始人", "董事", "主委", "馆长", "厂长", "台长", "总工程师",
          "检察长", "首席财务官", "首席投资官", "首席经济学家", "主管", "总干事", "发言人", "常委", "大使", "教练",
          "主教练", "队长", "党委书记", "总指挥", "处长", "科长", "司长", "署长", "乡长", "州长", "总统", "总理", "首相",
          "议长", "法定代表人", "政委", "参谋长", "团长", "旅长", "主编", "总编", "导演", "制片人")
# words naming a measure, not what is measured: the focus is the word before them
GENERIC = frozenset("总额 总量 总值 比例 比重 占比 数量 规模 金额 名称 全称 地址 具体地址 位置 时间 时候 份额 数 量 额 面积 情况 水平 钱 全国 "
                    "多大 多长".split())
# money words jieba tags as verbs (营业|收入/v): here they name the asked sum
MONEY_NOUNS = frozenset("收入 支出 营收 盈利 亏损 净利 投资 融资".split())
NAMED = ("nr", "ns", "nt", "nz", "nrt", "nrfg", "j")
# 投资同比增长多少: the asked quantity is the noun before the change, not the change itself
CHANGE_WORDS = frozenset("增长 下降 增加 减少 上涨 下跌 提高 提升 上升 降低 回落 增长率 增速 增幅 降幅 涨幅 跌幅 同比 环比 比上年 比去年 "
                         "涨 跌 增 降 多 少 高 低 高出 低出".split())
SUPERLATIVE_RE = re.compile(r"最(?:大|高(?!检|法|人民|院)|多|少|低|小|强|猛|长|短|快|慢|早|晚|重|远|深|热|冷|贵|便宜)")
BASELINES = frozenset("同期 上年同期 去年同期 上年 去年 前年 上月 上季度 此前 以前 之前".split())
SCOPES = frozenset("全市 全省 全国 全区 全县 全镇 本市 我市 我省 全球 全网 全社会 全行业 同期".split())
BARE_MARKS = "，,；;。！？!?：:（）()“”、 \n"
# nouns that can narrow a quantity (基础设施|投资, 交易|电量); a place or name before it is its owner, not a kind
MODIFIER_FLAGS = ("n", "vn", "l", "b", "nz", "an")
# a stem the archive writes without the suffix: 出口额 -> 出口, 产量 stays
SUFFIXES = ("总额", "总量", "金额", "规模", "额", "数量", "数", "量")
# 前2个月 vs 前3个月, 今年 vs 去年, 第一部 vs 第二部, 2023年 vs 2024年: same class, different value
QUALIFIER_CLASSES = {
    "rel_year": re.compile(r"今年|去年(?!同期)|前年|明年|上年(?!同期)|本年"),
    "year": re.compile(r"(?<!\d)(?:19|20)\d{2}年(?!\d)"),
    "period": re.compile(r"前\d{1,2}个月|上半年|下半年|第[一二三四1-4]季度|[一二三四]季度|[一三]季报|(?<!\d)\d{1,2}月份"),
    "ordinal": re.compile(r"第[一二三四五六七八九十\d]{1,3}(?=[部个届次批期座家])|首[部个届次批座家]"),
    # categories news names by one word each: 二级 (Ⅱ级) response, 红色 warning, 银牌 (亚军), 同比, 二审
    "level": re.compile(r"(?<![\d.．])(?:[一二三四五1-5ⅠⅡⅢⅣⅤ]|IV|I{1,3}|V)级"),
    "warning": re.compile(r"[红橙黄蓝]色(?=预警|警报|警戒|信号)"),
    "medal": re.compile(r"[金银铜](?:牌|奖)|冠军|亚军|季军"),
    "comparison": re.compile(r"同比|环比|[比较](?:去年|上年)同期"),
    "instance": re.compile(r"(?<![统逐唯进划单])一审|二审|终审|再审"),
}
# classes whose values are named categories: another value in every passage read means the question is not answered
CATEGORY_CLASSES = ("level", "warning", "medal", "comparison", "instance")
# the numeral of a level however written: Ⅱ级, II级 and 二级 are one level
LEVEL_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3", "Ⅳ": "4",
                "Ⅴ": "5", "I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}
# the spellings of one value: 冠军 took the 金牌, 比去年同期 is 同比, 终审 is (mostly) the 二审
SAME_VALUE = {"冠军": "金", "亚军": "银", "季军": "铜", "金牌": "金", "银牌": "银", "铜牌": "铜", "金奖": "金", "银奖": "银",
              "铜奖": "铜", "比去年同期": "同比", "比上年同期": "同比", "较去年同期": "同比", "较上年同期": "同比",
              "终审": "二审"}


@dataclass(frozen=True)
class QuestionFocus:
    """The words an answer must stand next to, and the qualifiers it must not contradict."""

    terms: tuple[str, ...]  # focus words before the question word (出口, 总经费), with stems
    head: str  # the noun after the question word and measure (多少名居民 -> 居民, 哪个镇 -> 镇)
    title: str  # a title asked about (市长, 总经理), "" when none
    deputy: bool  # the question itself asks for a 副 title
    owner: str  # whose title: 青岛 in 青岛的市长
    qualifiers: tuple[tuple[str, str], ...]  # (class, text)
    event: str = ""  # what the counted did, when the question says so: 受伤 in 多少人受伤
    kind: tuple[str, str] = ("", "")  # (modifier, noun) when the focus is narrowed by a noun: (基础设施, 投资)
    change: bool = False  # the question asks how much the quantity changed (同比增长多少), not its size

    @property
    def words(self) -> tuple[str, ...]:
        return self.terms + ((self.head,) if self.head else ())


def _stems(word: str) -> list[str]:
    """The word, its core without 额/总额, and the head of a compound (外贸出口 -> 出口)."""
    jieba = jieba_module()

    out = [word]
    parts = [p for p in jieba.lcut_for_search(word) if p != word and len(p) >= 2 and word.endswith(p)]
    parts = [p for p in parts if p not in GENERIC] if len(word) >= 4 else []  # 外贸出口 -> 出口, but 进出口 stays whole
    if parts:
        out.append(parts[-1])
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            out.append(word[: -len(suffix)])
            break
    return out


def qualifiers_of(text: str) -> list[tuple[str, str]]:
    """(class, text) of every qualifier in the text: times, years, ordinals, and categories (level, medal …)."""
    return [(name, m.group(0)) for name, rx in QUALIFIER_CLASSES.items() for m in rx.finditer(text)]


def _title_in(question: str) -> tuple[str, int]:
    best = ("", -1)
    for title in TITLES:
        pos = question.find(title)
        if pos >= 0 and (best[1] < 0 or pos + len(title) > best[1] + len(best[0]) or
                         (pos + len(title) == best[1] + len(best[0]) and len(title) > len(best[0]))):
            best = (title, pos)
    return best


def _owner(question: str, title: str, pos: int) -> str:
    """The words right before the title, back to a clause mark or a verb's 的: 在大会上发言的胶州市市长 -> 胶州市."""
    before = question[:pos]
    before = re.split(r"[，,。？?！!：:、“”\s]|的", before)[-1] if before else ""
    if not before and question[:pos].endswith("的"):  # 青岛的市长
        before = re.split(r"[，,。？?！!：:、“”\s]|的", question[: pos - 1])[-1]
    before = re.sub(r"^(?:在|由|请问|那么|那|其中|现任|目前|现在|当时)", "", before)
    return re.sub(r"(?:常务)?副$", "", before.removeprefix("副")).strip()


@lru_cache(maxsize=512)
def analyze_focus(question: str) -> QuestionFocus:
    """The focus of a (normalised, simplified) question."""
    q = question.strip().rstrip("？?。！!")
    cue = next((m for m in CUE_RE.finditer(q) if q[max(0, m.start() - 1):m.start()] not in ("这", "那", "前", "近", "头")
                or m.start() == 0), None)  # 这几天 is not the question word
    tokens = list(tagged(q))
    starts, pos = [], 0
    for word, _ in tokens:
        starts.append(pos)
        pos += len(word)
    cue_at = cue.start() if cue else len(q)
    terms: list[str] = []
    generic = ""
    kind = ("", "")
    change = False
    bracket = False
    for i in range(len(tokens) - 1, -1, -1):
        word, flag = tokens[i]
        if starts[i] + len(word) > cue_at:
            continue
        if word in "）)" and not terms:
            bracket = True  # 地区生产总值（GDP）: look past the bracket
            continue
        if bracket:
            bracket = word not in "（("
            continue
        if flag == "x" or word in "《》“”（）()":
            break  # a title or quotation closes just before the question word: no focus of its own
        if word in SKIP or flag in ("uj", "ul", "p", "r", "c", "d", "m", "q", "f") or not word.strip():
            if terms or generic:
                break
            continue
        if word in GENERIC and not generic:
            generic = word  # 进出口总额: the quantity is the word before 总额
            continue
        if word in CHANGE_WORDS and not terms and not generic:
            change = True
            continue
        if change and not terms and (word in BASELINES or flag == "p"):
            continue  # 比上年同期增加: the baseline of the change is not the quantity
        if flag.startswith("v") and flag != "vn" and word not in MONEY_NOUNS or flag in NAMED:
            break  # verbs (拿到, 增加) and names (李建民) are not the asked quantity
        if len(word) >= 2 or flag.startswith("n"):
            terms.extend(_stems(word))
            kind = _kind(tokens, i)
        break
    head = event = ""
    if cue and cue.group(0) in ("多少", "几"):  # 哪个场馆 / 什么文件 name a category, not a word of the answer
        rest = q[cue.end():]
        rest = rest[1:] if rest[:1] in MEASURE or rest[:1] in "大" else rest  # 多少个赛项, 几大方面
        for word, flag in tagged(rest[:8]):
            if word in MEASURE or flag in ("m", "q", "r", "uj"):
                if head:
                    break
                continue
            if word in GENERIC:
                break
            if flag.startswith("n") or flag in ("vn", "b"):
                head = word  # the last noun of the run: 意大利设计师 -> 设计师
                continue
            if not head and flag == "v" and len(word) >= 2 and word not in SKIP:
                head = word  # 多少人受伤: the count is of those injured, not of those killed
                event = word if word in EVENTS else ""
            break
    title, tpos = _title_in(q)
    deputy = bool(title) and q[max(0, tpos - 1):tpos] == "副"
    owner = _owner(q, title, tpos) if title else ""
    return QuestionFocus(tuple(dict.fromkeys(t for t in terms if t != title)), head, title, deputy, owner,
                         tuple(qualifiers_of(q)), event, kind, change)


def _conflicting(word: str, sentence: str, at: int, question: str) -> bool:
    """出口 inside 进出口, 市长 after 副: the sentence names a different quantity or title."""
    if at > 0 and sentence[at - 1] in "进副" and sentence[at - 1] + word not in question:
        return True
    return False


def term_positions(word: str, sentence: str, question: str) -> list[int]:
    """Where the focus word stands in the sentence as itself (not as part of a different quantity)."""
    out, at = [], sentence.find(word)
    while at >= 0:
        if not _conflicting(word, sentence, at, question):
            out.append(at)
        at = sentence.find(word, at + 1)
    return out


# 高于全国4.4个百分点: a value compared with another (比全国高多少)
COMPARED_RE = re.compile(r"(?:高于|低于|高出|低出|快于|慢于)[\u4e00-\u9fff]{0,4}$")
CHANGE_RE = re.compile(r"(?:增长|增加|上涨|提高|提升|上升|下降|减少|下跌|降低|回落|增|降|涨|跌)(?:了|为|达|至)?$|"
                       + COMPARED_RE.pattern)


def after_change(sentence: str, start: int) -> bool:
    """The value at `start` follows a change word (同比增长5.4%, 下降了3成)."""
    return bool(CHANGE_RE.search(sentence[max(0, start - 4):start]))


def _kind(tokens: list[tuple[str, str]], i: int) -> tuple[str, str]:
    """(modifier, noun) of the focus word tokens[i]: (劳动密集型产品, 进出口), (外贸, 出口) from one word, or ("", "")."""
    word = tokens[i][0]
    mods: list[str] = []
    for w, f in reversed(tokens[max(0, i - 2):i]):
        if f == "nr" and len(w) >= 4:
            f = "n"  # 黄金首饰 is tagged as a name; Chinese names are shorter
        if len(w) < 2 or f not in MODIFIER_FLAGS or w in GENERIC or w in SKIP or w in SCOPES:
            break
        mods.insert(0, w)
    if mods and len(word) >= 2:
        return "".join(mods), word
    stem = next((p for p in _stems(word)[1:] if word.endswith(p) and len(word) - len(p) >= 2), "")
    return (word[: -len(stem)], stem) if stem and word[: -len(stem)] not in SCOPES else ("", "")


def _modifier_at(sentence: str, at: int, spans: list[tuple[int, int, str]], question: str, asked: str = "") -> str:
    """The noun narrowing the word at `at` (外贸 in 外贸进出口, 固定资产 before 投资), "" when it stands bare."""
    if at == 0 or sentence[at - 1] in BARE_MARKS:
        return ""
    start, _, flag = next(t for t in spans if t[0] <= at - 1 < t[1])
    word = sentence[start:at]
    if word in question and start > 0:  # 小微|贷款|余额 for 绿色贷款余额: the shared 贷款 is narrowed again
        before = next(t for t in spans if t[0] <= start - 1 < t[1])
        wider = sentence[before[0]:at]
        if before[2] in MODIFIER_FLAGS and len(wider) - len(word) >= 2 and wider not in question \
                and sentence[before[0]:start] not in SCOPES | GENERIC:
            return wider
    if asked and word != asked and asked.startswith(word):
        return word  # 黄金|消费量 is the whole, 黄金首饰消费 one part of it
    if len(word) < 2 or word in GENERIC or word in SCOPES or word in question:
        return ""
    inside = any(t[0] < at < t[1] for t in spans)  # 外贸进出口 is one word: its head is the modified noun
    return word if inside or flag in MODIFIER_FLAGS + ("nt",) else ""


def other_kind(focus: QuestionFocus, sentence: str, question: str = "", value_at: int = -1) -> str:
    """The other modifier the sentence puts on the asked noun (固定资产 for 基础设施投资), "" when none does.

    Only when the sentence never writes the asked modifier, and the noun the value belongs to (the last one before
    it, else the first) is narrowed by a noun of its own: 投资增长 alone, or after a comma, may be the asked one.
    """
    modifier, noun = focus.kind
    if not noun or modifier in sentence or noun not in sentence:  # 其中船舶海工装备增长…: the asked part is given
        return ""
    spans = [(at, at + len(word), flag) for word, flag, at in tagged_at(sentence)]
    places = [m.start() for m in re.finditer(re.escape(noun), sentence)]
    at = max((p for p in places if p < value_at), default=places[0])
    return _modifier_at(sentence, at, spans, question, modifier)


def qualifier_conflict(focus: QuestionFocus, text: str) -> bool:
    """The text states a different value of a qualifier the question fixes (去年 for 今年, 第二部 for 第一部)."""
    return bool(qualifier_clash(focus, text)[0])


def qualifier_clash(focus: QuestionFocus, text: str, classes: tuple[str, ...] | None = None) -> tuple[str, tuple[str, ...]]:
    """The first qualifier the question fixes (of `classes`, else of any class) that the text states only as other
    values: (the asked value, the values stated as written), or ("", ()) when there is none."""
    found = qualifiers_of(text)
    for cls, value in focus.qualifiers:
        if classes is not None and cls not in classes:
            continue
        stated = {canonical_qualifier(c, v): v for c, v in found if c == cls}
        if stated and canonical_qualifier(cls, value) not in stated:
            return value, tuple(stated.values())
    return "", ()


def canonical_qualifier(cls: str, value: str) -> str:
    """One spelling per value of a qualifier: Ⅱ级, II级 and 二级 are one level, 冠军 and 金牌 one medal."""
    if cls == "level":
        return LEVEL_DIGITS.get(value[:-1], value[:-1]) + "级"
    return SAME_VALUE.get(value, value)


# ways news writes the same event: 1人遇难 answers 多少人死亡, never 多少人受伤
EVENT_WORDS = (("死亡", "遇难", "罹难", "身亡", "丧生"), ("失联", "失踪"), ("获救", "救出", "营救"))
INJURED = ("受伤", "负伤", "伤")
# the events a news count is of; another verb after 多少 (几处查缉点位, 才能报名) is no event to check
EVENTS = frozenset(w for g in EVENT_WORDS for w in g) | frozenset(INJURED) | frozenset("被困 确诊 感染 住院 转移 撤离".split())


def event_in(event: str, text: str) -> bool:
    """Whether the text says the counted event (受伤) or a synonym (遇难 for 死亡)."""
    if event in INJURED:  # 伤 also stands in 死伤 and 伤亡, which count the injured with the dead
        return bool(re.search(r"受伤|(?<!死)伤(?!亡)", text))
    group = next((g for g in EVENT_WORDS if event in g), (event,))
    return any(w in text for w in group)
