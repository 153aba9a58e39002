"""The page in a real headless Chromium: cited answers with highlighted sources, abstention, upload, password."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest

from tests.support.ui_browser import TIMEOUT, chromium, new_page, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

skip_without_chromium()
from playwright.sync_api import expect  # noqa: E402 -- only once Playwright is known to be there

expect.set_options(timeout=TIMEOUT)  # expect() has its own 5 s default, too short for a loaded CI machine


@pytest.fixture(scope="session")
def ui_index(tmp_path_factory, seed_index) -> Path:
    """A private copy of the session's seed index: the page's uploads change it."""
    folder = tmp_path_factory.mktemp("ui-index") / "index"
    shutil.copytree(seed_index.folder, folder)
    return folder


@pytest.fixture(scope="module")
def app_url(ui_index):
    from ui.subprocess_server import ui_server

    with ui_server(ui_index) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def open_chat(page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#question textarea")).to_be_visible()


def ask(page, question: str):
    """Type a question, press 提问, return the locator of the last answer once it is final."""
    page.locator("#question textarea").fill(question)
    page.locator("#ask-btn").click()
    answer = page.locator("#chatbot .bot").last
    expect(answer).not_to_contain_text("正在检索资料")
    expect(answer).not_to_contain_text("▍")
    return answer


def test_seed_question_gets_cited_answer_with_highlighted_source(page, app_url):
    open_chat(page, app_url)
    expect(page.locator("#app-header")).to_contain_text("青岛新闻资料问答")
    answer = ask(page, "前2个月青岛市外贸进出口多少？")
    expect(answer).to_contain_text("1258亿元")
    expect(answer).to_contain_text("[1]")
    page.get_by_role("tab", name="来源").click()
    card = page.locator("#sources .src-card").first
    expect(card).to_contain_text("[1]")
    expect(card).to_contain_text("前2个月青岛市进出口1258亿元")  # article title
    expect(card).to_contain_text("本报3月12日讯")  # dateline
    expect(card).to_contain_text("000_8eb6f9117185c38f.txt")  # source file
    expect(card.locator("mark")).to_contain_text("青岛市外贸进出口1258亿元")  # the supporting sentence
    page.get_by_role("tab", name="检索结果").click()
    expect(page.locator("#hits .hit").first).to_contain_text("BM25 第")

    page.locator("#clear-btn").click()
    expect(page.locator("#chatbot .bot")).to_have_count(0)
    page.get_by_role("tab", name="来源").click()
    expect(page.locator("#sources .src-card")).to_have_count(0)


def test_unanswerable_question_says_not_found_and_offers_related(page, app_url):
    open_chat(page, app_url)
    answer = ask(page, "青岛地铁8号线何时通车？")
    expect(answer).to_contain_text("资料中没有找到")
    expect(page.locator("#sources")).to_contain_text("可能相关")
    expect(page.locator("#sources .src-card.related").first).to_be_visible()


def test_example_question_and_settings(page, app_url):
    open_chat(page, app_url)
    page.get_by_text("宝山镇蓝莓种植面积有多大？", exact=True).click()
    expect(page.locator("#question textarea")).to_have_value("宝山镇蓝莓种植面积有多大？")
    page.locator("#settings").get_by_text("设置", exact=True).click()
    page.get_by_label("BM25 关键词").check()
    answer = ask(page, "宝山镇蓝莓种植面积有多大？")
    expect(answer).to_contain_text("2万余亩")
    page.get_by_role("tab", name="检索结果").click()
    expect(page.locator("#hits")).to_contain_text("（bm25）")
    expect(page.locator("#hits")).not_to_contain_text("向量 第")


def test_uploaded_article_is_answerable_and_bad_file_is_named(page, app_url, tmp_path):
    tag = uuid.uuid4().hex[:6]
    good = tmp_path / f"海洋科学馆_{tag}.txt"
    good.write_text(
        "### 青岛新建海洋科学馆 年内开放\n\n□记者 王海 报道\n"
        "本报青岛讯 5月8日,青岛海洋科学馆主体工程日前完工。该馆位于西海岸新区,总建筑面积4.7万平方米,"
        "总投资8.3617亿元,共设置深海探索、海洋生物、极地科考等9个展区,预计今年10月对公众开放。\n\n"
        "据介绍,海洋科学馆建成后每年可接待游客约150万人次,将成为青岛海洋科普的新地标。\n", encoding="utf-8")
    bad = tmp_path / f"坏文件_{tag}.txt"
    bad.write_bytes(b"\x00\x01\x02\x03binary\x00" * 64)
    image = tmp_path / "表格.xls"
    image.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 64)

    open_chat(page, app_url)
    page.get_by_role("tab", name="资料库").click()
    expect(page.locator("#files-table")).to_contain_text("000_8eb6f9117185c38f.txt")
    page.locator("#upload input[type=file]").set_input_files([str(good), str(bad), str(image)])
    for path in (good, bad, image):  # uploaded to the page (the preview splits name and suffix: match the cell)
        expect(page.locator("#upload").get_by_role("cell", name=path.name)).to_be_visible()
    page.locator("#add-btn").click()
    status = page.locator("#upload-status")
    expect(status).to_contain_text(f"已收录“{good.name}”")
    expect(status).to_contain_text(f"未能收录“{bad.name}”")
    expect(status).to_contain_text("“表格.xls”的格式不能读取")
    expect(page.locator("#files-table")).to_contain_text(good.name)
    expect(page.locator("#files-table")).to_contain_text("000_8eb6f9117185c38f.txt")  # the seeds are kept

    page.get_by_role("tab", name="问答").click()
    answer = ask(page, "青岛海洋科学馆总投资多少？")
    expect(answer).to_contain_text("8.3617亿元")
    expect(page.locator("#sources .src-card").first).to_contain_text(good.name)
    answer = ask(page, "前2个月青岛市外贸进出口多少？")  # nothing else was lost
    expect(answer).to_contain_text("1258亿元")


def test_password_is_required_when_auth_is_set(browser, ui_index, tmp_path):
    from ui.subprocess_server import ui_server

    folder = tmp_path / "index"
    shutil.copytree(ui_index, folder)
    with ui_server(folder, auth="editor:海风-2024") as url:
        page = new_page(browser, 1200, 800)
        page.goto(url)
        expect(page.get_by_text("请输入用户名和密码")).to_be_visible()
        expect(page.locator("#question")).to_have_count(0)

        page.get_by_label("用户名").fill("editor")
        page.get_by_label("密码").fill("wrong")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("body")).to_contain_text(re.compile("凭据不正确|错误|Incorrect"))
        expect(page.locator("#question")).to_have_count(0)

        page.get_by_label("用户名").fill("editor")
        page.get_by_label("密码").fill("海风-2024")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("#question textarea")).to_be_visible()
        answer = ask(page, "凤麟核中子分析仪项目总经费是多少？")
        expect(answer).to_contain_text("4020万元")
        page.context.close()


def test_screenshot_script_writes_both_pictures(browser, app_url, tmp_path):
    from bench.screenshots import take_screenshots

    chat, corpus = take_screenshots(app_url, tmp_path, browser=browser, upload_sample=True)
    assert chat.stat().st_size > 20_000 and corpus.stat().st_size > 10_000
