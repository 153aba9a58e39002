"""Typed values in a sentence, with positions: numbers with units, dates, whole person names, titled people, places."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..tokenize import jieba_module
from .facts import CLOCK_RE, CN_NUMBER_RE, DATE_RE, NUMBER_RE, TITLE_RE, tagged_at
from .focus import TITLES

CLAUSE_MARKS = "，,；;。！？!?：:（）()“”"
TIME_UNITS = ("分钟", "小时", "天", "年", "个月", "个半月", "周", "秒", "工作日")
FOREIGN_MONEY = ("美元", "欧元", "港元", "日元", "韩元", "英镑", "卢布", "澳元", "新台币")
# 几千亩, 上千人, 近百项: an order of magnitude, not a count (no answer to 准确面积是多少)
VAGUE = tuple("几数上成近")
MONEY_UNITS = ("元", "美元", "欧元", "港元", "块钱", "块")
UNIT_GROUPS = (("家", "所", "户", "个"), ("名", "人", "位", "人次"))
ORDINAL_RE = re.compile(r"第[一二三四五六七八九十\d]{1,3}(?:名|位)?|(?<![\d.一二三四五六七八九十])[一二三四五六七八九十\d]{1,2}级")
# 八分之一 of a bloodline, 三分之二 of the votes: a share written as a fraction
FRACTION_RE = re.compile(r"[一二三四五六七八九十百\d]{1,3}分之[一二三四五六七八九十\d]{1,3}")
# transliterated foreign names after a title: 主席雷诺·艾德, 主任瓦列里•基斯塔诺夫
FOREIGN_NAME = r"[\u4e00-\u9fff]{1,5}[·•・][\u4e00-\u9fff]{1,6}"
PLACE_RE = re.compile(r"(?:在|于|落户|位于)((?:位于)?[^，,。；;、：:“”\s]{2,24}?)(?=召开|举行|举办|会见|开幕|开展|启动|落户|成立|"
                      r"签约|揭牌|挂牌|签署|开机|拍摄|亮相|启幕|进行)")
# 徐汇区天钥桥路855号, 香港路18号: a street and its number
_NAME_CHAR = r"(?:(?![在于位的是和与及向从到])[\u4e00-\u9fff])"
ADDRESS_RE = re.compile(rf"(?:{_NAME_CHAR}{{1,6}}?(?:省|市|区|县))*{_NAME_CHAR}{{1,10}}?(?:大道|路|街|道|巷|弄)"
                        r"\d{1,5}(?:-\d{1,5})?号")
# a dateline's agency (中新社北京7月21日电) says who reported, never where something happened
NEWS_AGENCIES = frozenset("新华社 中新社 中新网 央视 央视网 人民网 新华网 中央社 路透社 美联社 法新社 共同社 塔斯社 环球网 澎湃新闻 "
                          "新京报 北京青年报 北青报".split())
# after a person's name comes a verb, a mark or the end; a name glued to more nouns is part of something else
NAME_ENDS = set(CLAUSE_MARKS + "、 \u3000·")
NAMED_FLAGS = ("nr", "ns", "nt", "nz", "eng", "nrt", "nrfg")
NOUNISH = ("n", "ns", "nz", "nt", "ng", "zg", "j", "nrt", "nrfg", "l")


@dataclass(frozen=True)
class Value:
    """One candidate answer inside a sentence: [start, end) is where it stands."""

    text: str
    start: int
    end: int


def clause_bounds(sentence: str, at: int) -> tuple[int, int]:
    """[start, end) of the clause around position `at` (between commas, semicolons, colons …)."""
    start = max((sentence.rfind(m, 0, at) for m in CLAUSE_MARKS), default=-1) + 1
    ends = [i for i in (sentence.find(m, at) for m in CLAUSE_MARKS) if i >= 0]
    return start, min(ends) if ends else len(sentence)


def unit_fits(value: str, unit: str) -> bool:
    """Whether a number carries the unit the question asks for ("time" = any duration)."""
    if unit == "time":
        return value.endswith(TIME_UNITS)
    if unit == "%":
        return value.endswith(("%", "％", "成", "个百分点"))
    if unit == "money":
        return value.endswith(MONEY_UNITS)
    if unit == "area":
        return value.endswith(("平方米", "平方公里", "亩", "公顷"))
    if unit == "度":
        return value.endswith(("度", "℃"))
    if unit.startswith("个") and len(unit) > 1:  # 几个省 is answered by 7省
        return value.endswith((unit, unit[1:]))
    if unit.endswith("元") and value.endswith(FOREIGN_MONEY) and not unit.endswith(FOREIGN_MONEY):
        return False  # 每克多少元 is not answered by 2100美元
    for group in UNIT_GROUPS:  # 多少家大学 is answered by 10多所, 多少名 by 6位
        if unit in group:
            return value.endswith(group)
    return value.endswith(unit)


ROMAN_LEVEL_RE = re.compile(r"[ⅠⅡⅢⅣⅤⅥ]{1,3}级|(?<![\d.])[1-6IVX]{1,3}级")


def number_values(sentence: str, unit: str = "") -> list[Value]:
    """Numbers with their unit, Chinese-numeral quantities when no Arabic one is there; dates left out."""
    dates = [(m.start(), m.end()) for m in DATE_RE.finditer(sentence)]
    found = [Value(m.group(0), m.start(), m.end()) for m in NUMBER_RE.finditer(sentence)
             if any(ch.isdigit() for ch in m.group(0))]
    if unit == "级":  # 启动Ⅲ级应急响应
        found += [Value(m.group(0), m.start(), m.end()) for m in ROMAN_LEVEL_RE.finditer(sentence)
                  if not any(v.start <= m.start() < v.end for v in found)]
    for m in CN_NUMBER_RE.finditer(sentence):
        if any(v.start <= m.start() < v.end for v in found) or m.group(0).startswith("一"):
            continue
        start = m.start() - 1 if m.group(0)[0] in "十百千万亿" and sentence[m.start() - 1:m.start()] in VAGUE else m.start()
        found.append(Value(sentence[start:m.end()], start, m.end()))  # 近万台 whole, not 万台
    if unit in ("", "%"):
        found += [Value(m.group(0), m.start(), m.end()) for m in FRACTION_RE.finditer(sentence)
                  if not any(v.start <= m.start() < v.end for v in found)]
    found = [v for v in found if v.text[:1].isdigit() or sentence[v.start - 1:v.start] != "第"]  # 第二天 counts no days
    if unit != "time":
        found = [v for v in found if not any(s <= v.start < e for s, e in dates)]
    if unit:
        return [v for v in found if unit_fits(v.text, unit)]
    return found


def date_values(sentence: str, unit: str = "") -> list[Value]:
    """Dates; only those naming a year when the question asks 哪一年, a day for 哪天, times of day for 几点."""
    rx = CLOCK_RE if unit == "clock" else DATE_RE
    found = [Value(m.group(0), m.start(), m.end()) for m in rx.finditer(sentence)]
    if unit == "year":
        return [v for v in found if re.search(r"\d{4}年", v.text)]
    # 7月28日至7月29日 is one answer to 哪几天, 11:30—13:00 to 几点到几点: a span, not its first or last end
    spans = [Value(sentence[a.start:b.end], a.start, b.end) for a, b in zip(found, found[1:])
             if sentence[a.end:b.start] in ("至", "到", "-", "—", "～", "~", "至次年")]
    found = spans + [v for v in found if not any(s.start <= v.start < s.end for s in spans)]
    if unit == "day":
        return [v for v in found if re.search(r"\d(?:日|号)", v.text)]
    return found


SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
               "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常"
               "温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
               "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚"
               "岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑"
               "迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉"
               "禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜"
               "印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由")
KIN = tuple("父母爷奶哥姐弟妹叔姨伯婶舅")
PRONOUN_CHARS = "你我他她它们"
UNNAMED = ("先生", "女士", "小姐", "老师", "师傅", "阿姨", "大爷", "大妈", "同学", "书记", "医生", "律师", "老板", "总")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙", "宇文")


def _looks_like_name(word: str) -> bool:
    """A Chinese name: a surname first, and not a common word the tagger mistook (荣获 is in the dictionary)."""
    jieba = jieba_module()

    if not (word[0] in SURNAMES or word.startswith(COMPOUND_SURNAMES)) or word.endswith(KIN):
        return False  # 曾祖父 starts like 曾 but names a relative
    if word.endswith(UNNAMED) or "某" in word or any(ch in word for ch in PRONOUN_CHARS):
        return False  # 林先生, 郑某某: the article keeps the name back
    return (jieba.dt.FREQ.get(word) or 0) <= 100


def person_values(sentence: str, titled: list[tuple[str, Value, str, bool]] | None = None) -> list[Value]:
    """Whole person names: nr words that end where the name ends, not cut out of a place (西有藏|马山).
    `titled`: the sentence's titled_people when the caller has them already."""
    tokens = tagged_at(sentence)
    out = []
    for i, (word, flag, pos) in enumerate(tokens):
        if flag != "nr" or not 2 <= len(word) <= 4 or not re.fullmatch(r"[\u4e00-\u9fff·]+", word):
            continue
        if not _looks_like_name(word):
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt and nxt[0][0] not in NAME_ENDS and nxt[1] in NOUNISH:
            continue
        prev = tokens[i - 1] if i else None
        if prev and prev[1] in ("ns",) and prev[0][-1] not in NAME_ENDS:
            continue  # 灵山|西有藏: inside a place name
        out.append(Value(word, pos, pos + len(word)))
    # a name right after a post is a name whatever jieba tags it: 主席雷诺·艾德, 首席财务官Kim Woohyun
    titled = [name for _, name, _, _ in (titled_people(sentence) if titled is None else titled)]
    out = [v for v in out if not any(t.start <= v.start and v.end <= t.end and t != v for t in titled)]  # 雷诺|·艾德
    out += [t for t in titled if not any(v.start < t.end and t.start < v.end for v in out)]
    return sorted(out, key=lambda v: v.start)


