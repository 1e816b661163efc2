"""Page requisites (issue 16, "the page as it looked"): what counts as one
(:mod:`pipelines.extract.requisites`), and the real spiders archiving those of article pages
against the fixture web (:mod:`pipelines.crawl.requisitefetch`): stylesheets with their ``@import``
and fonts, images with ``srcset`` and ``<picture>``, icons, scripts; fetched once per crawl and
per re-check window; never followed; robots.txt obeyed; only for articles; off with
``REQUISITES_ENABLED = False``; served from the archive under ``WARC_REPLAY``."""

from __future__ import annotations

import codecs
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html as lxml_html
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from archive.cli.demo import requisites_archived
from archive.cli.replay import replay
from archive.store.state import CrawlState
from crawler.spiders.base import ArchiveSpider
from fixtureweb import FixtureWeb
from pipelines.crawl.requisitefetch import RequisitesPipeline
from pipelines.extract.items import PageItem
from pipelines.extract.requisites import (
    FONT,
    ICON,
    IMAGE,
    SCRIPT,
    STYLESHEET,
    Requisite,
    css_requisites,
    decode_css,
    page_requisites,
    srcset_urls,
)
from tests.conftest import BUNDLED_WEB, CrawlRun, run_crawl

NWJ = "https://www.newsweekjapan.jp"
NWJ_IMG = "https://img-newsweekjapan.jp"
NWJ_ARTICLE = f"{NWJ}/reizei/2024/01/no-thank-you.php"
NWJ_OTHERS = [f"{NWJ}/headlines/world/2024/02/483100.php",
              f"{NWJ}/stories/world/2017/03/post-7215.php"]
NWJ_LATER = f"{NWJ}/asteion/2024/01/post-150.php"
COMMON_CSS = f"{NWJ}/css/common.css?20231201"
FONTS_CSS = f"{NWJ}/css/fonts.css"
FONT_URL = f"{NWJ}/fonts/nwj-fixture.woff"
COVER = f"{NWJ_IMG}/magazine/images/cover_20251202"
ASYURA_POST = "http://www.asyura2.com/13/warb12/msg/111.html"
RT_ARTICLE = "https://www.rt.com/news/564427-assange-positive-covid-belmarsh-lockdown/"
RT_CSS = "https://en.russiatoday.com/static/css/template.min.css?v=as1658228542"
TEST_SITE = "http://requisites.test"


# -- what counts as a requisite -----------------------------------------------------------------


def _page(url: str, body: str) -> list[Requisite]:
    return page_requisites(url, lxml_html.document_fromstring(body))


def test_srcset_candidates_in_order_with_commas_in_urls_and_descriptors():
    assert srcset_urls("a.jpg 1x, b,c.jpg 2x,d.jpg, e.jpg (x, y) 3w ,f.jpg") == \
        ["a.jpg", "b,c.jpg", "d.jpg", "e.jpg", "f.jpg"]
    assert srcset_urls("  ") == [] and srcset_urls(None) == []


def test_css_imports_urls_fonts_and_image_sets():
    css = """@charset "utf-8"; /* url(commented.png) @import "commented.css"; */
    @import url("fonts.css") screen; @import 'print.css';
    @font-face { font-family: X; src: url(f.woff2) format("woff2"), url('../f.woff'); }
    h1 { background: url( "bg\\2e png" ); b: image-set("a.png" 1x, url(b.png) 2x); }
    i { background: url(data:image/png;base64,AAAA) } u { background: URL(/abs.gif) }
    """
    assert css_requisites("https://h.example/css/main.css", css) == [
        Requisite("https://h.example/css/fonts.css", STYLESHEET),
        Requisite("https://h.example/css/print.css", STYLESHEET),
        Requisite("https://h.example/css/f.woff2", FONT),
        Requisite("https://h.example/f.woff", FONT),
        Requisite("https://h.example/css/bg.png", IMAGE),
        Requisite("https://h.example/css/a.png", IMAGE),
        Requisite("https://h.example/css/b.png", IMAGE),
        Requisite("https://h.example/abs.gif", IMAGE),
    ]


