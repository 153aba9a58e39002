"""The page's components and Chinese labels, laid out; behaviour is wired in ui.app."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from rag.answer.llm_settings import LLMSettings

from . import render
from .chat import EXAMPLES

TITLE = "青岛新闻资料问答"
SUBTITLE = "从本地新闻资料中检索并作答，每个答案都标注来源 [1] [2]，可对照原文核实。"
MODE_CHOICES = [("混合（BM25 + 向量）", "hybrid"), ("BM25 关键词", "bm25"), ("向量语义", "dense")]
ANSWERER_CHOICES = [("抽取式（离线，默认）", "extractive"), ("大模型（OpenAI 兼容接口）", "llm")]
FILE_HEADERS = ["文件", "文章数", "段落数", "来源", "收录时间"]
SOURCES_EMPTY = "提问后，这里列出答案引用的原文段落，支持答案的句子以黄色标出。"
HITS_EMPTY = "提问后，这里列出检索到的段落、融合得分和各检索器的名次与得分。"
CORPUS_HELP = ("上传的文章会在后台建立索引，完成后即可在“问答”中提问；原有资料保持不变。"
               "可上传文本（.txt .md，UTF-8、GB18030/GBK 或 UTF-16）、报纸 PDF（含扫描版，自动 OCR）、版面图片、"
               "保存的网页（.html）、Word 文档（.docx）和数据库导出（.jsonl .csv，可压缩为 .gz .xz）。"
               "每次最多 50 个文件；单个文件上限：{limits}。无法读取的文件会列出文件名和原因。")
CHAT_PLACEHOLDER = ("**向资料提问**\n\n答案只来自已收录的新闻资料，并用 [1] [2] 标注出处；"
                    "资料中没有答案时会直接说明。可点下方的示例问题试试。")


def corpus_limits() -> str:
    from .corpus import limits_text

    return limits_text()


def header() -> None:
    gr.HTML(f"<h1>{render.esc(TITLE)}</h1><p>{render.esc(SUBTITLE)}</p>", elem_id="app-header")


def chat_tab(llm: LLMSettings, llm_note: str) -> SimpleNamespace:
    """问答: the chat and question box on the left, 来源 / 检索结果 on the right, 设置 below the chat."""
    c = SimpleNamespace()
    with gr.Tab("问答", id="chat"), gr.Row(equal_height=False):
        with gr.Column(scale=7, min_width=420):
            c.chatbot = gr.Chatbot(label="对话", elem_id="chatbot", height=560, feedback_options=None,
                                   buttons=["copy"], layout="bubble", show_label=False, placeholder=CHAT_PLACEHOLDER)
            with gr.Row(elem_id="ask-row"):
                c.question = gr.Textbox(label="提问", show_label=False, elem_id="question", scale=6, autofocus=True,
                                        placeholder="输入问题，按回车或点“提问”")
                c.ask = gr.Button("提问", variant="primary", scale=0, min_width=96, elem_id="ask-btn")
                c.clear = gr.Button("清空对话", scale=0, min_width=112, elem_id="clear-btn")
            gr.Examples(EXAMPLES, inputs=c.question, label="示例问题", elem_id="examples")
            settings_panel(c, llm, llm_note)
        with gr.Column(scale=5, min_width=360, elem_id="side-panel"), \
                gr.Tabs(selected="sources", elem_id="side-tabs") as c.side_tabs:
            with gr.Tab("来源", id="sources", elem_id="sources-tab"):
                c.sources = gr.HTML(render.placeholder(SOURCES_EMPTY), label="来源", elem_id="sources")
            with gr.Tab("检索结果", id="hits", elem_id="hits-tab"):
                c.hits = gr.HTML(render.placeholder(HITS_EMPTY), label="检索结果", elem_id="hits")
    return c


def settings_panel(c: SimpleNamespace, llm: LLMSettings, llm_note: str) -> None:
    """设置: retrieval mode, k, answerer, the LLM endpoint and its status, the retrieval-only button."""
    with gr.Accordion("设置", open=False, elem_id="settings"):
        with gr.Row():
            c.mode = gr.Radio(MODE_CHOICES, value="hybrid", label="检索方式", elem_id="mode")
            c.k = gr.Slider(1, 10, value=5, step=1, label="引用段落数（k）", elem_id="k")
        with gr.Row():
            c.since = gr.Textbox("", label="发表日期从（含）", placeholder="例如 2023-07-01，留空不限", elem_id="since")
            c.until = gr.Textbox("", label="发表日期到（含）", placeholder="例如 2023-08-31，留空不限", elem_id="until")
        c.answerer = gr.Radio(ANSWERER_CHOICES, value="extractive", label="回答方式", elem_id="answerer")
        with gr.Row():
            c.base_url = gr.Textbox(llm.base_url, label="大模型接口地址（base URL）", scale=3,
                                    placeholder="例如 http://127.0.0.1:8080/v1")
            c.model = gr.Textbox(llm.model, label="模型名称", placeholder="例如 qwen2.5-7b-instruct", scale=2)
        with gr.Row(equal_height=True):
            c.llm_status = gr.Markdown(llm_note or "（尚未检查大模型接口）", elem_id="llm-status")
            c.check = gr.Button("检查接口", scale=0, min_width=110, size="sm")
        c.search = gr.Button("只检索（在“检索结果”中查看每个检索器的名次与得分）", elem_id="search-btn")


def corpus_tab() -> SimpleNamespace:
    """资料库: the indexed files, the upload box and its status."""
    c = SimpleNamespace()
    with gr.Tab("资料库", id="corpus"):
        c.summary = gr.Markdown(elem_id="corpus-summary")
        c.files = gr.Dataframe(headers=FILE_HEADERS, datatype=["str", "number", "number", "str", "str"],
                               interactive=False, elem_id="files-table", max_height=420, wrap=True,
                               column_widths=["38%", "11%", "11%", "15%", "25%"])
        with gr.Row(equal_height=True):
            # no file_types filter: Gradio would refuse other files with an English message; ui.corpus
            # refuses them itself, naming the file in Chinese
            c.upload = gr.File(label="上传资料文件（文本、PDF、图片、网页、Word、数据导出；可多选）", file_count="multiple",
                               elem_id="upload", height=180, scale=3)
            with gr.Column(scale=1, min_width=200):
                c.add = gr.Button("上传并收录", variant="primary", elem_id="add-btn")
                c.refresh = gr.Button("刷新列表", elem_id="refresh-btn")
        gr.Markdown(CORPUS_HELP.format(limits=corpus_limits()), elem_id="corpus-help")
        c.status = gr.HTML(label="上传状态", elem_id="upload-status")
    return c