_AFTER_TITLED = (r"(?=表示|介绍|所说|说|指出|认为|称|强调|告诉|坦言|透露|出席|主持|会见|汇报|发言|出任|担任|接受|"
                 r"一行|等|在|向|对|与|和|同|带领|率|[，,。、；;：:\s（()“”]|$)")
TITLE_ALTERNATIVES = "|".join(sorted(TITLES, key=len, reverse=True))  # the longest post first: 副总经理 before 经理
TITLED_RE = re.compile("(" + TITLE_ALTERNATIVES + ")"
                       r"((?:" + FOREIGN_NAME + r"|[\u4e00-\u9fff·]{2,4}?)" + _AFTER_TITLED +
                       r"|[A-Z][a-zA-Z'’-]+(?: [A-Z][a-zA-Z'’-]+){0,2}(?![A-Za-z'’-]))")
CHAIN_MARKS = "，,；;。！？!?：:“”（(\n "


ANY_TITLE_RE = re.compile(TITLE_ALTERNATIVES)
# a character that follows a two-character name rather than ending a three-character one (张伟表示, 王波主持)
AFTER_NAME = frozenset("说表指在向对与和同等率带称认也都就还是已将会曾正被把让给为出作接介透告强坦发致讲提所的一今近昨及均亦做主"
                       "参看来去到从前后上下中分于以此其该这那时")
