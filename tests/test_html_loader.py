"""Saved news pages built around the seed articles: the article comes out, navigation, ads and comments do not."""

from __future__ import annotations

import hashlib
from html import escape
from pathlib import Path

import pytest

from rag.errors import LoadError
from rag.loaders.html import LOADER, decode_html
from rag.loading import SourceText
from rag.normalize import compact
from rag.segment import split_articles

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NAV = ["首页", "新闻中心", "青岛频道", "财经", "体育", "娱乐", "视频直播", "专题报道"]
AD = "广告：夏日啤酒节门票火热预售，扫码立享八折优惠！"
COMMENTS = ["网友甲：这条新闻写得真好，为家乡点赞，希望越办越好！", "网友乙：期待明年再去现场看看，支持支持。"]
FOOTER = "版权所有 青岛新闻网 鲁ICP备00000000号 关于我们 联系我们 网站地图"


def seed_articles():
    """(seed file, article, all titles of its page) for every article of the five seed pages."""
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        source = SourceText(path, path.name, text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
        articles = split_articles(source)
        titles = [a.title for a in articles]
        out.extend((path.name, a, titles) for a in articles if not a.title_derived and len(a.body) >= 80)
    return out


ARTICLES = seed_articles()


def body_paragraphs(article) -> list[str]:
    """The article's paragraphs as printed: the dateline leads the first one."""
    paras = [p.text for p in article.paragraphs]
    if article.dateline_para is not None and paras:
        paras[0] = f"{article.dateline_para.text.strip()} {paras[0]}"
    return paras


def semantic_page(article, others: list[str], meta_date: str | None, info_date: str, charset: str = "utf-8") -> str:
    """A portal page with HTML5 landmarks: header/nav, ad, breadcrumb, article, related, comments, footer."""
    nav = "".join(f'<li><a href="/c{i}/">{x}</a></li>' for i, x in enumerate(NAV))
    related = "".join(f'<li><a href="/n/{i}.html">{escape(t)}</a></li>' for i, t in enumerate(others))
    paras = "".join(f"<p>{escape(p)}</p>\n" for p in body_paragraphs(article))
    subtitle = f"<h2>{escape(article.subtitle)}</h2>" if article.subtitle else ""
    kicker = f'<p class="kicker">{escape(article.kicker)}</p>' if article.kicker else ""
    date_meta = f'<meta property="article:published_time" content="{meta_date}T08:00:00+08:00">' if meta_date else ""
    comments = "".join(f'<div class="comment-item"><p>{escape(c)}</p></div>' for c in COMMENTS)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>{escape(article.title)}_青岛新闻网</title>
<meta property="og:title" content="{escape(article.title)}">
<meta name="author" content="{escape(article.reporters[0] if article.reporters else '')}">
{date_meta}
<link rel="canonical" href="https://news.example.cn/2024/0313/1001.html">
</head><body>
<header><div class="logo">青岛新闻网</div><nav><ul>{nav}</ul></nav></header>
<div class="ad banner">{AD}</div>
<div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/qd/">青岛</a> &gt; {escape(article.title)}</div>
<main><article>{kicker}<h1>{escape(article.title)}</h1>{subtitle}
<div class="info"><span>{info_date}</span> 来源：青岛日报</div>
{paras}</article>
<aside class="related"><h3>相关新闻</h3><ul>{related}</ul></aside>
<section id="comments"><h3>网友评论</h3>{comments}</section>
</main>
<footer><p>{FOOTER}</p></footer>
</body></html>"""


def div_page(article, others: list[str], info_date: str) -> str:
    """An older table-free portal layout of plain divs with Chinese-site class names and no meta date."""
    nav = " | ".join(f'<a href="/c{i}/">{x}</a>' for i, x in enumerate(NAV))
    related = "".join(f'<li><a href="/n/{i}.html">{escape(t)}</a></li>' for i, t in enumerate(others))
    paras = "".join(f"<p>　　{escape(p)}</p>\n" for p in body_paragraphs(article))
    comments = "".join(f"<li>{escape(c)}</li>" for c in COMMENTS)
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{escape(article.title)} - 青岛频道 - 青岛新闻网</title></head><body>
<div id="top"><div class="topnav">{nav}</div></div>
<div class="gg">{AD}</div>
<div id="main"><div class="left">
<div class="title"><h1>{escape(article.title)}</h1></div>
<div class="source">{info_date}　来源：青岛日报</div>
<div id="content">{paras}</div>
<div class="xiangguan"><b>相关阅读</b><ul>{related}</ul></div>
<div id="pinglun"><b>网友评论</b><ul>{comments}</ul></div>
</div><div class="right"><div class="hot"><b>热点排行</b><ul>{related}</ul></div></div></div>
<div id="footer">{FOOTER}</div></body></html>"""


def assert_article_only(doc, article, titles):
    text = compact(doc.text)
    for para in body_paragraphs(article):
        assert compact(para) in text, para[:40]
    assert doc.meta.title == article.title
    assert article.title not in doc.text.split("\n")  # the title is metadata, not a line of the text
    leaks = [AD, *COMMENTS, FOOTER, *(t for t in titles if t != article.title and t not in article.body)]
    assert not [x for x in leaks if compact(x) in text]
    assert not set(NAV) & {line.strip() for line in doc.text.split("\n")}  # menu words may occur in a sentence


@pytest.mark.parametrize("name,article,titles", ARTICLES, ids=[f"{n[:3]}-{a.title[:8]}" for n, a, _ in ARTICLES])
def test_semantic_page_gives_the_article_and_its_metadata(name, article, titles):
    html = semantic_page(article, titles, "2024-03-13", "2024-03-13 08:00")
    [doc] = LOADER.load(Path("page.html"), html.encode("utf-8"))
    assert doc.single_article
    assert_article_only(doc, article, titles)
    assert doc.meta.published == "2024-03-13"
    assert doc.meta.url == "https://news.example.cn/2024/0313/1001.html"
    if article.reporters:
        assert doc.meta.author == article.reporters[0]


@pytest.mark.parametrize("name,article,titles", ARTICLES, ids=[f"{n[:3]}-{a.title[:8]}" for n, a, _ in ARTICLES])
def test_div_page_in_gbk_with_a_visible_date_line(name, article, titles):
    html = div_page(article, titles, "2023年11月24日 09:30")
    [doc] = LOADER.load(Path("page.htm"), html.encode("gb18030"))
    assert_article_only(doc, article, titles)
    assert doc.meta.published == "2023-11-24"
    assert doc.meta.extra["encoding"] == "gb18030"  # declared gb2312, read as its superset


def test_loaded_page_segments_into_its_article():
    _, article, titles = ARTICLES[0]
    [doc] = LOADER.load(Path("page.html"), semantic_page(article, titles, None, "2024-03-13").encode("utf-8"))
    source = SourceText(Path("page.html"), "page.html", doc.text, "utf-8", "0")
    body = compact("".join(a.body for a in split_articles(source)))
    assert compact(article.paragraphs[-1].text) in body
    assert compact(article.paragraphs[0].text) in body


def test_page_without_any_date_has_none():
    _, article, titles = ARTICLES[1]
    [doc] = LOADER.load(Path("p.html"), semantic_page(article, titles, None, "").encode("utf-8"))
    assert doc.meta.published is None


@pytest.mark.parametrize("html", [
    "",
    "<html><head><title>404</title></head><body><h1>404 页面不存在</h1><p>您访问的页面不存在。</p></body></html>",
    "<html><body><nav>" + "".join(f'<a href="/{i}">{x}</a>' for i, x in enumerate(NAV)) + "</nav>"
    + "<ul>" + "".join(f'<li><a href="/n{i}.html">青岛新闻标题第{i}条，点击查看详情</a></li>' for i in range(30))
    + "</ul><footer>" + FOOTER + "</footer></body></html>",
])
def test_page_without_an_article_is_one_clear_error(html):
    with pytest.raises(LoadError, match="no article|empty"):
        LOADER.load(Path("index.html"), html.encode("utf-8"))


@pytest.mark.parametrize("data,encoding", [
    ('<meta charset="GBK"><p>青岛</p>'.encode("gbk"), "gb18030"),
    ('<?xml version="1.0" encoding="gb2312"?><html><p>青岛</p></html>'.encode("gb2312"), "gb18030"),
    ("\ufeff<p>青岛</p>".encode("utf-8"), "utf-8-sig"),
    ("<p>青岛</p>".encode("utf-16"), "utf-16"),
    ('<meta charset="iso-8859-1"><p>青岛</p>'.encode("utf-8"), "iso-8859-1"),
    ('<meta charset="no-such-codec"><p>青岛</p>'.encode("gb18030"), "gb18030"),
])
def test_charset_from_bom_declaration_or_detection(data, encoding):
    text, used = decode_html(data)
    assert used == encoding
    if encoding != "iso-8859-1":  # a wrong latin-1 declaration cannot be caught: every byte decodes
        assert "青岛" in text


def test_sniff_knows_html_from_other_text():
    assert LOADER.sniff(b"\n<!DOCTYPE html><html><head>")
    assert LOADER.sniff('<html lang="zh">'.encode("utf-16"))
    assert not LOADER.sniff('{"text": "<p>青岛</p>"}'.encode("utf-8"))
    assert not LOADER.sniff("青岛日报 2024年3月13日".encode("utf-8"))
