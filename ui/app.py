"""The Gradio page (问答 and 资料库 tabs) and `launch`, the body of `rag ui`."""

from __future__ import annotations

import ipaddress
import logging
import sys
from pathlib import Path

import gradio as gr

from rag.answer.llm_settings import LLMSettings, load_llm_settings
from rag.errors import RagError

from . import chat, corpus, layout, render
from .state import AppState
from .style import CSS, theme

CONCURRENCY = 4
REASONS_ZH = {"binary": "不是文本文件", "empty file": "空文件", "not valid": "编码无法识别",
              "declared": "编码与声明不符", "no article text": "没有找到文章正文",
              "could not be split": "无法切分为文章", "too large": "文件太大", "cannot read": "无法读取"}

log = logging.getLogger("rag.ui")


def llm_defaults() -> tuple[LLMSettings, str]:
    """The configured endpoint (config file, environment), and a warning when the config is broken."""
    try:
        return load_llm_settings(), ""
    except RagError as exc:
        return LLMSettings(), f"⚠ 大模型配置有误：{exc}"


def corpus_view(state: AppState) -> tuple[list[list], str]:
    """(files table rows, summary line) of the current index."""
    index = state.index
    m = index.manifest
    summary = (f"共 **{m.files}** 个文件、**{m.articles}** 篇文章、**{m.chunks}** 个段落 · 向量模型 `{m.embedder}`"
               f" · 上传的文件保存在 `{display_path(state.uploads_dir)}`")
    return corpus.files_rows(index, state.uploads_dir), summary


def display_path(path: Path) -> str:
    """A folder as its owner would type it: relative to the working directory or ~ when possible."""
    path = Path(path).resolve()
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def reason_zh(reason: str) -> str:
    for prefix, zh in REASONS_ZH.items():
        if reason.startswith(prefix):
            return f"{zh}（{reason}）"
    return reason


def upload_result(state: AppState, job: corpus.BuildJob, messages: list[str]) -> str:
    """Final status of an upload batch: what was indexed (green), what was refused and why (red)."""
    done, failed = [], list(messages)
    if job.error:
        failed.insert(0, f"索引更新失败：{job.error}。原有资料不受影响。")
    else:
        records = {f.name: f for f in state.index.files()}
        for name in job.names:
            if name in job.problems:
                failed.insert(0, f"未能收录“{name}”：{reason_zh(job.problems[name])}")
            elif name in records:
                r = records[name]
                done.append(f"已收录“{name}”：{r.articles} 篇文章、{r.chunks} 个段落，现在即可在“问答”中提问。")
                if name in job.warnings:
                    failed.append(f"“{name}”中有部分内容未能读取：{reason_zh(job.warnings[name])}")
    return "".join(render.progress_html("\n".join(lines), kind=kind)
                   for lines, kind in ((done, "ok"), (failed, "error")) if lines)


