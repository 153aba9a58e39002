"""Two-step questions (拥有上合之珠国际博览中心的那个城市，建起了…？): find the bridge entity, search again with it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..models import Hit
from ..segment.fields import parse_reporters
from .facts import _posseg, tagged_at
from .focus import CUE_RE, TITLES
from .judge import is_byline
from .question_type import ROLE_ENDINGS
from .values import titled_people

BRIDGE_RE = re.compile(r"^(?P<clause>.{4,}?)的(?:那|这)?(?:个|家|位|部|座|项|篇|名|条|款|场)?"
                       r"(?P<noun>[\u4e00-\u9fffA-Za-z]{1,14})[，,](?P<rest>.{4,})$")
THAT_RE = re.compile(r"^(?P<clause>.{4,}?)的那(?:个|家|位|部|座|项|篇|名|条|款|场|只|支|艘)(?P<after>.+)$")
NAME_ONLY_RE = re.compile(r"(?:叫什么(?:名字)?|名叫什么|姓什么|是谁|是哪位)[？?]?")
LOCATIVES = ("中", "里", "上", "下", "内", "外", "后", "前", "时", "间")
PERSON_NOUNS = ROLE_ENDINGS + TITLES  # 记者 and 作者 end in 者
PLACE_NOUNS = ("城市", "地方", "省份", "国家", "地区", "省", "市", "县", "区", "镇", "村")
NAMEISH = ("nr", "ns", "nt", "nz", "j")
PERSON_FLAGS = ("nr", "nrfg", "nrt")


@dataclass(frozen=True)
class Bridge:
    """The first step: what the relative clause names, where it was found, and the second question."""

    entity: str
    hit: Hit
    sentence: str
    sentence_start: int
    question: str


def split_two_step(question: str) -> tuple[str, str, str] | None:
    """(clause, noun, rest) when the question describes its subject by a clause: before a comma
    (拥有…的那个城市，建起了…), or marked by 的那个/那位 without one (最先开赛的那个大项一共将决出多少枚金牌)."""
    m = BRIDGE_RE.match(question.strip())
    parts = (m.group("clause"), m.group("noun"), m.group("rest")) if m else _split_at_that(question.strip())
    if parts is None:
        return None
    clause, noun, rest = parts
    if CUE_RE.search(clause) or not CUE_RE.search(rest) or NAME_ONLY_RE.fullmatch(rest):
        return None  # …的那位女乘客叫什么名字 asks for the bridge itself: one step
    if noun.endswith(LOCATIVES):
        return None  # …的格局中，东、西两端分别是哪里: a setting, not a thing to find first
    if "“" in clause and "”" not in clause:
        return None  # the comma sits inside a quotation
    return clause, noun, re.sub(r"^(?:其|它的|他的|她的|它|他|她|该)", "", rest)  # 其市场化交易电量… -> 市场化交易电量…


def _split_at_that(question: str) -> tuple[str, str, str] | None:
    """The noun after 的那个 runs while jieba tags nouns; the rest of the question follows it."""
    m = THAT_RE.match(question)
    if not m:
        return None
    after = m.group("after")
    noun = ""
    for w in _posseg().cut(after):
        # the first word is the noun whatever jieba tags it (大项 comes out as a numeral)
        if noun and not w.flag.startswith("n") or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z]+", w.word) \
                or len(noun + w.word) > 8 or noun and w.word in LOCATIVES:
            break  # 主体育场|内设有…: the locative belongs to the rest
        noun += w.word
    rest = after[len(noun):].lstrip("，,")
    return (m.group("clause"), noun, rest) if noun and len(rest) >= 4 else None


def _entity_in(sentence: str, clause: str, noun: str) -> str:
    """The name in the sentence the clause's noun stands for (西海岸新区 for 新区, 周云杰 for 总裁), of the noun's
    kind: a person for 选手 or 主管, a place for 城市, an organisation or other name (never a person or a
    place) for 台风 or 大项."""
    person = noun.endswith(PERSON_NOUNS)
    if person:
        for title, name, _, _ in titled_people(sentence):
            if noun.endswith(title) and name.text not in clause:
                return name.text
    fits = PERSON_FLAGS if person else ("ns",) if noun.endswith(PLACE_NOUNS) else ("nt", "nz", "j")
    words = tagged_at(sentence)
    found = []
    for i, (word, flag, pos) in enumerate(words):
        if not person and (word.endswith(noun[-2:]) or word.endswith(noun[-1]) and len(noun) == 1):
            name = word
            j = i - 1
            while j >= 0 and words[j][1] in NAMEISH + ("n",) and len(name) < 10:
                name = words[j][0] + name
                j -= 1
            if name != noun and name not in clause:
                found.append((pos, name))
        elif flag in fits and len(word) >= 2 and word not in clause and sentence[pos + len(word):][:1] not in "：:":
            found.append((pos, word))  # 正文： and 原标题： label the archive's fields; they name nothing
    if not found:
        return ""
    exact = [f for f in found if f[1].endswith(noun)]
    return (exact or found)[0][1]


def find_bridge(question: str, hits: list[Hit], settings) -> Bridge | None:
    """The bridge entity from the passages that best match the clause."""
    from .extractive import score_sentences

    parts = split_two_step(question)
    if parts is None:
        return None
    clause, noun, rest = parts
    for cand in score_sentences(clause, hits, settings)[:3]:
        hit = hits[cand.hit_index]
        if noun.endswith(("记者", "作者")):
            byline = next((s for s in hit.text.splitlines() if is_byline(s.strip())), "")
            names = parse_reporters(byline) if byline else ()
            entity = names[0] if names else ""
            sentence, start = (byline, hit.text.find(byline)) if entity else ("", 0)
        else:
            entity = _entity_in(cand.text, clause, noun)
            sentence, start = cand.text, cand.start
        if entity and cand.lexical >= 0.3:
            return Bridge(entity, hit, sentence, start, entity + re.sub(r"^(?:此前|之前|后来|同时|还)?", "", rest))
    return None


def answer_in_two_steps(index, question: str, hits: list[Hit], settings):
    """Answer the second question over a fresh search with the bridge entity, citing the bridge passage too."""

    from .extractive import answer_extractively
    from .models import Citation
    from .verify import check_answer

    bridge = find_bridge(question, hits, settings.extractive)
    if bridge is None:
        return None
    retrieval = settings.retrieval
    # the second question names its entity outright: BM25 finds it, without a second query embedding
    mode = "bm25" if retrieval.mode in ("hybrid", "bm25") else retrieval.mode
    second = index.search(bridge.question, settings=replace(retrieval, mode=mode))
    answer = answer_extractively(bridge.question, second, settings.extractive, extra=(bridge.hit,))
    if answer.abstained:
        return None
    note = f"分两步回答：先找到“{bridge.entity}”，再问“{bridge.question}”"
    if any(c.chunk_id == bridge.hit.chunk_id for c in answer.citations):
        return replace(answer, notes=answer.notes + (note,))
    number = max(c.number for c in answer.citations) + 1
    end = bridge.sentence_start + len(bridge.sentence)
    cite = Citation(number=number, chunk_id=bridge.hit.chunk_id, article_id=bridge.hit.article_id,
                    title=bridge.hit.title, dateline=bridge.hit.dateline, source=bridge.hit.source,
                    passage=bridge.hit.text, sentence=bridge.sentence, sentence_start=bridge.sentence_start,
                    sentence_end=end, start=bridge.hit.start, end=bridge.hit.end)
    text = answer.text + f"\n“{bridge.sentence.strip()}”[{number}]"
    passages = {c.number: c.passage for c in (*answer.citations, cite)}
    text, sentences, _ = check_answer(text, passages)
    return replace(answer, text=text, citations=answer.citations + (cite,), sentences=tuple(sentences),
                   notes=answer.notes + (note,))
