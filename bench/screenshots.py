"""Screenshots of the page for the docs: docs/screenshot-chat.png and docs/screenshot-corpus.png.

    python bench/screenshots.py --index /tmp/idx1            # starts `rag ui` on a copy of the index
    python bench/screenshots.py --url http://127.0.0.1:7860/ --out docs

Needs Debian's chromium (/usr/bin/chromium) and fonts-noto-cjk for the Chinese text.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
QUESTIONS = ["海尔青岛洗衣机互联工厂从钢板到整机最快需要多久？", "前2个月青岛市外贸进出口多少？"]
VIEWPORT = {"width": 1400, "height": 960}


SAMPLE_NAME = "青岛海洋科学馆.txt"
SAMPLE = """### 青岛新建海洋科学馆 年内开放

□记者 王海 报道
本报青岛讯 5月8日,青岛海洋科学馆主体工程日前完工。该馆位于西海岸新区,总建筑面积4.7万平方米,总投资8.36亿元,共设置深海探索、海洋生物、极地科考等9个展区,预计今年10月对公众开放。
"""


def take_screenshots(url: str, out: Path, browser=None, chromium: str = "/usr/bin/chromium",
                     upload_sample: bool = False) -> tuple[Path, Path]:
    """Ask the sample questions, photograph the chat with its sources, then the 资料库 tab
    (after uploading a sample article when `upload_sample`: only on a throwaway index)."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    if browser is not None:
        return _shoot(browser, url, out, upload_sample)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            return _shoot(browser, url, out, upload_sample)
        finally:
            browser.close()


def _shoot(browser, url: str, out: Path, upload_sample: bool) -> tuple[Path, Path]:
    from playwright.sync_api import expect

    chat_png, corpus_png = out / "screenshot-chat.png", out / "screenshot-corpus.png"
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", device_scale_factor=1)
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(url)
        for question in QUESTIONS:
            page.locator("#question textarea").fill(question)
            page.locator("#ask-btn").click()
            expect(page.locator("#sources .src-question")).to_contain_text(question)
        page.locator("#question textarea").blur()
        page.wait_for_timeout(600)  # let the chat's scroll settle
        page.screenshot(path=str(chat_png), full_page=True)
        page.get_by_role("tab", name="资料库").click()
        expect(page.locator("#files-table")).to_contain_text(".txt")
        if upload_sample:
            with tempfile.TemporaryDirectory() as tmp:
                sample = Path(tmp) / SAMPLE_NAME
                sample.write_text(SAMPLE, encoding="utf-8")
                page.locator("#upload input[type=file]").set_input_files(str(sample))
                expect(page.locator("#upload").get_by_role("cell", name=SAMPLE_NAME)).to_be_visible()
                page.locator("#add-btn").click()
                expect(page.locator("#upload-status")).to_contain_text(f"已收录“{SAMPLE_NAME}”")
        page.wait_for_timeout(400)
        page.screenshot(path=str(corpus_png), full_page=True)
    finally:
        context.close()
    return chat_png, corpus_png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running page")
    where.add_argument("--index", type=Path, help="start `rag ui` on a temporary copy of this index")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        url = args.url
        if url is None:
            from ui.subprocess_server import ui_server

            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rag-ui-shots-")))
            shutil.copytree(args.index, tmp / ".rag-index")  # the default name, as a first-time user has it
            url = stack.enter_context(ui_server(tmp / ".rag-index", cwd=tmp))
        for path in take_screenshots(url, args.out, chromium=args.chromium, upload_sample=args.url is None):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