def build_app(state: AppState) -> gr.Blocks:
    """The page; every handler goes through rag's public functions via ui.chat and ui.corpus."""
    llm, llm_warning = llm_defaults()

    def respond(question, history, mode, k, answerer, base_url, model, since="", until=""):
        yield from chat.respond(state, llm, question, history, mode, k, answerer, base_url, model, since, until)

    def search_only(question, mode, k, since="", until=""):
        return chat.search_only(state, question, mode, k, since, until), gr.Tabs(selected="hits")

    def check_endpoint(base_url, model):
        return chat.llm_status(llm, base_url, model)

    def clear():
        return [], render.placeholder(layout.SOURCES_EMPTY), render.placeholder(layout.HITS_EMPTY), ""

    def refresh():
        return corpus_view(state)

    def add_files(paths):
        if not paths:
            yield render.progress_html("请先选择要上传的文件。", kind="error"), gr.skip(), gr.skip(), gr.skip()
            return
        job, messages = corpus.stage_uploads(state, [(Path(p), Path(p).name) for p in paths])
        if job is None:
            yield render.progress_html("\n".join(messages), kind="error"), gr.skip(), gr.skip(), None
            return
        corpus.submit(state, job)
        names = "、".join(job.names)
        while not job.finished.wait(0.4):  # the build runs in its own thread: leaving the page does not stop it
            yield render.progress_html(f"{job.stage}：{names}", job.done, job.total), gr.skip(), gr.skip(), gr.skip()
        rows, summary = corpus_view(state)
        yield upload_result(state, job, messages), rows, summary, None

    with gr.Blocks(title=layout.TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        layout.header()
        with gr.Tabs(elem_id="main-tabs"):
            c = layout.chat_tab(llm, llm_warning)
            f = layout.corpus_tab()

        ask_inputs = [c.question, c.chatbot, c.mode, c.k, c.answerer, c.base_url, c.model, c.since, c.until]
        ask_outputs = [c.question, c.chatbot, c.sources, c.hits]
        c.ask.click(respond, ask_inputs, ask_outputs, api_name="ask", show_progress="hidden")
        c.question.submit(respond, ask_inputs, ask_outputs, api_visibility="private", show_progress="hidden")
        for trigger in (c.clear.click, c.chatbot.clear):
            trigger(clear, None, [c.chatbot, c.sources, c.hits, c.question], queue=False, api_visibility="private")
        c.search.click(search_only, [c.question, c.mode, c.k, c.since, c.until], [c.hits, c.side_tabs],
                       api_name="search")
        c.check.click(check_endpoint, [c.base_url, c.model], c.llm_status, api_visibility="private")
        f.add.click(add_files, f.upload, [f.status, f.files, f.summary, f.upload], api_name="add_files",
                    concurrency_limit=2, show_progress="hidden")
        f.refresh.click(refresh, None, [f.files, f.summary], api_name="files")
        demo.load(refresh, None, [f.files, f.summary], api_visibility="private")
        if llm.configured and not llm_warning:
            demo.load(check_endpoint, [c.base_url, c.model], c.llm_status, api_visibility="private")
    return demo


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """'user:password' (from --auth or RAG_UI_AUTH) as Gradio's auth tuple; None when unset."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise RagError("--auth / RAG_UI_AUTH must look like user:password")
    return user, password


def exposure_warning(host: str, auth: tuple[str, str] | None) -> str | None:
    """A warning when the page is bound to an address other machines can reach and no password is set."""
    if auth:
        return None
    name = (host or "").strip().strip("[]")
    if name.lower() == "localhost":
        return None
    try:
        if ipaddress.ip_address(name).is_loopback:
            return None
    except ValueError:
        pass  # a host name or interface other than localhost: assume others can reach it
    return (f"warning: --host {host} without --auth: anyone who can reach this machine can open the page, read "
            f"the archive and upload files; set --auth user:password (or $RAG_UI_AUTH), or keep --host 127.0.0.1")


def launch(index_dir: Path, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
           uploads_dir: Path | None = None, embedder: str | None = None, concurrency: int = CONCURRENCY,
           block: bool = True, collection: str | None = None):
    """Open (or first build) the index, then serve the page; returns the Blocks when `block` is False.
    `collection` names the Milvus collection of `milvus:URI` (default rag_news), as `--collection` does."""
    from rag.service import open_or_build

    warning = exposure_warning(host, auth)
    if warning:  # before anything slow, so it is the first thing the person starting the page sees
        print(warning, file=sys.stderr, flush=True)
    index = open_or_build(Path(index_dir), embedder, collection=collection)
    if index.size:
        index.embedder.embed_query("预热")  # load the model now, not while the first visitor waits
    state = AppState(index, uploads_dir)
    demo = build_app(state)
    demo.queue(default_concurrency_limit=concurrency)
    print(f"{layout.TITLE}: {index.manifest.files} files, {index.manifest.chunks} chunks from {index.folder}; "
          f"uploads go to {state.uploads_dir}" + ("; password required" if auth else ""), file=sys.stderr, flush=True)
    try:
        demo.launch(server_name=host, server_port=port, share=False, auth=auth, prevent_thread_lock=True,
                    auth_message="请输入用户名和密码" if auth else None, max_file_size="200mb", show_error=True,
                    theme=theme(), css=CSS, quiet=True, run_history=False)
    except OSError as exc:
        raise RagError(f"cannot serve on {host}:{port} ({exc}); choose another port with --port") from None
    print(f"界面地址 / page: {demo.local_url}  (Ctrl+C 停止)", file=sys.stderr, flush=True)
    if block:
        try:
            demo.block_thread()
        finally:
            state.shutdown()
    return demo