POST_ENDS = "员长记任席理监事师官委人"


def _name_after_posts(sentence: str, end: int) -> Value | None:
    """The Chinese name closing the chain of posts that starts at `end`: 、一级调研员肖怡一行 -> 肖怡, 韩少云做客 -> 韩少云."""
    stop = min((i for i in (sentence.find(c, end) for c in CHAIN_MARKS) if i >= 0), default=len(sentence))
    segment_start = sentence.rfind("、", end, stop) + 1 or end
    segment = sentence[segment_start:stop]
    for i, ch in enumerate(segment):
        if ch not in SURNAMES or (i and segment[i - 1] not in POST_ENDS):
            continue
        size = 3 if len(segment) > i + 2 and segment[i + 2] not in AFTER_NAME else 2
        if len(segment) > i + size and segment[i + size] not in AFTER_NAME:
            continue  # 乔尔杰维奇: a longer (transliterated) name, not one to cut
        name = segment[i:i + size]
        if len(name) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", name) and _looks_like_name(name[:2]) \
                and not any(ch in name for ch in PRONOUN_CHARS):
            return Value(name, segment_start + i, segment_start + i + len(name))
    return None


def _post_chain(sentence: str, title_start: int, title_end: int) -> tuple[str, bool]:
    cut = max(sentence.rfind(c, 0, title_start) for c in CHAIN_MARKS)
    chain = sentence[max(cut + 1, title_end - 20):title_end]  # the posts just before the name
    return chain, sentence[max(0, title_start - 3):title_start].endswith(("副", "常务副"))