def test_page_requisites_what_counts_and_what_does_not():
    found = _page("https://news.test/2024/a.html", """<html><head>
    <base href="https://news.test/assets/">
    <link rel="preconnect" href="https://cdn.test"><link rel="dns-prefetch" href="//x.test">
    <link rel="prefetch" href="next.html"><link rel="canonical" href="/2024/a.html">
    <link rel="alternate" type="application/rss+xml" href="feed.xml">
    <link rel="manifest" href="app.webmanifest">
    <link rel="icon" href="favicon.ico"><link rel="apple-touch-icon" href="touch.png">
    <link rel="preload" as="font" href="f.woff2" crossorigin>
    <link rel="preload" as="image" href="hero.jpg" imagesrcset="hero-2x.jpg 2x">
    <script src="app.js"></script><script>var inline = "<img src='no.png'>";</script>
    <style>@import "inline.css"; .x { background: url(inline-bg.png) }</style>
    <link REL="Stylesheet" HREF="main.css">
    </head><body background="paper.gif">
    <img src="a.png" srcset="a-1x.png 1x, a-2x.png 2x" data-src="lazy.png">
    <picture><source type="image/webp" srcset="p.webp 1x, p-2x.webp 2x"><img src="p.jpg"></picture>
    <video src="clip.mp4" poster="poster.png"><source src="clip.webm"></video>
    <audio src="sound.mp3"></audio><iframe src="frame.html"></iframe><a href="link.html">x</a>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><img src="javascript:void(0)">
    <img src=" "><img src="/"><img src="https://news.test/2024/a.html#top">
    <img src="ftp://files.test/x.png"><input type="image" src="button.png">
    <div style="background-image: url('styled.png')"></div>
    </body></html>""")
    base = "https://news.test/assets/"
    assert found == [
        Requisite(base + "inline.css", STYLESHEET),
        Requisite(base + "main.css", STYLESHEET),
        Requisite(base + "favicon.ico", ICON),
        Requisite(base + "touch.png", ICON),
        Requisite(base + "f.woff2", FONT),
        Requisite(base + "hero.jpg", IMAGE),
        Requisite(base + "hero-2x.jpg", IMAGE),
        Requisite(base + "app.js", SCRIPT),
        Requisite(base + "inline-bg.png", IMAGE),
        Requisite(base + "paper.gif", IMAGE),
        Requisite(base + "a.png", IMAGE),
        Requisite(base + "lazy.png", IMAGE),
        Requisite(base + "a-1x.png", IMAGE),
        Requisite(base + "a-2x.png", IMAGE),
        Requisite(base + "p.webp", IMAGE),
        Requisite(base + "p-2x.webp", IMAGE),
        Requisite(base + "p.jpg", IMAGE),
        Requisite(base + "poster.png", IMAGE),
        Requisite(base + "button.png", IMAGE),
        Requisite(base + "styled.png", IMAGE),
    ]


def test_stylesheet_text_is_decoded_as_css_says():
    sjis = '@charset "Shift_JIS";\n/* 背景 */ body { background: url("背景.gif") }'.encode("cp932")
    assert "背景.gif" in decode_css(sjis)
    assert "背景.gif" in decode_css(codecs.BOM_UTF8 + "url(背景.gif)".encode())
    assert "背景.gif" in decode_css("url(背景.gif)".encode("euc-jp"), "euc-jp")
    assert "背景.gif" in decode_css("url(背景.gif)".encode())  # UTF-8 by default
    assert decode_css(b"url(\xff.gif)", "no-such-charset") == "url(\ufffd.gif)"


class _Engine:
    """Stands in for Scrapy's engine: keeps what the pipeline schedules."""

    def __init__(self) -> None:
        self.requests: list[Request] = []

    def crawl(self, request: Request) -> None:
        self.requests.append(request)


def _pipeline(settings: dict[str, str]) -> tuple[RequisitesPipeline, _Engine]:
    crawler = get_crawler(ArchiveSpider, settings)
    crawler.spider = ArchiveSpider.from_crawler(crawler, name="test")
    engine = crawler.engine = _Engine()  # type: ignore[assignment]
    return RequisitesPipeline.from_crawler(crawler), engine


