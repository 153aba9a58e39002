"""Follow-ups rewritten into questions of their own: rules first, the LLM's condense step when one is configured."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..errors import RagError
from .followup import Turn, is_follow_up, rewrite_follow_up
from .llm_settings import LLMSettings

log = logging.getLogger("rag.answer")

CONDENSE_PROMPT = (
    "下面是用户与新闻资料问答助手的对话，以及用户的后续问题。请把后续问题改写成一个不依赖对话、"
    "意思完整的独立问题（补全省略的主语、时间和对象），只输出改写后的问题，不要回答。\n\n"
    "对话：\n{history}\n\n后续问题：{question}\n独立问题："
)


def condense_with_llm(question: str, history: list[Turn], settings: LLMSettings) -> str:
    """The model's standalone version of the follow-up (one line), or "" when it gives nothing usable."""
    from ..adapters.langchain_chat import stream_completion

    lines = "\n".join(f"用户：{t.question}\n助手：{(t.answer or '').strip()[:200]}" for t in history[-3:])
    text = "".join(stream_completion(settings, CONDENSE_PROMPT.format(history=lines, question=question))).strip()
    text = text.splitlines()[0].strip().strip("“”\"") if text else ""
    return text if 2 <= len(text) <= 4 * len(question) + 80 else ""


def standalone_question(question: str, history: list[Turn], llm: LLMSettings | None = None) -> str:
    """The question to search and answer with: unchanged when it stands alone or there is no history."""
    if not history or not is_follow_up(question):
        return question
    if llm is not None and llm.configured:
        try:
            condensed = condense_with_llm(question, history, llm)
        except Exception as exc:  # the endpoint failing must not lose the question: fall back to the rules
            log.warning("condense step failed (%s: %s); using the rule-based rewrite", type(exc).__name__, exc)
            condensed = ""
        if condensed:
            return condensed
    return rewrite_follow_up(question, history)


def load_history(path: Path) -> list[Turn]:
    """Earlier turns from a file: a JSON list or JSON Lines of {"question", "answer"} objects, or one question
    per line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RagError(f"cannot read the history file {path} ({exc.strerror}); give a JSON list or one question "
                       "per line") from None
    stripped = text.strip()
    if stripped.startswith("{"):  # JSON Lines: one {"question", "answer"} object a line, as --json writes them
        try:
            data = [json.loads(line) for line in stripped.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise RagError(f"history file {path} starts like JSON Lines but a line is not valid JSON ({exc}); use "
                           '{"question": …, "answer": …} objects, one a line, or one question per line') from None
    elif stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise RagError(f"history file {path} is not valid JSON ({exc}); use a list of "
                           '{"question": …, "answer": …} objects or one question per line') from None
    else:
        return [Turn(line.strip()) for line in text.splitlines() if line.strip()]
    turns = []
    for item in data:
        if isinstance(item, str):
            turns.append(Turn(item))
        elif isinstance(item, dict) and isinstance(item.get("question"), str):
            turns.append(Turn(item["question"], str(item.get("answer") or ""), str(item.get("short_answer") or "")))
        else:
            raise RagError(f"history file {path}: each entry needs a \"question\" string, got {item!r}")
    return turns


def turns_from(history) -> list[Turn]:
    """Turn objects from Turns, {"question","answer"} dicts or plain question strings."""
    out = []
    for item in history or ():
        if isinstance(item, Turn):
            out.append(item)
        elif isinstance(item, str):
            out.append(Turn(item))
        else:
            out.append(Turn(str(item.get("question", "")), str(item.get("answer") or ""),
                            str(item.get("short_answer") or "")))
    return [t for t in out if t.question.strip()]
