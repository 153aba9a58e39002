"""The Chinese time expressions we recognise, as one ordered regular expression over ascii_digits(text)."""

from __future__ import annotations

import re

NUM = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})"
QUARTER_NUM = r"[一二三四1-4]"
# Before a yearless month or day: not another digit, not part of a date written with separators.
NO_DIGIT_BEFORE = r"(?<![\d\-/.])"
TO = r"(?:-|~|至|到)"
# 前N个月 after these is a span before something else (提前2个月, 到期前一个月, 比前两个月, 当前7月份).
NOT_PREVIOUS = r"(?<![提之此以当目期日年到满比与较的起])"
# 上一季度, 前一季度 and 续期一季度 are a quarter before or a quarter long, not Q1.
NOT_A_QUARTER_NAME = r"(?<![前上下每续期个这本该同近])"
# Words that end in 前/明/光 and run into 天/日 (目前天气, 探明天然气, 光明日报) are not 前天/明天/明日.
DAY_WORD_GUARD = r"(?<![目当提此以之日事空眼面跟门生先从向超年月会节赛战考光探文说表证声透黎至])"
DAY_WORD_AFTER_GUARD = r"(?!津|头条|报|然|气|空|文|际|线|之星)"

# Group-name prefixes of the two copies of the year parts: after a year anchor, and on their own.
ANCHORED, SOLO = "a_", "s_"
YEAR_WORDS = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1, "后年": 2}
MONTH_WORDS = {"本月": 0, "这个月": 0, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1}
DAY_WORDS = {"今天": 0, "今日": 0, "今晨": 0, "今早": 0, "今晚": 0, "昨天": -1, "昨日": -1, "昨晚": -1,
             "昨夜": -1, "前天": -2, "明天": 1, "明日": 1}
WEEK_WORDS = {"本周": 0, "这周": 0, "上周": -1, "下周": 1}
# What follows a bare day in news (记者12日从…获悉, 5日发生, 22日通报); not 的 or 内 (拘留15日的处罚, 30日内).
BARE_DAY_NEXT = (r"[上下中]午|晚|早|凌晨|傍晚|夜|[，,、]|起|至|在|从|发生|发布|通报|消息|宣布|表示|举行|召开|开幕|公布|"
                 r"报道|晨|电|讯|\d{1,2}时")
WEEKDAYS = "一二三四五六日"
VAGUE_WORDS = ("近日", "日前", "近期", "连日来", "当天", "当日")


def _part(p: str, anchored: bool) -> str:
    """The part of a year an expression names; group names get prefix `p` (Python forbids repeats)."""
    guard = "" if anchored else NOT_PREVIOUS
    quarter_guard = "" if anchored else NOT_A_QUARTER_NAME
    parts = [
        rf"{guard}前(?P<{p}nmon>{NUM})个?月份?",
        rf"{guard}前(?P<{p}nq>{QUARTER_NUM})个?季度",
        rf"{quarter_guard}第?(?P<{p}q>{QUARTER_NUM})季度",
        rf"(?P<{p}half>[上下])半年",
        rf"{NO_DIGIT_BEFORE}(?P<{p}mr1>\d{{1,2}})(?: ?月份?)?{TO}(?P<{p}mr2>\d{{1,2}}) ?月份?",
        rf"{NO_DIGIT_BEFORE}(?P<{p}mon>\d{{1,2}}) ?月份?"
        rf"(?: ?(?P<{p}day>\d{{1,2}}) ?[日号]|(?P<{p}tenth>[上中下]旬|初(?![一二三四五六七八九十])|[底末]))?",
    ]
    if anchored:
        # 年初一 is a lunar new-year day, not the start of the year.
        parts += [r"年?初(?![一二三四五六七八九十])", r"年?[底末]", "同期", "以来"]
        names = ["boy", "eoy", "same", "since"]
        parts[-4:] = [rf"(?P<{p}{n}>{body})" for n, body in zip(names, parts[-4:])]
    else:
        parts += [rf"(?P<{p}boy>年初)(?![一二三四五六七八九十])", rf"(?P<{p}eoy>年[底末])"]
    return "|".join(parts)


def _words(words) -> str:
    """An alternation of `words`, longest first."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


YEAR = rf"(?:(?<![\d.\-/])(?P<yabs>(?:19|20)\d{{2}})\s?年(?!代|级|龄)|(?P<yrel>{_words(YEAR_WORDS)}))"

# Order matters: at one position the first alternative that matches wins, so longer forms come first.
EXPRESSION_RE = re.compile(
    rf"(?P<anchored>{YEAR}(?:{_part(ANCHORED, anchored=True)})?)"
    rf"|(?P<solo>{_part(SOLO, anchored=False)})"
    rf"|(?P<month_word>{_words(MONTH_WORDS)})"
    rf"|(?P<week_word>{_words(WEEK_WORDS)})(?P<weekday>[一二三四五六日]|天(?!气))?"
    # 前天津市长 is a former mayor of Tianjin; 今日头条 is an app.
    rf"|{DAY_WORD_GUARD}(?P<day_word>{_words(DAY_WORDS)}){DAY_WORD_AFTER_GUARD}"
    # A bare day (11日下午, 将于29日) is a day of a month next to the reference: the newsroom's usual shorthand.
    rf"|(?<![\d\-/.（(第每号月至到~])(?P<bare_day>(?<=于)\d{{1,2}}(?=日)|\d{{1,2}}(?=日(?:{BARE_DAY_NEXT})))日"
    rf"|(?P<vague>{_words(VAGUE_WORDS)})"
)
