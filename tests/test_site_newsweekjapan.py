"""Newsweek Japan: site rules on the fixture pages (fast) and the real ``newsweekjapan`` spider
against the fixture web (end to end).

The fixture pages live in ``fixtureweb/web/www.newsweekjapan.jp`` (provenance in its
``SOURCES.md``); the expected articles in ``tests/expected/newsweekjapan``. The bar: stitched
multi-page articles complete and in order, character-level F1 ≥ 0.99, none of the widget
strings below in any output, title/author/date exact.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest

import sites
from crawler.spiders.newsweekjapan import NewsweekJapanSpider
from pipelines.extract.page import extract_page
from sites.base import parse_html
from sites.newsweekjapan import (
    BROWSER_USER_AGENT,
    announced_pages,
    article_base,
    clean_href,
    is_article_url,
    is_paywalled,
    is_soft_404,
    next_page_url,
    page_number,
    page_url,
    tag_url,
)
from tests.conftest import BUNDLED_WEB, ROOT, CrawlRun, load_expected, run_crawl
from tests.sitecases import assert_in_order, char_f1

WEB = BUNDLED_WEB / "www.newsweekjapan.jp"
SITE = "https://www.newsweekjapan.jp"
SEED = ROOT.parent / "shared" / "seeds" / "newsweekjapan_2017_column_page2.txt"
CASES = load_expected("newsweekjapan")
CASE_IDS = [c["_name"] for c in CASES]

#: the three 人気ランキング lists of the seed capture (each item is a widget string)
RANKING_ITEMS = [
    "膝が痛くても足腰が弱くても、一生ぐんぐん歩けるようになる!",
    "【銘柄】イオンの株価が2倍に",
    "老後資金は「ためる」より「使う」へ",
    "【最先端戦闘機】ミラージュ、F16、グリペン、ラファ",
    "実写版『モアナ』予告編に批判",
    "「999段の階段」を落下",
    "マムダニの次は「この男」",
    "恐竜の「ゲロ」の化石",
    "AIの浸透で「ブルーカラー」の賃金が上がり",
    "7歳の娘の「スマホの検索履歴」",
    "トルコの軍用輸送機「C-130」",
    "ポルノ依存症になるメカニズムが判明",
    "母親にヘアカットを頼んだ25歳女性",
    "海外の空港でトイレに入った女性が見た",
    "本州で唯一「クマが生息していない県」はどこ?",
    "東京がニューヨークを上回り「世界最大の経済都市」に",
    "中国・「完成直後」の橋が崩落する瞬間",
    "カップルの写真に映り込んだ「謎",
    "【写真・動画】世界最大のクモの巣",
    "英国で「パブ離れ」が深刻化",
    "「熊害」の正しい読",
    "ロシア初の「AIヒト型ロボット」",
]
#: every widget of the seed page (after the article) plus the 2024 page chrome and the
#: in-body noise: none may appear in any extracted text
SEED_WIDGETS = [
    "プロフィール",
    "軍事アナリスト",
    "早稲田大学大学院修了後",
    "未来工学研究所研究員",
    "今、あなたにオススメ",
    "ニュース速報",
    "午後3時のドルは156円前半",
    "中国万科の社債急落",
    "台湾が国防費400億ドル増額へ",
    "インフレ基調指標、10月の刈り込み平均値",
    "MAGAZINE",
    "特集:ガザの叫びを聞け",
    "2025年12月 2日号(11/26発売)",
    "「天井なき監獄」を生きるパレスチナ自治区ガザの若者たち",
    "メールマガジンのご登録はこちらから",
    "人気ランキング",
    "トランプ2.0記事まとめ",
    "日本再発見 シーズン2",
    "CHALLENGING INNOVATOR",
    "Wonderful Story",
    *RANKING_ITEMS,
]
CHROME_WIDGETS = [
    "この筆者のコラム",
    "記事一覧へ",
    "【関連記事】",
    "もう車が買えなくなったアメリカ人",
    "ニューハンプシャー州予備選敗北",
    "次のページ",
    "前のページ",
    "Next",
    "Prev",
    "関連ワード",
    "ニュース速報一覧",
    "プーチン氏、2月12日にトルコへ",
    "シャルル・ド・ゴール空港",
    "WorldVoice",
    "注目のキーワード",
    "サイト内検索",
    "本誌紹介",
    "お得な定期購読",
    "コラム一覧",
    "ログイン",
    "会員情報",
    "れいぜい　あきひこ",
    "冷泉彰彦のプリンストン通信",
    "会員限定",
    "会員登録",
    "アステイオン99号",
    "申し訳ありません",
    "会社概要",
    "Copyright",
    "ウラジオストク在住。日本語教師",
    "shareTool",
    "googletag",
]
BOILERPLATE = SEED_WIDGETS + CHROME_WIDGETS


# -- helpers --------------------------------------------------------------------------------


def assert_no_boilerplate(text: str) -> None:
    leaked = [s for s in BOILERPLATE if s in text]
    assert not leaked, f"boilerplate in output: {leaked}"


def local_url(url: str) -> Path:
    """The fixture file that serves a page URL (aliases through _routes.json)."""
    path = url.removeprefix(SITE).lstrip("/")
    return WEB / path


def extract_offline(case: dict[str, Any]) -> dict[str, Any]:
    """Extract a case from the fixture files, parts with status ok only (as the pipeline)."""
    url = case["url"]
    parts = [
        (p["url"], local_url(p["url"]).read_text("utf-8"))
        for p in case["parts"]
        if p["status"] == "ok"
    ]
    result = extract_page(url, local_url(url).read_text("utf-8"), site="newsweekjapan",
                          parts=parts)
    assert result.article is not None, result.reason
    return result.article


def check_article(got: dict[str, Any], case: dict[str, Any]) -> None:
    for key in ("canonical_url", "title", "author", "published", "language", "site", "method"):
        assert got[key] == case[key], f"{case['_name']}: {key}"
    f1 = char_f1(got["text"], case["text"])
    assert f1 >= 0.99, f"{case['_name']}: F1 {f1:.4f}"
    assert_in_order(got["text"], case["text"])
    assert_no_boilerplate(got["text"])


# -- URL helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "base", "page"),
    [
        (f"{SITE}/reizei/2024/01/no-thank-you.php", f"{SITE}/reizei/2024/01/no-thank-you.php", 1),
        (f"{SITE}/reizei/2024/01/no-thank-you_1.php", f"{SITE}/reizei/2024/01/no-thank-you.php",
         1),
        ("http://newsweekjapan.jp/stories/world/2017/03/post-7215_2.php#top",
         f"{SITE}/stories/world/2017/03/post-7215.php", 2),
        (f"{SITE}/stories/woman/2023/05/post-841_3.php",
         f"{SITE}/stories/woman/2023/05/post-841.php", 3),
        (f"{SITE}/stories/business/2024/01/810-2.php", f"{SITE}/stories/business/2024/01/810-2.php",
         1),
    ],
)
def test_article_base_and_page_number(url, base, page):
    assert article_base(url) == base
    assert page_number(url) == page
    assert page_url(base, page) == (base if page == 1 else base[:-4] + f"_{page}.php")


def test_url_classification():
    assert is_article_url(f"{SITE}/koizumi/2017/03/post-11.php")
    assert is_article_url(f"{SITE}/worldvoice/rikamama/2023/11/cdg.php")
    assert is_article_url(f"{SITE}/headlines/world/2024/02/483076.php")
    assert is_article_url("https://newsweekjapan.jp/stories/world/2017/03/post-7215_2.php")
    assert not is_article_url(f"{SITE}/reizei/2024/01/no-thank-you_$i.php")
    assert not is_article_url(f"{SITE}/stories/world/")
    assert not is_article_url(f"{SITE}/stories/world/index_2.php")
    assert not is_article_url("https://www.newsweek.com/2017/03/post-1.php")
    assert clean_href(f"{SITE}/stories/world/", "no-thank-you_$i.php") is None
    assert clean_href(f"{SITE}/woman/", "/woman/../stories/world/2024/02/x.php?utm_source=a") == (
        f"{SITE}/stories/world/2024/02/x.php"
    )
    assert tag_url("北方領土") == f"{SITE}/tagsearch/%E5%8C%97%E6%96%B9%E9%A0%98%E5%9C%9F"


# -- pagination -----------------------------------------------------------------------------


def tree_of(path: str):
    return parse_html((WEB / path).read_text("utf-8"))


def test_next_page_of_the_real_page_ignores_dollar_hrefs():
    url = f"{SITE}/reizei/2024/01/no-thank-you.php"
    tree = tree_of("reizei/2024/01/no-thank-you.php")
    hrefs = [a.get("href") for a in tree.cssselect("ul.indexNavi a")]
    assert "no-thank-you_$i.php" in hrefs  # the template bug is really there
    assert announced_pages(tree) == 2
    assert next_page_url(url, tree) == f"{SITE}/reizei/2024/01/no-thank-you_2.php"
    last = tree_of("reizei/2024/01/no-thank-you_2.php")
    assert next_page_url(f"{SITE}/reizei/2024/01/no-thank-you_2.php", last) is None


def test_next_page_from_page_numbers_when_next_link_is_broken():
    html = """<html><body><div class="entryDetailBodyCopy"><p>x</p>
    <ul class="indexNavi clearfix"><li><a href="post-1_$i.php">&nbsp;1&nbsp;</a></li>
    <li><span class="current_page">2</span></li><li><a href="post-1_$i.php">&nbsp;3&nbsp;</a></li>
    <li class="next"><a href="post-1_$i.php">Next</a></li></ul></div></body></html>"""
    url = f"{SITE}/stories/world/2019/09/post-1_2.php"
    assert next_page_url(url, parse_html(html)) == f"{SITE}/stories/world/2019/09/post-1_3.php"


def test_page_states():
    assert is_paywalled(tree_of("stories/world/2024/02/sakhalin-lng_2.php"))
    assert not is_paywalled(tree_of("stories/world/2024/02/sakhalin-lng.php"))
    assert is_soft_404(tree_of("stories/world/2017/03/post-7216.php"))
    assert is_soft_404(tree_of("stories/world/2024/02/northern-territories_3.php"))
    assert not is_soft_404(tree_of("reizei/2024/01/no-thank-you.php"))


# -- rules: eras, metadata, text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "era"),
    [
        ("reizei/2024/01/no-thank-you.php", "2024"),
        ("headlines/world/2024/02/483100.php", "2024"),
        ("koizumi/2017/03/post-11_2.php", "2017"),
        ("asteion/2024/01/post-150.php", "2017"),
        ("worldvoice/vladivostok/2024/02/post-8.php", "worldvoice"),
        ("stories/world/index.html", "2017"),
    ],
)
def test_era_is_chosen_by_markup(path, era):
    rules = sites.rules_for(f"{SITE}/{path}", tree_of(path))
    assert rules is not None and rules.name == "newsweekjapan" and rules.era == era


@pytest.mark.parametrize(
    "path",
    ["stories/world/index.html", "stories/world/index_2.php", "tagsearch/ロシア",
     "tagsearch/北方領土", "stories/world/2017/03/post-7216.php"],
)
def test_listings_tags_and_soft_404_are_not_articles(path):
    result = extract_page(f"{SITE}/{path}", (WEB / path).read_text("utf-8"))
    assert result.article is None
    assert result.reason == "not-article: site rules"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_rules_on_fixture_files_leave_every_widget_out(case):
    """Beside tests/test_sites.py's exact comparison: none of the seed capture's widget
    strings nor the fixture pages' chrome (a longer list than CHROME_STRINGS)."""
    assert_no_boilerplate(extract_offline(case)["text"])