def titled_people(sentence: str) -> list[tuple[str, Value, str, bool]]:
    """(title, name, the chain of posts before it, deputy?) for 胶州市委副书记、市长于冬泉 and the like; a post
    early in a chain names the person at its end (党组书记、常务副主席、一级调研员肖怡)."""
    out = []
    for m in TITLED_RE.finditer(sentence):
        if (jieba_module().dt.FREQ.get(m.group(2)) or 0) > 500 or any(ch in m.group(2) for ch in PRONOUN_CHARS):
            continue  # 行长表示, 书记向孩子们: a common word or a pronoun, not a name
        chain, deputy = _post_chain(sentence, m.start(), m.end(1))
        out.append((m.group(1), Value(m.group(2), m.start(2), m.end(2)), chain, deputy))
    for m in ANY_TITLE_RE.finditer(sentence):
        if any(t.start() == m.start() for t in TITLED_RE.finditer(sentence, m.start(), m.end() + 12)):
            continue
        name = _name_after_posts(sentence, m.end())
        if name is not None and not any(n.start == name.start and title == m.group(0) for title, n, _, _ in out):
            chain, deputy = _post_chain(sentence, m.start(), m.end())
            out.append((m.group(0), name, chain, deputy))
    return out


POST_RE = re.compile(r"(?:常务)?副?(?:" + TITLE_ALTERNATIVES + ")")


def post_values(sentence: str) -> list[Value]:
    """The posts a sentence names, with a 副 they carry: 副首席投资官, 县长."""
    return [Value(m.group(0), m.start(), m.end()) for m in POST_RE.finditer(sentence)]


def frame_values(sentence: str, noun: str) -> list[Value]:
    """What a sentence puts in 以…为主题 (the quoted slogan without its quotes): 食在广州·情动两岸."""
    out = []
    for m in re.finditer(r"以(“[^”]{2,40}”|[^，,。；;、“”]{2,24}?)(?:作)?为" + re.escape(noun), sentence):
        text, start = m.group(1), m.start(1)
        if text.startswith("“"):
            text, start = text[1:-1], start + 1
        out.append(Value(text, start, start + len(text)))
    return out


LABELLED_PLACE_RE = re.compile(r"(?:地点|场地|地址|会场|举办地|设置地点)[：:]\s*([^，,。；;：:\s]{2,30})")


def work_values(sentence: str) -> list[Value]:
    """The titles of works a sentence names, without their 《》: 《长城》 -> 长城."""
    return [Value(m.group(0)[1:-1], m.start() + 1, m.end() - 1) for m in TITLE_RE.finditer(sentence)]


