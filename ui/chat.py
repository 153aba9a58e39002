"""The 问答 tab's handlers: settings from the form, answers streamed into the chat, the retrieval view."""

from __future__ import annotations

import logging
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
CURSOR = " ▍"


def ask_settings(mode: str, k: float, answerer: str, base_url: str, model: str, llm: LLMSettings) -> AskSettings:
    """AskSettings from the form; the API key and limits stay those configured on the server."""
    llm = replace(llm, base_url=(base_url or "").strip(), model=(model or "").strip())
    return AskSettings(retrieval=RetrievalSettings(mode=mode, k=int(k)), answerer=answerer, llm=llm)


def respond(state: AppState, llm: LLMSettings, question: str, history: list, mode: str, k: float,
            answerer: str, base_url: str, model: str) -> Iterator[tuple]:
    """Yield (question box, chat, sources, hits) as the answer is produced; the last yield is the checked answer."""
    question = (question or "").strip()
    history = list(history or [])
    if not question:
        yield "", history, _keep(), _keep()
        return
    history += [{"role": "user", "content": question}, {"role": "assistant", "content": WAITING}]
    yield "", list(history), render.placeholder(WAITING), _keep()
    answer = None
    streamed = ""
    try:
        settings = ask_settings(mode, k, answerer, base_url, model, llm)
        for item in stream_answer(state.index, question, settings):
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
    history[-1] = {"role": "assistant", "content": render.answer_markdown(answer)}
    yield "", history, render.sources_html(answer), render.hits_html(question, answer.hits, mode)


def search_only(state: AppState, question: str, mode: str, k: float) -> str:
    """The retrieval view without answering, for people who want to see why a passage was chosen."""
    question = (question or "").strip()
    if not question:
        return render.placeholder("请先输入问题。")
    try:
        settings = RetrievalSettings(mode=mode, k=int(k))
        hits = state.index.search(question, k=settings.k, mode=settings.mode, settings=settings)
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