def test_single_pages_alone_are_partial():
    """Page 1 alone lacks page 2's text: the stitched article is what the expected text is."""
    case = next(c for c in CASES if c["_name"] == "koizumi_2017_2plus2")
    alone = extract_page(case["url"], local_url(case["url"]).read_text("utf-8")).article
    assert alone is not None
    assert "まずは信頼醸成措置から" not in alone["text"]
    assert char_f1(alone["text"], case["text"]) < 0.9


def test_seed_widgets_are_rendered_and_seed_text_is_expected():
    """The seed page's every widget string is in the fixture page 2 (so the absence checks
    mean something) and the seed's article text is the end of the expected text."""
    page2 = (WEB / "koizumi/2017/03/post-11_2.php").read_text("utf-8")
    text = parse_html(page2).text_content()
    missing = [s for s in SEED_WIDGETS if s not in text]
    assert not missing, missing
    if not SEED.exists():
        pytest.skip("shared/seeds not present")
    seed = SEED.read_text("utf-8")
    body = seed[seed.index("北方領土における") : seed.index("プロフィール")]
    case = next(c for c in CASES if c["_name"] == "koizumi_2017_2plus2")
    want = [ln.strip() for ln in body.splitlines() if ln.strip()]
    assert_in_order(case["text"], "\n".join(want))
    assert case["text"].endswith(want[-1])
    # the seed's widget lines, one by one, are in the page too
    tail = seed[seed.index("プロフィール") :]
    for line in tail.splitlines():
        line = re.sub(r"^\s*•\s*", "", line).strip()
        if line and not line.isdigit():
            assert line in text, line