def _article(url: str, requisites: list[tuple[str, str, str]], article: bool = True) -> PageItem:
    item = PageItem(url=url, html="")
    item.article = {"text": "..."} if article else None
    item.extraction = {"requisites": requisites}
    return item


def test_the_pipeline_asks_for_an_articles_requisites_within_the_limits():
    pipe, engine = _pipeline({"REQUISITES_MAX_PER_PAGE": "2", "REQUISITES_MAX_SIZE": "1000"})
    page, page2 = "https://a.test/story.html", "https://a.test/story_2.html"
    pipe.process_item(_article(page, [
        (page, "https://a.test/main.css", STYLESHEET), (page, "https://cdn.test/a.png", IMAGE),
        (page, "https://cdn.test/b.png", IMAGE), (page2, "https://cdn.test/c.png", IMAGE)]))
    assert [r.url for r in engine.requests] == [
        "https://a.test/main.css", "https://cdn.test/a.png", "https://cdn.test/c.png"]
    css, image, image2 = engine.requests
    assert css.meta["requisite"] == {"page": page, "kind": STYLESHEET, "depth": 0}
    assert css.meta["allow_offsite"] and css.meta["download_maxsize"] == 1000
    assert css.headers[b"Accept"].startswith(b"text/css") and not css.dont_filter
    assert image.headers[b"Referer"] == page.encode() and image2.headers[b"Referer"] == \
        page2.encode()
    # spider methods, so a shared frontier (or a JOBDIR) can serialise the requests
    spider = pipe.crawler.spider
    again = request_from_dict(css.to_dict(spider=spider), spider=spider)
    assert again.callback == spider.parse_requisite and again.errback == spider.requisite_failed
    assert again.meta["requisite"] == css.meta["requisite"] and again.priority == css.priority
    # again on another article: already handed over, not built again
    pipe.process_item(_article("https://a.test/other.html", [
        ("https://a.test/other.html", "https://a.test/main.css", STYLESHEET)]))
    assert len(engine.requests) == 3
    # no requisites for a page that is no article, nor for a Wayback capture
    pipe.process_item(_article(page, [(page, "https://a.test/new.css", STYLESHEET)],
                               article=False))
    wayback = "https://web.archive.org/web/20131102000000id_/http://japanese.ruvr.ru/x/"
    pipe.process_item(_article(wayback, [(wayback, "http://cdn.ruvr.ru/x.css", STYLESHEET)]))
    assert len(engine.requests) == 3
    stats = pipe.stats.get_stats()
    assert stats["requisites/over_limit"] == 1 and stats["requisites/duplicate"] == 1
    assert stats["requisites/requested"] == 3 and stats["requisites/skipped_wayback"] == 1
    # no Referer from an https page to an http requisite
    pipe.process_item(_article(page, [(page, "http://plain.test/x.png", IMAGE)]))
    assert b"Referer" not in engine.requests[-1].headers


def test_the_pipeline_is_off_by_setting_and_without_warc():
    for settings in ({"REQUISITES_ENABLED": "False"}, {"WARC_ENABLED": "False"}):
        with pytest.raises(NotConfigured):
            _pipeline(settings)


def test_the_demo_counts_the_requisites_the_crawls_archived(tmp_path):
    (tmp_path / "runs").mkdir()
    for n, stats in enumerate([{"requisites/archived": 3, "requisites/archived/image": 2,
                                "requisites/archived/stylesheet": 1},
                               {"requisites/archived": 1, "requisites/archived/image": 1}]):
        (tmp_path / "runs" / f"s{n}.json").write_text(json.dumps({"stats": stats}))
    assert requisites_archived(tmp_path) == {"": 4, "image": 3, "stylesheet": 1}