def place_values(sentence: str, address: bool = False) -> list[Value]:
    """Where something happened (在府新大厦会见), then places and organisations (jieba ns / nt); street
    addresses (徐汇区天钥桥路855号) first when the question asks for an address."""
    if address:
        found = [Value(m.group(0), m.start(), m.end()) for m in ADDRESS_RE.finditer(sentence)]
        if found:
            return found
    labelled = [Value(m.group(1), m.start(1), m.end(1)) for m in LABELLED_PLACE_RE.finditer(sentence)]
    if labelled:  # 演出场地：邢台襄都万达广场4层万达影城IMAX厅
        return labelled
    venues = [Value(m.group(1).removeprefix("位于"), m.start(1), m.end(1)) for m in PLACE_RE.finditer(sentence)]
    named: list[Value] = []
    for w, f, p in tagged_at(sentence):
        if f in ("ns", "nt") and len(w) >= 2 and w not in NEWS_AGENCIES:
            if named and named[-1].end == p:  # 海淀区|凤凰岭 is one place
                named[-1] = Value(named[-1].text + w, named[-1].start, p + len(w))
            else:
                named.append(Value(w, p, p + len(w)))
    return venues + [v for v in named if not any(u.start <= v.start < u.end for u in venues)]


TRAIN_RE = re.compile(r"(?<![A-Za-z0-9])[GDCZTKYL]\d{1,5}次?(?![A-Za-z0-9])")
FLIGHT_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z0-9]{2}\d{3,4}(?![A-Za-z0-9])")
# words that point back instead of naming: 这所大学, 该医院, 一家健身房
POINTERS = ("这", "那", "该", "此", "本", "其", "一", "某", "各", "每", "多")


LINK_WORDS = frozenset("是 在 有 为 到 往 去 向 被 把 将 于 的 及 和 与 或 前往 来到 位于".split())
NAME_PARTS_STOP = ("p", "c", "d", "r", "m", "x", "uj", "ul", "uz", "ud", "ug", "uv", "f", "t")
ROADS = ("路", "大道", "街")
DISEASES = ("病", "症", "癌", "炎", "瘤", "综合征")


def named_values(sentence: str, kind: str) -> list[Value]:
    """Names of one kind of place or body: 早稻田大学 for 大学, G1234次 for 车次; never the bare kind (一家健身房),
    nor a common word that ends in it (示范村镇)."""
    if kind in ("车次", "航班"):
        return [Value(m.group(0), m.start(), m.end()) for m in (TRAIN_RE if kind == "车次" else FLIGHT_RE)
                .finditer(sentence)]
    jieba = jieba_module()
    tokens = tagged_at(sentence)
    out = []
    road = kind in ROADS
    endings = DISEASES if kind == "病" else (kind,)  # 什么病 is answered by 胰腺癌 as well
    for i, (word, flag, pos) in enumerate(tokens):
        if road and word.startswith(kind) and word[len(kind):] in ("上", "口", "边", "段", "旁"):
            word = kind  # 开拓|路上: the road ends before 上
        if not word.endswith(endings):
            continue
        end, j = pos + len(word), i - 1
        if word not in endings and (jieba.dt.FREQ.get(word) or 0) > 100 and (j < 0 or tokens[j][1] not in NAMED_FLAGS):
            continue  # 示范|村镇, 城镇: a word of the language, not a name
        # the name runs back over nouns and names (青岛|威斯汀|酒店, 宝|山镇), not over 与/这/一家 or a verb
        start = pos
        while j >= 0 and end - tokens[j][2] <= 16:
            w, f, p = tokens[j]
            verb_ok = road and j == i - 1  # 开拓路, 解放路: a road is often named by a verb
            if f in NAME_PARTS_STOP or (f.startswith("v") and len(w) >= 2 and not verb_ok) or w in CLAUSE_MARKS \
                    or w in LINK_WORDS:
                break
            start, j = p, j - 1
        name = sentence[start:end]
        if len(name) > len(word if word in endings else kind) and not name.startswith(POINTERS):
            out.append(Value(name, start, end))
    return out


def ordinal_values(sentence: str) -> list[Value]:
    """Ranks: 第一, 第3名."""
    return [Value(m.group(0), m.start(), m.end()) for m in ORDINAL_RE.finditer(sentence)]