# -- end to end -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def main_crawl(web, tmp_path_factory) -> CrawlRun:
    """The spider with its defaults: the feed, /stories/world/ (+ index_2.php), tags."""
    run = run_crawl(web, "newsweekjapan", tmp_path_factory.mktemp("nwj-main"))
    assert run.returncode == 0, run.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def url_crawl(web, tmp_path_factory) -> CrawlRun:
    """Explicit URLs (a page-2 URL on the bare host, a _1.php alias, a bare-host listing) with a
    topic filter."""
    urls = ",".join([
        "https://newsweekjapan.jp/reizei/2024/01/no-thank-you_2.php",
        f"{SITE}/koizumi/2017/03/post-11_1.php",
        "https://newsweekjapan.jp/stories/world/index_2.php",
    ])
    run = run_crawl(web, "newsweekjapan", tmp_path_factory.mktemp("nwj-urls"),
                    args={"urls": urls, "match": "北方領土"})
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def fetched(run: CrawlRun) -> list[str]:
    return [r.url for r in run.requests if r.method == "GET"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_crawl_articles_match_expected(main_crawl, case):
    row = main_crawl.article(case["url"])
    assert row["url"] == case["url"]
    check_article(row, case)
    assert [{"url": p["url"], "status": p["status"]} for p in row.get("parts", [])] == case["parts"]
    for key, value in case["meta"].items():
        assert row["meta"][key] == value, f"{case['_name']}: meta {key}"
    ok_pages = [case["url"]] + [p["url"] for p in case["parts"] if p["status"] == "ok"]
    assert row.get("pages", [case["url"]]) == ok_pages


def test_crawl_writes_one_row_per_article_and_none_for_other_pages(main_crawl):
    urls = sorted(a["url"] for a in main_crawl.articles)
    assert urls == sorted(c["url"] for c in CASES)
    assert main_crawl.stats_value("newsweekjapan/soft_404") == "1"
    for row in main_crawl.articles:
        assert_no_boilerplate(row["text"])


def test_crawl_fetches(main_crawl):
    got = fetched(main_crawl)
    # the feed, with a browser User-Agent; nothing else with it
    feed = [r for r in main_crawl.requests if r.path == "/story/rss.xml"]
    assert len(feed) == 1 and feed[0].headers.get("User-Agent") == BROWSER_USER_AGENT
    others = [r for r in main_crawl.requests if r.method == "GET" and r.path != "/story/rss.xml"]
    assert others and all(r.headers.get("User-Agent") != BROWSER_USER_AGENT for r in others)
    # listings, paging, tags
    for url in (f"{SITE}/stories/world/", f"{SITE}/stories/world/index_2.php",
                f"{SITE}/tagsearch/%E3%83%AD%E3%82%B7%E3%82%A2",
                f"{SITE}/tagsearch/%E5%8C%97%E6%96%B9%E9%A0%98%E5%9C%9F"):
        assert got.count(url) == 1, url
    # every page of every article once (page 1 reached from several places: fetched once)
    for case in CASES:
        assert got.count(case["url"]) == (2 if "redirects_to_page1" in case["_name"] else 1)
        for part in case["parts"]:
            assert part["url"] in got
    assert f"{SITE}/stories/world/2017/03/post-7216.php" in got  # the soft 404
    # never: template-bug hrefs, _1.php aliases, sidebar/widget links, feed tracking params
    assert not [u for u in got if "$" in u or "%24" in u]
    assert not [u for u in got if u.endswith("_1.php")]
    assert not [u for u in got if "/2025/11/" in u or "/headlines/world/2024/02/483076" in u]
    assert not [u for u in got if "utm_" in u]
    assert not [u for u in got if "index_3.php" in u]
    statuses = {r.url: r.status for r in main_crawl.requests if r.method == "GET"}
    assert statuses[f"{SITE}/stories/world/2024/02/northern-territories_3.php"] == 404
    assert statuses[f"{SITE}/stories/world/2024/02/visa-free_2.php"] == 301


def test_crawl_part_notes(main_crawl):
    nt = main_crawl.article("northern-territories.php")
    notes = {n["page"]: n for n in nt["meta"]["page_notes"]}
    assert notes[3]["status"] == "missing" and notes[3]["http_status"] == 404
    assert notes[4]["status"] == "ok"
    visa = main_crawl.article("visa-free.php")
    assert "redirected" in visa["meta"]["page_notes"][0]["note"]
    fish = main_crawl.article("fishing-talks.php")
    assert fish["meta"]["page_notes"][0]["status"] == "missing"
    assert "http_status" not in fish["meta"]["page_notes"][0]  # no answer at all
    lng = main_crawl.article("sakhalin-lng.php")
    assert "日本が権益を手放した場合" not in lng["text"]  # the paywalled teaser is not used


def _record_at(run: CrawlRun, pointer: dict[str, Any]) -> dict[str, Any]:
    path = run.out / "warc" / pointer["filename"]
    assert path.exists(), pointer
    with path.open("rb") as fh:
        fh.seek(pointer["offset"])
        raw = gzip.GzipFile(fileobj=fh).read(4096)
    head = raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    return dict(
        line.split(": ", 1) for line in head.splitlines()[1:] if ": " in line
    )


def test_crawl_warc_pointers_name_existing_records(main_crawl):
    records = {r["id"]: r for r in main_crawl.records()}
    checked = 0
    for row in main_crawl.articles:
        pointers = [(row["url"], row["warc"])] + [
            (p["url"], p["warc"]) for p in row.get("parts", []) if p["warc"]
        ]
        for url, pointer in pointers:
            rec = records.get(pointer["record_id"])
            assert rec is not None, (url, pointer)
            assert rec["type"] in ("response", "revisit")
            assert rec["file"] == pointer["filename"]
            headers = _record_at(main_crawl, pointer)
            assert headers["WARC-Record-ID"] == pointer["record_id"]
            checked += 1
        assert row["warc"]["target_uri"] == row["url"]
    assert checked >= len(CASES) + 4


def test_url_crawl_canonicalises_and_filters(url_crawl):
    got = fetched(url_crawl)
    # page-2 and _1.php start URLs become page 1 on www; each article fetched whole
    assert f"{SITE}/reizei/2024/01/no-thank-you.php" in got
    assert f"{SITE}/reizei/2024/01/no-thank-you_2.php" in got
    assert f"{SITE}/koizumi/2017/03/post-11.php" in got
    assert f"{SITE}/koizumi/2017/03/post-11_2.php" in got
    bare = [u for u in got if "://newsweekjapan.jp/" in u]
    assert sorted(bare) == ["https://newsweekjapan.jp/robots.txt",
                            "https://newsweekjapan.jp/stories/world/index_2.php"]
    assert not [u for u in got if u.endswith("_1.php")]
    # the bare-host listing is redirected to www and read
    assert "https://newsweekjapan.jp/stories/world/index_2.php" in got
    assert f"{SITE}/stories/world/index_2.php" in got
    assert f"{SITE}/stories/world/2017/03/post-7215.php" in got
    # no defaults when urls are given
    assert not [u for u in got if "rss.xml" in u or "tagsearch" in u]
    assert f"{SITE}/stories/world/" not in got
    # the topic filter: the reizei column (no 北方領土) is archived but gets no row
    rows = sorted(a["url"] for a in url_crawl.articles)
    assert rows == [f"{SITE}/koizumi/2017/03/post-11.php",
                    f"{SITE}/stories/world/2017/03/post-7215.php"]
    koizumi = url_crawl.article("post-11.php")
    case = next(c for c in CASES if c["_name"] == "koizumi_2017_2plus2")
    check_article(koizumi, case)
    assert koizumi["meta"]["complete"] is True
    assert "reizei/2024/01/no-thank-you_2.php" in json.dumps(
        [r["uri"] for r in url_crawl.records() if r["type"] in ("response", "revisit")]
    )


def test_spider_arguments():
    spider = NewsweekJapanSpider()
    assert spider.feeds and spider.listings and spider.tags == ["ロシア", "北方領土"]
    spider = NewsweekJapanSpider(urls=f"{SITE}/stories/world/", tags="北方領土", listing_pages="1")
    assert spider.feeds == [] and spider.listings == [] and spider.tags == ["北方領土"]
    assert spider.listing_pages == 1


def test_feed_answered_with_html_is_counted_not_followed():
    """Without a browser User-Agent the real feed URL answers an HTML page: nothing to follow."""
    from scrapy.http import HtmlResponse, Request, XmlResponse
    from scrapy.utils.test import get_crawler

    spider = NewsweekJapanSpider.from_crawler(get_crawler(NewsweekJapanSpider))
    spider.crawler.stats.open_spider()
    page = (WEB / "stories/world/index.html").read_bytes()
    html = HtmlResponse(f"{SITE}/story/rss.xml", body=page,
                        request=Request(f"{SITE}/story/rss.xml"),
                        headers={"Content-Type": "text/html; charset=UTF-8"})
    assert list(spider.parse_feed(html)) == []
    assert spider.crawler.stats.get_value("newsweekjapan/feed_not_xml") == 1
    feed = XmlResponse(f"{SITE}/story/rss.xml", body=(WEB / "story/rss.xml").read_bytes(),
                       headers={"Content-Type": "application/rss+xml; charset=UTF-8"})
    requests = list(spider.parse_feed(feed))
    assert [r.url for r in requests] == [
        f"{SITE}/headlines/world/2024/02/483100.php",
        f"{SITE}/stories/world/2024/02/sakhalin-lng.php",
        f"{SITE}/worldvoice/vladivostok/2024/02/post-8.php",
        f"{SITE}/reizei/2024/01/no-thank-you.php",
    ]
    assert all(r.callback == spider.parse_article for r in requests)
    assert spider.feed_request(f"{SITE}/story/rss.xml").headers[b"User-Agent"] == (
        BROWSER_USER_AGENT.encode()
    )


def test_max_pages_stops_after_a_whole_article(web, tmp_path):
    """max_pages counts articles' first pages; the article in progress still gets its parts."""
    urls = f"{SITE}/reizei/2024/01/no-thank-you.php,{SITE}/koizumi/2017/03/post-11.php"
    run = run_crawl(web, "newsweekjapan", tmp_path / "out", args={"urls": urls, "max_pages": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    assert "max_pages" in run.stderr
    assert len(run.articles) == 1
    row = run.articles[0]
    assert row["meta"]["complete"] is True and [p["status"] for p in row["parts"]] == ["ok"]


def test_max_pages_reached_while_an_article_is_open_lets_it_finish_whatever_arrives_first():
    """Page 1 of the next article can arrive before page 2 of the open one (both in flight):
    it is not taken, and the spider closes once the open article has its item."""
    from scrapy import Request
    from scrapy.exceptions import CloseSpider
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from pipelines.extract.items import PageItem

    def response(path: str, **meta: Any) -> HtmlResponse:
        url = f"{SITE}/{path}"
        body = (BUNDLED_WEB / "www.newsweekjapan.jp" / path).read_bytes()
        return HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"},
                            request=Request(url, meta=meta))

    crawler = get_crawler(NewsweekJapanSpider)
    spider = NewsweekJapanSpider.from_crawler(crawler, urls=f"{SITE}/", max_pages="1")
    first = list(spider.parse_article(response("reizei/2024/01/no-thank-you.php")))
    assert len(first) == 1 and isinstance(first[0], Request)  # page 2 of the open article
    # the next article's page 1 arrives first: not taken, no close yet
    assert list(spider.parse_article(response("koizumi/2017/03/post-11.php"))) == []
    page2 = first[0]
    out = []
    with pytest.raises(CloseSpider) as closed:
        for produced in spider.parse_page(response("reizei/2024/01/no-thank-you_2.php",
                                                   **page2.meta)):
            out.append(produced)
    assert closed.value.reason == "max_pages"
    assert len(out) == 1 and isinstance(out[0], PageItem)
    assert out[0].meta["complete"] is True and [p.status for p in out[0].parts] == ["ok"]
    # with no article open, reaching max_pages closes at once, as for every spider
    with pytest.raises(CloseSpider) as closed:
        list(spider.parse_article(response("koizumi/2017/03/post-11.php")))
    assert closed.value.reason == "max_pages"


@pytest.mark.parametrize(
    ("path", "continuation"),
    [
        ("reizei/2024/01/no-thank-you.php", False),
        ("reizei/2024/01/no-thank-you_2.php", True),
        ("stories/world/2024/02/northern-territories_4.php", True),
        ("stories/world/index_2.php", False),
    ],
)
def test_continuation_pages_for_replay(path, continuation):
    url = f"{SITE}/{path}"
    tree = tree_of(path)
    rules = sites.rules_for(url, tree)
    assert rules.is_continuation(url, tree) is continuation
    # by markup alone too (a Wayback or redirected URL may not show _n.php)
    assert rules.is_continuation(f"{SITE}/x/2024/01/y.php", tree) is (
        continuation and path != "stories/world/index_2.php"
    )
