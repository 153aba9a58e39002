"""The citation check applied to every answerer: markers must point to given passages, facts must match."""

from __future__ import annotations

import re

from .facts import fact_in, key_facts
from .models import AnswerSentence

MARKER_RE = re.compile(r"[\[［【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]］】]")
SENTENCE_RE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』）)]*(?:\s*\[\d+\])*|\n|$)")


def normalise_markers(text: str) -> str:
    """［1］, 【2】 and [1,3] become [1] [2] [1][3]."""
    def repl(m: re.Match) -> str:
        return "".join(f"[{n}]" for n in re.split(r"\s*[,，、]\s*", m.group(1)))
    return MARKER_RE.sub(repl, text)


def strip_invalid_markers(text: str, valid: set[int]) -> tuple[str, list[int]]:
    """Remove markers that point to no given passage; return the text and the removed numbers."""
    removed: list[int] = []

    def repl(m: re.Match) -> str:
        n = int(m.group(1))
        if n in valid:
            return m.group(0)
        removed.append(n)
        return ""
    return re.sub(r"\[(\d+)\]", repl, normalise_markers(text)), removed


def split_answer(text: str) -> list[str]:
    """Sentences of an answer; closing quotes and the markers after a full stop stay with that sentence."""
    return [m.group(0).strip() for m in SENTENCE_RE.finditer(text) if m.group(0).strip()]


def check_sentence(sentence: str, passages: dict[int, str]) -> AnswerSentence:
    """Verified when it cites a given passage and each of its facts occurs in one it cites."""
    cited = tuple(dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", sentence)))
    cited = tuple(n for n in cited if n in passages)
    problems: list[str] = []
    if not cited:
        problems.append("没有引用来源")
    else:
        for fact in key_facts(sentence):
            if not any(fact_in(fact, passages[n]) for n in cited):
                problems.append(f"“{fact}”未在引用的段落中出现")
    return AnswerSentence(text=sentence, citations=cited, verified=not problems, problems=tuple(problems))


def check_answer(text: str, passages: dict[int, str]) -> tuple[str, list[AnswerSentence], list[int]]:
    """(cleaned text, checked sentences, removed marker numbers) for an answer over numbered passages."""
    cleaned, removed = strip_invalid_markers(text, set(passages))
    sentences = [check_sentence(s, passages) for s in split_answer(cleaned)]
    return cleaned.strip(), sentences, removed