def test_the_fixture_requisites_are_real_files_of_their_formats():
    magic = {".png": b"\x89PNG\r\n\x1a\n", ".gif": b"GIF8", ".jpg": b"\xff\xd8\xff",
             ".ico": b"\x00\x00\x01\x00", ".woff": b"wOFF"}
    files = [p for p in BUNDLED_WEB.rglob("*") if p.suffix in (*magic, ".webp")
             and "robots" not in p.name]
    assert len(files) >= 15
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".webp":
            assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", path
        else:
            assert data.startswith(magic[path.suffix]), path


# -- crawls ---------------------------------------------------------------------------------


def _write_test_site(root: Path) -> None:
    """A host of the tests' own (on top of the bundled web): a listing (no article) with
    requisites of its own, and an article whose requisites include a robots-disallowed image,
    an HTML page used as an image, a data: URI, a frame, a video and a link; the stylesheet
    imports another."""
    site = root / "requisites.test"
    (site / "private").mkdir(parents=True)
    png = (BUNDLED_WEB / "www.newsweekjapan.jp/images/header/bg.png").read_bytes()
    text = " ".join(["The harbour authority reported record traffic this spring, as ferries,"
                     " fishing boats and cargo ships all returned to the old quays."] * 8)
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    (site / "listing.html").write_text("""<!DOCTYPE html><html><head><title>Harbour news</title>
<link rel="stylesheet" href="/listing.css"><link rel="icon" href="/listing-icon.png"></head>
<body><h1>Harbour news</h1><ul><li><a href="/article.html">Harbour traffic at a record</a></li>
</ul><img src="/listing-banner.png" alt=""></body></html>""")
    (site / "article.html").write_text(f"""<!DOCTYPE html><html lang="en"><head>
<meta charset="utf-8"><title>Harbour traffic at a record</title>
<meta property="og:type" content="article">
<link rel="stylesheet" href="/style.css"><link rel="prefetch" href="/next.html">
</head><body><article><h1>Harbour traffic at a record</h1><p>{text}</p>
<img src="/private/secret.png" alt=""><img src="/page-as-image.html" alt="">
<img src="data:image/png;base64,iVBORw0KGgo=" alt=""><img src="file:///etc/passwd" alt="">
<img src="http://127.0.0.1:9/internal.png" alt="">
<iframe src="/frame.html"></iframe><video src="/clip.mp4" poster="/poster.png"></video>
<a href="/linked.html">More</a></article></body></html>""")
    (site / "style.css").write_text('@import "deeper.css";\nbody { background: url(/bg.png) }\n')
    (site / "deeper.css").write_text("h1 { color: rgb(1, 2, 3) }\n")
    (site / "listing.css").write_text("body { color: rgb(4, 5, 6) }\n")
    for name in ("bg.png", "poster.png", "private/secret.png", "listing-icon.png",
                 "listing-banner.png"):
        (site / name).write_bytes(png)
    (site / "page-as-image.html").write_text(f"""<!DOCTYPE html><html><head>
<meta property="og:type" content="article"><title>Not an image</title>
<link rel="stylesheet" href="/never.css"></head><body><article><p>{text}</p>
<a href="/never-followed.html">Never followed</a></article></body></html>""")
    for name in ("frame.html", "linked.html", "next.html", "never-followed.html"):
        (site / name).write_text("<html><body><p>not to be fetched</p></body></html>")
    (site / "never.css").write_text("body { color: red }\n")


@pytest.fixture(scope="module")
def req_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureWeb]:
    root = tmp_path_factory.mktemp("requisites-web")
    _write_test_site(root)
    with FixtureWeb(roots=[root, BUNDLED_WEB]) as server:
        yield server


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("requisites-crawls")
    counter = iter(range(1000))

    def out() -> Path:
        return base / f"out{next(counter)}"

    return out


@pytest.fixture(scope="module")
def nwj_run(req_web: FixtureWeb, crawls) -> CrawlRun:
    """Three Newsweek Japan articles (the first has two pages) sharing one stylesheet."""
    run = run_crawl(req_web, "newsweekjapan", crawls(),
                    args={"urls": ",".join([NWJ_ARTICLE, *NWJ_OTHERS])})
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(run.articles) == 3
    return run


