"""The page with the LLM answerer against a real llama.cpp server (tiny Gemma): deltas stream into the chat."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from rag.answer.llm_settings import LLMSettings
from tests.support.llama_server import llama_cpp_available, llama_server
from tests.support.ui_browser import chromium, new_page, skip_without_chromium
from ui import chat
from ui.state import AppState

pytestmark = [pytest.mark.llm, pytest.mark.slow]

if not llama_cpp_available():
    if os.environ.get("RAG_REQUIRE_LLM"):
        pytest.fail("llama-cpp-python[server] is not installed; scripts/test.sh installs it", pytrace=False)
    pytest.skip("llama-cpp-python[server] not importable; run scripts/ensure_llama_cpp.sh", allow_module_level=True)

QUESTION = "前2个月青岛市外贸进出口多少？"


@pytest.fixture(scope="module")
def server():
    with llama_server() as base_url:
        yield base_url


def test_llm_deltas_stream_then_the_checked_answer_replaces_them(server, seed_index):
    llm = LLMSettings(max_tokens=16)  # the plumbing, not the tiny model's prose
    updates = list(chat.respond(AppState(seed_index), llm, QUESTION, [], "hybrid", 2, "llm", server, "gemma"))
    streamed = [u[1][-1]["content"] for u in updates[1:-1]]
    assert streamed and all(text.endswith(chat.CURSOR) for text in streamed)
    final = updates[-1][1][-1]["content"]
    assert chat.CURSOR not in final and "[1]" in final  # verified, or fallen back to cited extraction
    assert "<mark>" in updates[-1][2]


@pytest.fixture(scope="module")
def browser():
    skip_without_chromium()
    with chromium() as browser:
        yield browser


@pytest.mark.browser
def test_page_prefills_endpoint_and_answers_with_llm(browser, server, seed_index, tmp_path):
    from playwright.sync_api import expect

    from ui.subprocess_server import ui_server

    config = tmp_path / "config" / "rag-news-zh"
    config.mkdir(parents=True)
    (config / "llm.json").write_text(json.dumps({"base_url": server, "model": "gemma", "max_tokens": 16}))
    shutil.copytree(seed_index.folder, tmp_path / "index")
    with ui_server(tmp_path / "index", env={"XDG_CONFIG_HOME": str(tmp_path / "config")}) as url:
        page = new_page(browser)
        page.set_default_timeout(240_000)  # prompt processing on a small CPU
        expect.set_options(timeout=240_000)
        page.goto(url)
        page.locator("#settings").get_by_text("设置", exact=True).click()
        expect(page.get_by_label("大模型接口地址（base URL）")).to_have_value(server)  # prefilled from llm.json
        expect(page.locator("#llm-status")).to_contain_text("接口可用")
        page.get_by_label("大模型（OpenAI 兼容接口）").check()
        page.get_by_label("引用段落数（k）").first.fill("2")
        page.locator("#question textarea").fill(QUESTION)
        page.locator("#ask-btn").click()
        answer = page.locator("#chatbot .bot").last
        expect(answer).not_to_contain_text("正在检索资料")
        expect(answer).not_to_contain_text("▍")
        expect(answer).to_contain_text("[1]")
        expect(page.locator("#sources")).to_contain_text("大模型回答")
        page.context.close()
