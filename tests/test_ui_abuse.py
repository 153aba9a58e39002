"""The page under abuse: markup stays text, a burst is queued, re-indexing serves the old index, auth guards the API."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from ui.app import exposure_warning
from ui.subprocess_server import REPO

PWN = "window.__pwned=1"
MARKUP_DOC = (
    "### 青岛海洋标记馆年内开放\n\n□记者 王海 报道\n"
    "本报青岛讯 5月8日,青岛海洋标记馆主体工程日前完工。"
    f"该馆总投资3.2179亿元<img src=x onerror=\"{PWN}\">,共设置7个展区<script>{PWN}</script>,"
    "预计今年10月对公众开放。\n\n据介绍,标记馆建成后每年可接待游客约90万人次。\n")
MARKUP_QUESTION = f"<img src=x onerror=\"{PWN}\"><script>{PWN}</script>青岛海洋标记馆总投资多少？"


# ---- binding without a password: no browser, no server -------------------------------------------------------

@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "newsroom-box"])
def test_non_loopback_host_without_auth_warns(host):
    warning = exposure_warning(host, None)
    assert warning and host in warning and "--auth" in warning
    assert exposure_warning(host, ("editor", "pw")) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_host_does_not_warn(host):
    assert exposure_warning(host, None) is None


def test_rag_ui_on_all_interfaces_prints_the_warning_first(tmp_path):
    """The real CLI, stopped before it binds anything: the index it is given does not exist."""
    proc = subprocess.run([sys.executable, "-m", "rag", "ui", "--host", "0.0.0.0", "--index", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
                          env={**_env(), "RAG_UI_AUTH": ""})
    assert proc.returncode == 2, proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith("warning: --host 0.0.0.0 without --auth"), proc.stderr
    assert "Traceback" not in proc.stderr


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}


def test_a_file_that_repeats_an_article_is_indexed(tmp_path, e5_embedder):
    """A pasted reprint (the same article twice in one upload) once failed the whole update on duplicate ids."""
    from rag.index import Index, build_index

    article = ("### 董家口港新建泊位投产\n\n□记者 李涛 报道\n本报青岛讯 6月2日,董家口港区新建的第七代集装箱泊位"
               "正式投产,设计年吞吐能力为260万标准箱,总投资61.75亿元。\n\n")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "reprint.txt").write_text(article * 3, encoding="utf-8")
    report = build_index(tmp_path / "index", [folder], embedder=e5_embedder, progress=False)
    assert report.files == 1 and not report.problems
    index = Index.open(tmp_path / "index")
    try:
        assert (index.manifest.articles, index.manifest.chunks) == (3, 3)
        assert "61.75亿元" in index.search("董家口港区集装箱泊位总投资", k=3, mode="bm25")[0].text
    finally:
        index.close()


# ---- a running page --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def abuse_index(tmp_path_factory, seed_index) -> Path:
    folder = tmp_path_factory.mktemp("ui-abuse") / "index"
    shutil.copytree(seed_index.folder, folder)
    return folder


@pytest.fixture(scope="module")
def abuse_url(abuse_index):
    from ui.subprocess_server import ui_server

    with ui_server(abuse_index) as url:
        yield url


def upload(url: str, path: Path, auth=None) -> str:
    """Upload one file through the page's /add_files endpoint; the final status HTML."""
    from gradio_client import Client, handle_file

    out = Client(url, auth=auth, verbose=False).predict([handle_file(str(path))], api_name="/add_files")
    return out[0]


def ask_api(client, question: str) -> str:
    from bench.ui_load import message_text

    out = client.predict(question, [], "hybrid", 5, "extractive", "", "", "", "",
                            api_name="/ask")
    return message_text(out[1][-1])


@pytest.mark.slow
def test_burst_of_64_questions_from_16_clients_is_queued_not_failed(abuse_url):
    from bench.ui_load import run

    report = run(abuse_url, questions=64, threads=16)
    print(f"\nburst: {report['questions']} questions / {report['threads']} clients: {report['throughput_qps']} "
          f"questions/s, p50 {report['p50_s']}s, p95 {report['p95_s']}s, max {report['max_s']}s, "
          f"failures {report['failures']}")
    bad = [r for r in report["results"] if not r["ok"]]
    assert not bad, bad
    assert len(report["results"]) == 64