def fetched(run: CrawlRun) -> list[str]:
    return [r.url for r in run.requests if r.method != "CONNECT"]


def responses(run: CrawlRun) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for rec in run.records():
        if rec["type"] in ("response", "revisit"):
            out.setdefault(rec["uri"], rec)
    return out


def stat(run: CrawlRun, key: str) -> int:
    value = run.stats_value(key)
    return int(value) if value is not None else 0


def ctype(rec: dict) -> str:
    return (rec["http"].get_header("Content-Type") or "").split(";")[0]


def test_article_requisites_are_archived_as_exchanges_with_their_types(nwj_run):
    by_uri = responses(nwj_run)
    expected = {
        COMMON_CSS: "text/css",
        f"{NWJ}/css/print.css": "text/css",
        FONTS_CSS: "text/css",
        FONT_URL: "font/woff",
        f"{NWJ}/images/header/bg.png": "image/png",
        f"{NWJ}/images/header/logo.gif": "image/gif",
        f"{NWJ}/favicon.ico": "image/x-icon",
        f"{NWJ_IMG}/reizei/assets_c/2024/01/rei240131-pic-thumb-720xauto-1048149.jpg":
            "image/jpeg",
        f"{COVER}.jpg": "image/jpeg",
        f"{COVER}@2x.jpg": "image/jpeg",  # a srcset candidate
        f"{COVER}.webp": "image/webp",  # a <picture><source srcset>
    }
    for url, content_type in expected.items():
        assert url in by_uri, url
        rec = by_uri[url]
        assert rec["type"] == "response" and rec["status"] == "200", url
        assert ctype(rec) == content_type, url
        on_disk = BUNDLED_WEB / url.split("://")[1].split("?")[0]
        assert rec["payload"] == on_disk.read_bytes(), url
    # each an exchange: a request record beside its response record
    requests = {r["uri"]: r for r in nwj_run.records() if r["type"] == "request"}
    for url in expected:
        assert requests[url]["headers"].get_header("WARC-Concurrent-To") == by_uri[url]["id"]
    # none of them became a page: the three articles only
    assert {a["url"] for a in nwj_run.articles} == {NWJ_ARTICLE, *NWJ_OTHERS}


def test_a_stylesheets_import_and_font_are_fetched_with_referers(nwj_run):
    got = fetched(nwj_run)
    assert FONTS_CSS in got and FONT_URL in got  # common.css @imports fonts.css, which url()s
    requests = {r.url: r for r in nwj_run.requests}
    assert requests[COMMON_CSS].headers.get("Referer") in (NWJ_ARTICLE, *NWJ_OTHERS)
    assert requests[FONTS_CSS].headers.get("Referer") == COMMON_CSS
    assert requests[FONT_URL].headers.get("Referer") == FONTS_CSS
    assert requests[COMMON_CSS].headers.get("Accept", "").startswith("text/css")
    assert not [u for u in got if u.startswith("data:") or "base64" in u]  # fonts.css's data:


def test_a_shared_stylesheet_is_fetched_once_for_several_pages(nwj_run):
    got = fetched(nwj_run)
    assert got.count(COMMON_CSS) == 1 and got.count(f"{COVER}.jpg") == 1
    assert [r["uri"] for r in nwj_run.records() if r["type"] == "response"].count(COMMON_CSS) == 1
    assert stat(nwj_run, "requisites/duplicate") >= 2  # asked for by the other pages


def test_requisites_are_counted_in_the_stats(nwj_run):
    archived = stat(nwj_run, "requisites/archived")
    assert archived == sum(1 for r in nwj_run.records() if r["type"] == "response"
                           and r["status"] == "200" and ctype(r) != "text/html"
                           and not r["uri"].endswith("/robots.txt"))
    assert stat(nwj_run, "requisites/archived/stylesheet") == 3
    assert stat(nwj_run, "requisites/archived/font") == 1
    assert stat(nwj_run, "requisites/archived/icon") == 1
    assert stat(nwj_run, "requisites/pages") == 3  # three articles (one of two pages)
    # the fixture web has no jQuery, no ad scripts: failed, and archived all the same
    assert stat(nwj_run, "requisites/failed") >= 5
    # every request scheduled has one outcome
    assert stat(nwj_run, "requisites/requested") == archived + stat(nwj_run, "requisites/failed")


