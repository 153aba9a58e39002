"""The 问答 tab's handlers: settings from the form, answers streamed into the chat, the retrieval view."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from dataclasses import replace

from rag.answer.llm_settings import LLMSettings, endpoint_status
from rag.answer.models import Answer
from rag.answer.pipeline import AskSettings, stream_answer
from rag.errors import RagError
from rag.retrieval import RetrievalSettings

from . import render
from .state import AppState

log = logging.getLogger("rag.ui")

EXAMPLES = [
    "前2个月青岛市外贸进出口多少？",
    "海尔青岛洗衣机互联工厂从钢板到整机最快需要多久？",
    "凤麟核中子分析仪项目总经费是多少？",
    "宝山镇蓝莓种植面积有多大？",
]
WAITING = "正在检索资料…"
REWRITE_RE = re.compile(r"^\*理解为：(.+?)\*\n")
CURSOR = " ▍"


def retrieval_settings(mode: str, k: float, since: str = "", until: str = "") -> RetrievalSettings:
    """RetrievalSettings from the form: mode, k and the publication date range (blank: no bound)."""
    return RetrievalSettings(mode=mode, k=int(k), since=(since or "").strip() or None,
                             until=(until or "").strip() or None)


def ask_settings(mode: str, k: float, answerer: str, base_url: str, model: str, llm: LLMSettings,
                 since: str = "", until: str = "") -> AskSettings:
    """AskSettings from the form; the API key and limits stay those configured on the server."""
    llm = replace(llm, base_url=(base_url or "").strip(), model=(model or "").strip())
    return AskSettings(retrieval=retrieval_settings(mode, k, since, until), answerer=answerer, llm=llm)


def respond(state: AppState, llm: LLMSettings, question: str, history: list, mode: str, k: float,
            answerer: str, base_url: str, model: str, since: str = "", until: str = "") -> Iterator[tuple]:
    """Yield (question box, chat, sources, hits) as the answer is produced; the last yield is the checked answer."""
    question = (question or "").strip()
    history = list(history or [])
    if not question:
        yield "", history, _keep(), _keep()
        return
    turns = earlier_turns(history)
    # the question is shown as typed: markup in it is text, never HTML the chat would render
    history += [{"role": "user", "content": render.md_escape(question)}, {"role": "assistant", "content": WAITING}]
    yield "", list(history), render.placeholder(WAITING), _keep()
    answer = None
    streamed = ""
    try:
        settings = ask_settings(mode, k, answerer, base_url, model, llm, since, until)
        for item in stream_answer(state.index, question, settings, history=turns):
            if isinstance(item, Answer):
                answer = item
            else:
                streamed += item
                history[-1] = {"role": "assistant", "content": render.md_escape(streamed) + CURSOR}
                yield "", list(history), _keep(), _keep()  # a copy per update: the caller may keep each one
    except RagError as exc:
        history[-1] = {"role": "assistant", "content": render.error_markdown(str(exc))}
        yield "", history, render.placeholder("没有答案。"), _keep()
        return
    except Exception as exc:  # e.g. the LLM endpoint went away mid-answer: say so in the chat, keep the page alive
        log.exception("answering %r failed", question)
        where = f"大模型接口 {base_url} 出错" if answerer == "llm" else "回答时出错"
        history[-1] = {"role": "assistant", "content": render.error_markdown(f"{where}：{type(exc).__name__}: {exc}")}
        yield "", history, render.placeholder("没有答案。"), _keep()
        return
    history[-1] = {"role": "assistant", "content": rewrite_line(answer) + render.answer_markdown(answer)}
    shown = answer.rewritten_question or question
    yield "", history, render.sources_html(answer), render.hits_html(shown, answer.hits, mode)


def rewrite_line(answer: Answer) -> str:
    """How a follow-up was understood, above its answer (and read back by earlier_turns)."""
    if not answer.rewritten_question:
        return ""
    return f"*理解为：{render.md_escape(answer.rewritten_question)}*\n\n"


def _plain(markdown: str) -> str:
    """Chat markdown back to text: no escapes, emphasis or tags."""
    text = re.sub(r"\\(.)", r"\1", markdown)
    return html.unescape(re.sub(r"<[^>]+>|\*\*", "", text))


def _content(message) -> str:
    content = message.get("content") if isinstance(message, dict) else getattr(message, "content", "")
    if isinstance(content, list):  # Gradio may hand back a list of parts
        content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return content if isinstance(content, str) else ""


def earlier_turns(history: list) -> list[dict]:
    """The conversation so far as {"question", "answer"} turns; a follow-up counts as it was understood."""
    turns: list[dict] = []
    for message in history:
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", "")
        content = _content(message)
        if role == "user":
            turns.append({"question": _plain(content), "answer": ""})
        elif role == "assistant" and turns and not turns[-1]["answer"] and content != WAITING:
            m = REWRITE_RE.match(content)
            if m:
                turns[-1]["question"] = _plain(m.group(1))
                content = content[m.end():]
            turns[-1]["answer"] = _plain(content)
    return [t for t in turns if t["question"].strip()]


def search_only(state: AppState, question: str, mode: str, k: float, since: str = "", until: str = "") -> str:
    """The retrieval view without answering, for people who want to see why a passage was chosen."""
    question = (question or "").strip()
    if not question:
        return render.placeholder("请先输入问题。")
    try:
        settings = retrieval_settings(mode, k, since, until)
        hits = state.index.search(question, settings=settings)
    except RagError as exc:
        return render.placeholder(str(exc))
    return render.hits_html(question, hits, mode)


def llm_status(llm: LLMSettings, base_url: str, model: str) -> str:
    """Whether the endpoint in the form answers GET /models."""
    settings = replace(llm, base_url=(base_url or "").strip(), model=(model or "").strip())
    ok, message = endpoint_status(settings)
    return f"{'✅' if ok else '⚠'} {message}"


def _keep():
    """Leave an output as it is (gr.skip() without importing gradio here)."""
    import gradio as gr

    return gr.skip()