@pytest.mark.slow
def test_reindexing_an_upload_while_readers_ask_serves_the_old_index(abuse_url, tmp_path):
    from gradio_client import Client

    from bench.ui_load import QUESTIONS

    tag = uuid.uuid4().hex[:6]
    doc = tmp_path / f"港口新闻_{tag}.txt"
    doc.write_text("### 董家口港新建泊位投产\n\n□记者 李涛 报道\n本报青岛讯 6月2日,董家口港区新建的"
                   "第七代集装箱泊位正式投产,设计年吞吐能力为260万标准箱,总投资61.75亿元。\n\n"
                   "泊位岸线长度为1120米,可停靠24000标准箱的集装箱船。\n" * 6, encoding="utf-8")
    new_question, new_fact = "董家口港区新建的集装箱泊位总投资多少？", "61.75亿元"
    stop = threading.Event()
    answers: list[tuple[float, float, str, str, str]] = []  # (start, end, question, expected, text or error)

    def reader(n: int) -> None:
        client = Client(abuse_url, verbose=False)
        i = n
        while not stop.is_set():
            question, fact = QUESTIONS[i % len(QUESTIONS)] if i % 3 else (new_question, new_fact)
            i += 1
            t0 = time.monotonic()
            try:
                text = ask_api(client, question)
            except Exception as exc:  # noqa: BLE001 -- a failed request is what this test looks for
                text = f"ERROR {type(exc).__name__}: {exc}"
            answers.append((t0, time.monotonic(), question, fact, text))

    readers = [threading.Thread(target=reader, args=(n,), daemon=True) for n in range(4)]
    for t in readers:
        t.start()
    time.sleep(3)  # readers are asking before the upload starts
    started = time.monotonic()
    status = upload(abuse_url, doc)
    finished = time.monotonic()
    time.sleep(3)  # and go on asking after the new index is in
    stop.set()
    for t in readers:
        t.join(timeout=120)

    assert f"已收录“{doc.name}”" in status, status
    errors = [a for a in answers if a[4].startswith(("ERROR", "⚠"))]
    assert not errors, errors
    during = [a for a in answers if a[0] < finished and a[1] > started]
    assert during, "no question overlapped the re-index"
    old_facts = [a for a in answers if a[2] != new_question]
    assert all(a[3] in a[4] for a in old_facts), [a for a in old_facts if a[3] not in a[4]]
    # before the upload began the new article cannot be known; once it reported done, it must be
    assert all(new_fact not in a[4] for a in answers if a[2] == new_question and a[1] < started)
    after = [a for a in answers if a[2] == new_question and a[0] > finished]
    assert after and all(new_fact in a[4] for a in after), after
    print(f"\nre-index under load: {len(answers)} answers, {len(during)} during the {finished - started:.1f}s "
          f"update, 0 errors")


@pytest.mark.slow
def test_auth_guards_the_api_too(tmp_path, abuse_index):
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    from ui.subprocess_server import ui_server

    folder = tmp_path / "index"
    shutil.copytree(abuse_index, folder)
    with ui_server(folder, auth="editor:海风-2024") as url:
        with pytest.raises(AuthenticationError, match="credentials were not provided"):
            Client(url, verbose=False)  # gradio_client without credentials cannot even read the API
        with pytest.raises(ValueError, match="Could not login"):  # Gradio answers a wrong password with 400
            Client(url, auth=("editor", "wrong"), verbose=False)
        for method, path, body in (("GET", "gradio_api/info", None), ("GET", "config", None),
                                   ("POST", "gradio_api/call/ask", {"data": ["前2个月青岛市外贸进出口多少？", [],
                                                                             "hybrid", 5, "extractive", "", ""]}),
                                   ("POST", "gradio_api/call/files", {"data": []}),
                                   ("POST", "gradio_api/upload", None)):
            assert _http_status(url + path, method, body) in (401, 403), (method, path)
        text = ask_api(Client(url, auth=("editor", "海风-2024"), verbose=False), "前2个月青岛市外贸进出口多少？")
        assert "1258亿元" in text


def _http_status(url: str, method: str, body: dict | None) -> int:
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


# ---- in Chromium -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    from tests.support.ui_browser import chromium, skip_without_chromium

    skip_without_chromium()
    with chromium() as browser:
        yield browser


def _page(browser, url: str):
    from playwright.sync_api import expect

    from tests.support.ui_browser import TIMEOUT, new_page

    expect.set_options(timeout=TIMEOUT)
    page = new_page(browser)
    page.goto(url)
    expect(page.locator("#question textarea")).to_be_visible()
    return page


def _ask(page, question: str):
    from playwright.sync_api import expect

    page.locator("#question textarea").fill(question)
    page.locator("#ask-btn").click()
    answer = page.locator("#chatbot .bot").last
    expect(answer).not_to_contain_text("正在检索资料")
    expect(answer).not_to_contain_text("▍")
    return answer


def _assert_nothing_ran(page) -> None:
    page.wait_for_timeout(500)  # an <img onerror> fires once the broken image fails to load
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#chatbot img[src=x], #chatbot script, #sources img, #sources script, "
                        "#hits img, #hits script").count() == 0


@pytest.mark.browser
@pytest.mark.slow
def test_markup_in_an_uploaded_document_stays_text(browser, abuse_url, tmp_path):
    from playwright.sync_api import expect

    doc = tmp_path / f"标记馆_{uuid.uuid4().hex[:6]}.txt"
    doc.write_text(MARKUP_DOC, encoding="utf-8")
    assert f"已收录“{doc.name}”" in upload(abuse_url, doc)
    page = _page(browser, abuse_url)
    try:
        answer = _ask(page, "青岛海洋标记馆总投资多少？")
        expect(answer).to_contain_text("3.2179亿元")
        expect(answer).to_contain_text("[1]")
        page.get_by_role("tab", name="来源").click()
        card = page.locator("#sources .src-card").first
        expect(card).to_contain_text(doc.name)
        expect(page.locator("#sources")).to_contain_text(f"<img src=x onerror=\"{PWN}\">")
        page.get_by_role("tab", name="检索结果").click()
        expect(page.locator("#hits")).to_contain_text(f"<script>{PWN}</script>")
        _assert_nothing_ran(page)
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_markup_typed_as_the_question_stays_text(browser, abuse_url):
    from playwright.sync_api import expect

    page = _page(browser, abuse_url)
    try:
        _ask(page, MARKUP_QUESTION)
        expect(page.locator("#chatbot .user").last).to_contain_text(f"<script>{PWN}</script>")
        expect(page.locator("#chatbot .user").last).to_contain_text(f"<img src=x onerror=\"{PWN}\">")
        page.get_by_role("tab", name="检索结果").click()
        expect(page.locator("#hits .src-question")).to_contain_text(f"<script>{PWN}</script>")
        _assert_nothing_ran(page)
    finally:
        page.context.close()