def test_a_second_run_does_not_fetch_them_again(nwj_run, req_web, crawls):
    out = crawls()
    shutil.copytree(nwj_run.out, out)
    second = run_crawl(req_web, "newsweekjapan", out, args={"urls": NWJ_LATER})
    assert second.returncode == 0, second.stderr[-3000:]
    assert [a["url"] for a in second.articles][-1] == NWJ_LATER
    got = fetched(second)
    assert COMMON_CSS not in got and f"{COVER}.jpg" not in got
    assert stat(second, "requisites/skipped_archived") >= 3
    assert stat(second, "requisites/requested") > stat(second, "requisites/skipped_archived")


def test_after_the_recheck_window_they_become_revisits(nwj_run, req_web, crawls):
    out = crawls()
    shutil.copytree(nwj_run.out, out)
    second = run_crawl(req_web, "newsweekjapan", out, args={"urls": NWJ_LATER},
                       settings={"INCREMENTAL_RECHECK_DAYS": "0"})
    assert second.returncode == 0, second.stderr[-3000:]
    asked = [r for r in second.requests if r.url == COMMON_CSS]
    assert len(asked) == 1 and asked[0].conditional and asked[0].status == 304
    first_ids = {r["uri"]: r["id"] for r in nwj_run.records() if r["type"] == "response"}
    revisits = {r["uri"]: r for r in second.records() if r["type"] == "revisit"}
    assert revisits[COMMON_CSS]["headers"].get_header("WARC-Refers-To") == first_ids[COMMON_CSS]
    assert stat(second, "requisites/revisits") >= 2


def test_requisites_of_a_shift_jis_page_and_on_other_hosts(req_web, crawls):
    run = run_crawl(req_web, "asyura", crawls(), args={"urls": ASYURA_POST})
    assert run.returncode == 0, run.stderr[-3000:]
    by_uri = responses(run)
    css = by_uri["http://www.asyura2.com/asyura.css"]
    assert ctype(css) == "text/css" and b'@charset "Shift_JIS"' in css["payload"]
    assert ctype(by_uri["http://www.asyura2.com/img/asyura-bg.gif"]) == "image/gif"  # url()
    photo = "http://rt.com/files/news/26/6e/30/00/russia-japan-first-talks.si.jpg"
    assert ctype(by_uri[photo]) == "image/jpeg"  # another host
    assert run.article("111.html")["text"]  # the article itself, as before


def test_cross_host_stylesheets_are_fetched_and_followed_to_their_own_requisites(req_web,
                                                                                    crawls):
    run = run_crawl(req_web, "rt", crawls(), args={"urls": RT_ARTICLE})
    assert run.returncode == 0, run.stderr[-3000:]
    by_uri = responses(run)
    for url, content_type in {
        RT_CSS: "text/css",
        "https://en.russiatoday.com/static/css/fonts.min.css": "text/css",  # @import
        "https://en.russiatoday.com/static/img/header-bg.png": "image/png",  # url()
        "https://cdni.russiatoday.com/files/2022.10/xxs/634457ff20302743c73b7b84.jpg":
            "image/jpeg",
        "https://www.rt.com/static/img/telegram_banners/telegram.svg": "image/svg+xml",
        "https://www.rt.com/static/img/telegram_banners/telegram_gif.gif": "image/gif",
    }.items():
        assert ctype(by_uri[url]) == content_type, url
    assert "https://www.rt.com/" not in fetched(run)  # <img src="/"> is no requisite
    assert [a["url"] for a in run.articles] == [RT_ARTICLE]


@pytest.fixture(scope="module")
def test_site_run(req_web, crawls) -> CrawlRun:
    """The generic spider from the listing, one hop: the listing and the article."""
    run = run_crawl(req_web, "urls", crawls(),
                    args={"urls": f"{TEST_SITE}/listing.html", "depth": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def test_requisites_are_never_crawled_onwards(test_site_run):
    got = fetched(test_site_run)
    for path in ("/style.css", "/deeper.css", "/bg.png", "/poster.png", "/page-as-image.html"):
        assert f"{TEST_SITE}{path}" in got, path
    for path in ("/never.css", "/never-followed.html", "/frame.html", "/clip.mp4",
                 "/next.html", "/linked.html"):
        assert f"{TEST_SITE}{path}" not in got, path
    assert [a["url"] for a in test_site_run.articles] == [f"{TEST_SITE}/article.html"]
    assert not [u for u in got if "base64" in u]
    # the HTML page fetched as an image is done with: no page left unprocessed in the state
    state = CrawlState(test_site_run.out)
    try:
        row = state.get(f"{TEST_SITE}/page-as-image.html")
        assert row is not None and row.html and row.processed and not row.is_article
        assert state.counts()["unprocessed"] == 0
    finally:
        state.close()


def test_a_robots_disallowed_requisite_is_not_fetched(test_site_run):
    assert f"{TEST_SITE}/private/secret.png" not in fetched(test_site_run)
    assert f"{TEST_SITE}/robots.txt" in fetched(test_site_run)
    assert stat(test_site_run, "robotstxt/forbidden") == 1


def test_requisites_pass_the_address_guard_like_any_request(test_site_run):
    assert not [u for u in fetched(test_site_run) if "127.0.0.1" in u or u.startswith("file:")]
    assert stat(test_site_run, "addressguard/refused/address") == 2  # its robots.txt, itself
    assert stat(test_site_run, "requisites/ignored") == 2  # it and the robots-disallowed one


def test_the_requisites_of_a_page_that_is_no_article_are_not_fetched(test_site_run):
    got = fetched(test_site_run)
    assert f"{TEST_SITE}/listing.html" in got and f"{TEST_SITE}/style.css" in got
    for path in ("/listing.css", "/listing-icon.png", "/listing-banner.png"):
        assert f"{TEST_SITE}{path}" not in got, path
    assert stat(test_site_run, "requisites/pages") == 1  # the article's


def test_the_setting_off_fetches_none(req_web, crawls, nwj_run):
    run = run_crawl(req_web, "newsweekjapan", crawls(), args={"urls": NWJ_ARTICLE},
                    settings={"REQUISITES_ENABLED": "False"})
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.article("no-thank-you")["text"]
    got = fetched(run)
    assert COMMON_CSS not in got and f"{COVER}.jpg" not in got
    assert not [u for u in got if "img-newsweekjapan.jp" in u]
    assert run.stats_value("requisites/requested") is None
    assert COMMON_CSS in fetched(nwj_run)  # the same page with the default


def test_replay_of_a_crawl_with_requisites(nwj_run, req_web, crawls, tmp_path):
    # archive replay: the same rows as the crawl; requisites are no pages
    assert stat(nwj_run, "requisites/archived") >= 11
    summary = replay([nwj_run.out / "warc"], tmp_path / "replayed", jobs=1)
    assert summary.errors == 0 and summary.articles == len(nwj_run.articles)
    assert summary.skipped_not_html >= stat(nwj_run, "requisites/archived")
    # WARC_REPLAY: the crawl again, against the archive: the requisites are asked for as
    # live and every one is answered from it; nothing is fetched, nothing archived again
    run = run_crawl(req_web, "newsweekjapan", crawls(),
                    args={"urls": ",".join([NWJ_ARTICLE, *NWJ_OTHERS])},
                    settings={"WARC_REPLAY": str(nwj_run.out / "warc")})
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(run.articles) == 3 and fetched(run) == []
    assert stat(run, "requisites/requested") == stat(nwj_run, "requisites/requested")
    assert stat(run, "requisites/from_archive") == stat(nwj_run, "requisites/archived")
    assert stat(run, "requisites/archived") == 0 and stat(run, "warc/responses") == 0
    assert stat(run, "warc_replay/miss") == 0
