"""rt.com: site rules (eras 2022 / 2016 / synthetic 2013 / fallback) and the ``rt`` spider.

Unit tests run the rules on the fixture files; end-to-end tests run ``scrapy crawl rt`` against
the fixture web (three crawls, shared per module) and compare with ``tests/expected/rt``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

import sites
from crawler.spiders.rt import RTSpider
from pipelines.extract.page import extract_page
from sites.base import parse_html
from sites.feeds import feed_items, robots_sitemaps, sitemap_entries
from sites.rt import dedup_key, is_article_url, is_listing_page_url
from tests.conftest import BUNDLED_WEB, is_requisite, load_expected, run_crawl
from tests.sitecases import check_warc_pointers, token_f1

CASES = load_expected("rt")
CASE_IDS = [c["_name"] for c in CASES]
A2013 = "http://rt.com/news/russia-japan-first-talks-134/"
A2016 = "https://www.rt.com/uk/338045-privatization-aid-money-dfid/"
A2022 = "https://www.rt.com/news/564427-assange-positive-covid-belmarsh-lockdown/"
LISTING_MORE_1 = "https://www.rt.com/listing/type.News.category.news/prepare/all-news/15/1"
LISTING_MORE_2 = "https://www.rt.com/listing/type.News.category.news/prepare/all-news/15/2"

#: boilerplate seen on the fixture pages (sites/README.md 2.4 and the synthetic 2013 page):
#: none of it may reach an article's text
NOISE_STRINGS = [
    # 2016: tweets and video embeds (.rtcode), share bar, cover credit, short URL, comments
    "pic.twitter.com", "Global Justice Now (@GlobalJusticeUK)", "Occupy London", "@newint",
    "April 1, 2016", "Ok Tedi Mine", "Get short URL", "Posting rules", "FAQ", "Where to watch",
    "QUESTION MORE", "TV-Novosti", "Published time",
    # 2022: read-more card, share bar, Telegram banner, trends, cover credit, sidebars
    "Read more", "Assange supporters surround UK Parliament", "You can share this story",
    "Follow RT on", "Trends:", "Assange extradition", "Getty Images", "Top stories",
    "RT Features", "Russian strikes a response",
    # 2013 (synthetic): caption, READ MORE box, tags, social, related, comments, sidebar
    "AFP Photo", "Yoshikazu Tsuno", "READ MORE", "Putin and Abe agree to revive", "Tags:",
    "Share this story", "Related news", "Comments (3)", "Hiro_from_Sapporo",
    "Sixty-eight years", "Add comment", "Most read", "Keiser Report", "Trending:",
]
#: the files behind the article URLs (fixture web layout)
FIXTURE_FILES = {
    A2013: BUNDLED_WEB / "rt.com/news/russia-japan-first-talks-134/index.html",
    A2016: BUNDLED_WEB / "www.rt.com/uk/338045-privatization-aid-money-dfid/index.html",
    A2022: BUNDLED_WEB
    / "www.rt.com/news/564427-assange-positive-covid-belmarsh-lockdown/index.html",
}
META_FIELDS = ("url", "canonical_url", "title", "author", "published", "language", "site")


def read(path: Path) -> str:
    return path.read_text("utf-8")


def extract_file(url: str, path: Path | None = None):
    return extract_page(url, read(path or FIXTURE_FILES[url]))


# -- unit: the real pages ---------------------------------------------------------------------


def test_three_expected_cases_exist():
    assert sorted(c["url"] for c in CASES) == sorted(FIXTURE_FILES)


def test_real_2016_page_gives_wpps_23_paragraphs():
    """johnl/web-page-parser's spec: 23 paragraphs (summary first); tweets are not paragraphs."""
    lines = extract_file(A2016).article["text"].split("\n")
    assert len(lines) == 23
    assert lines[0] == (
        "Free-market consultants in Britain are taking hundreds of millions of pounds "
        "ring-fenced to alleviate poverty in the developing world, as the government continues "
        "with its agenda of privatizing aid, a damning report has warned."
    )
    assert lines[4] == (
        "The study examined how much of DfID’s work was geared towards supporting market-based "
        "development and the private sector in poor states. Recent projects included backing "
        "for a “business advocacy capacity development program” in Zimbabwe, and projects to "
        "increase private schooling in Kenya."
    )
    assert lines[22] == (
        "ASI describes itself as a transparent, objective organization dedicated to making "
        "public services more robust. It also claims to support economic growth and civil "
        "society, while building “democratic and accountable institutions.”"
    )


def test_real_2022_page_gives_wpps_8_paragraphs():
    lines = extract_file(A2022).article["text"].split("\n")
    assert len(lines) == 8
    assert lines[0] == (
        "The Wikileaks publisher has been put on 24/7 lockdown in Belmarsh, his wife reports"
    )
    assert lines[1].startswith("Wikileaks founder Julian Assange has tested positive")
    assert lines[-1].startswith("Assange faces a 175-year sentence on charges")
    assert lines[-1].endswith("for exposing its own war crimes.")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_no_boilerplate_in_text(case):
    text = extract_file(case["url"]).article["text"]
    leaked = [s for s in NOISE_STRINGS if s in text]
    assert not leaked


def test_author_is_null_not_the_publisher():
    """The 2022 page says article:author "Russia Today" and JSON-LD author Organization "RT":
    both are the publisher. The extractor must not fill them in either."""
    html = read(FIXTURE_FILES[A2022])
    assert 'content="Russia Today"' in html and '"name": "RT"' in html
    assert extract_page(A2022, html).article["author"] is None


def test_a_person_in_json_ld_is_the_author():
    html = read(FIXTURE_FILES[A2022]).replace(
        '"author": {\n                                    "@type": "Organization",\n'
        '                  "name": "RT"',
        '"author": {\n "@type": "Person",\n "name": "Jane Op-Ed"',
    )
    assert "Jane Op-Ed" in html
    assert extract_page(A2022, html).article["author"] == "Jane Op-Ed"
    html = read(FIXTURE_FILES[A2022]).replace(
        '<meta name="article:author" content="Russia Today" />',
        '<meta name="article:author" content="Bradley Blankenship" />',
    )
    assert extract_page(A2022, html).article["author"] == "Bradley Blankenship"


def test_2022_date_falls_back_to_meta_then_visible_date():
    html = read(FIXTURE_FILES[A2022]).replace('"datePublished"', '"datePublishedX"')
    assert extract_page(A2022, html).article["published"] == "2022-10-10T17:38:16+00:00"
    html = re.sub(r'<meta name="published_time_telegram"[^>]*>', "", html)
    assert extract_page(A2022, html).article["published"] == "2022-10-10T17:38:00+00:00"


def test_2016_edited_time_is_modified_and_header_clock_ignored():
    html = read(FIXTURE_FILES[A2016]).replace(
        "Published time: 1 Apr, 2016 15:17</time>",
        "Published time: 1 Apr, 2016 15:17</time>"
        '<time class="date date_article-header">Edited time: 3 Apr, 2016 16:30</time>',
    )
    article = extract_page(A2016, html).article
    assert article["published"] == "2016-04-01T15:17:00+00:00"  # not the 17:27 GMT header clock
    assert article["site_meta"]["modified"] == "2016-04-03T16:30:00+00:00"


def test_2013_published_and_edited_in_one_paragraph():
    html = read(FIXTURE_FILES[A2013]).replace(
        "Published time: November 02, 2013 20:37</p>",
        "Published time: November 02, 2013 20:37<br />Edited time: November 03, 2013 05:41</p>",
    )
    article = extract_page(A2013, html).article
    assert article["published"] == "2013-11-02T20:37:00+00:00"
    assert article["site_meta"]["modified"] == "2013-11-03T05:41:00+00:00"


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("www.rt.com/news/index.html", "https://www.rt.com/news/"),
        ("www.rt.com/russia/index.html", "https://www.rt.com/russia/"),
        ("www.rt.com/listing/type.News.category.news/prepare/all-news/15/1", LISTING_MORE_1),
        ("www.rt.com/listing/type.News.category.news/prepare/all-news/15/2", LISTING_MORE_2),
    ],
)
def test_listings_are_not_articles(path, url):
    result = extract_page(url, read(BUNDLED_WEB / path))
    assert result.article is None
    assert result.method == "site:rt/fallback"
    assert result.reason == "not-article: site rules"


def test_era_chosen_by_markup_not_url():
    """The 2016 page served under a 2022-style URL is still read as 2016, and vice versa."""
    for url, path, era in [
        (A2022, FIXTURE_FILES[A2016], "rt/2016"),
        (A2016, FIXTURE_FILES[A2022], "rt/2022"),
        ("https://www.rt.com/news/134-x/", FIXTURE_FILES[A2013], "rt/2013"),
    ]:
        rules = sites.rules_for(url, parse_html(read(path)))
        assert rules is not None and rules.label() == era


def test_unknown_layout_falls_back():
    """An article in a layout no era knows: modern body selectors if present, else its body
    found by structure (the run of paragraphs after the headline); the date comes from
    metadata."""
    body = " ".join(["Russia and Japan discussed security in Tokyo on Saturday."] * 12)
    page = (
        '<html lang="en"><head><meta property="og:type" content="article">'
        '<meta property="og:title" content="Unknown layout">'
        '<meta property="article:published_time" content="2019-05-01T10:00:00Z">'
        f'</head><body><div class="story"><h1>Unknown layout</h1><p>{body}</p>'
        f"<p>{body}</p></div></body></html>"
    )
    result = extract_page("https://www.rt.com/news/455000-unknown-layout/", page)
    assert result.method == "site:rt/fallback+structure+chrome"
    assert result.article["published"] == "2019-05-01T10:00:00+00:00"
    assert "Russia and Japan discussed security" in result.article["text"]
    page2 = page.replace('<div class="story">', '<div class="article__text">')
    result = extract_page("https://www.rt.com/news/455000-unknown-layout/", page2)
    assert result.method == "site:rt/fallback"
    assert result.article["author"] is None


# -- unit: URLs, feeds, sitemaps, arguments ---------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        (A2016, True),
        (A2022, True),
        ("https://www.rt.com/business/338032-saudi-arabia-megafund-assets/", True),
        ("https://www.rt.com/usa/338131-candy-thief-life-sentence/", True),
        ("https://rt.com/news/564427-assange-positive-covid-belmarsh-lockdown", True),
        (A2013, True),
        ("http://rt.com/politics/putin-abe-peace-treaty-talks-451/", True),
        ("https://www.rt.com/politics/", False),
        ("https://www.rt.com/in-vision/337713-egyptair-hijacker-hostages-free/", False),
        ("https://www.rt.com/in-motion/338243-anti-refugee-rally-uk/", False),
        ("https://www.rt.com/news/564427-assange-positive-covid-belmarsh-lockdown/amp/", False),
        ("https://www.rt.com/trends/assange-extradition/", False),
        ("https://www.rt.com/tags/feature/", False),
        ("https://russian.rt.com/world/news/1059312-assanzh-koronavirus", False),
        ("https://arabic.rt.com/world/1394857-x/", False),
        ("https://on.rt.com/c3ij", False),
        ("https://www.rt.com/shows/crosstalk/", False),
        ("https://example.com/news/564427-assange/", False),
        (LISTING_MORE_1, False),
    ],
)
def test_article_urls(url, ok):
    assert is_article_url(url) is ok


def test_listing_pages_and_dedup_keys():
    assert is_listing_page_url(LISTING_MORE_1)
    assert not is_listing_page_url("https://www.rt.com/news/")
    assert not is_listing_page_url("https://russian.rt.com/listing/type.Article/prepare/x/1/2")
    assert dedup_key(A2013) == dedup_key("https://www.rt.com/news/russia-japan-first-talks-134")
    assert dedup_key(A2022) == dedup_key(A2022.replace("https://www.", "http://"))
    assert dedup_key(A2022) != dedup_key(A2016)


def test_feed_items_prefer_guid():
    xml = b"""<?xml version="1.0"?><rss version="2.0"><channel>
      <item><link>https://on.rt.com/c3ij?utm_source=rss</link>
            <guid>https://www.rt.com/news/564427-assange/</guid>
            <pubDate>Mon, 10 Oct 2022 17:38:16 +0000</pubDate></item>
      <item><link>https://www.rt.com/uk/338045-x/?utm_source=rss</link>
            <guid isPermaLink="false">rt-338045</guid></item>
      <item><link>/usa/338131-candy/</link></item>
    </channel></rss>"""
    items = feed_items(etree.fromstring(xml), "https://www.rt.com/rss/")
    assert [i["url"] for i in items] == [
        "https://www.rt.com/news/564427-assange/",
        "https://www.rt.com/uk/338045-x/?utm_source=rss",
        "https://www.rt.com/usa/338131-candy/",
    ]
    assert items[0]["pubDate"] == "Mon, 10 Oct 2022 17:38:16 +0000"


def test_the_fixture_feed_carries_utm_links_and_clean_guids():
    root = etree.fromstring((BUNDLED_WEB / "www.rt.com/rss/news.rss").read_bytes())
    links = [el.text for el in root.iter("link") if el.text and "utm_" in el.text]
    assert links and all(
        "?utm_source=rss&utm_medium=rss&utm_campaign=RSS" in link for link in links
    )
    assert all("utm_" not in i["url"] for i in feed_items(root, "https://www.rt.com/rss/news/"))


def test_robots_and_sitemaps_parse():
    robots = read(BUNDLED_WEB / "www.rt.com/robots.txt")
    assert robots_sitemaps(robots) == ["https://www.rt.com/sitemap.xml"]
    kind, entries = sitemap_entries(
        etree.fromstring((BUNDLED_WEB / "www.rt.com/sitemap.xml").read_bytes())
    )
    assert kind == "sitemapindex" and len(entries) == 2
    kind, entries = sitemap_entries(
        etree.fromstring((BUNDLED_WEB / "www.rt.com/sitemaps/news-2016-04.xml").read_bytes())
    )
    assert kind == "urlset" and entries[0] == {"loc": A2016, "lastmod": "2016-04-01T15:17:00+00:00"}


def test_spider_arguments():
    spider = RTSpider()
    assert spider.sections == ["news", "russia"] and spider.read_feeds
    assert not spider.read_sitemaps and spider.listing_pages == 3
    spider = RTSpider(urls=A2013)
    assert spider.sections == [] and not spider.read_feeds
    spider = RTSpider(urls=A2013, feeds="1", sitemaps="yes", sections="news", listing_pages="0")
    assert spider.sections == ["news"] and spider.read_feeds and spider.read_sitemaps
    assert spider.listing_pages == 0
    assert RTSpider(sections="", feeds="0").sections == []
    with pytest.raises(ValueError):
        RTSpider(feeds="maybe")


# -- end to end -------------------------------------------------------------------------------


def fetched(run) -> list[str]:
    return [r.url for r in run.requests if r.method == "GET"]


def check_article(run, row, case):
    """Text and metadata of one crawled article against its expected case."""
    assert token_f1(row["text"], case["text"]) >= 0.99
    assert len(row["text"].split("\n")) == case["paragraphs"]
    for key in META_FIELDS:
        assert row[key] == case[key], key
    assert row["method"] == case["method"]
    assert not [s for s in NOISE_STRINGS if s in row["text"]]
    text_file = run.out / row["text_path"]
    assert text_file.read_text("utf-8").rstrip("\n") == row["text"]


@pytest.fixture(scope="module")
def default_crawl(web, tmp_path_factory):
    """``scrapy crawl rt`` with no arguments: listings news+russia, both feeds."""
    run = run_crawl(web, "rt", tmp_path_factory.mktemp("rt-default"))
    assert run.returncode == 0, run.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def sitemap_crawl(web, tmp_path_factory):
    """Sitemaps from robots.txt plus the 2013 article as a start URL, with a topic filter."""
    run = run_crawl(
        web, "rt", tmp_path_factory.mktemp("rt-sitemap"),
        args={"urls": A2013 + "?utm_source=twitter&utm_medium=social", "sitemaps": "1",
              "match": "Kuril"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_default_crawl_articles_match_expected(default_crawl, case):
    check_article(default_crawl, default_crawl.article(case["url"]), case)


def test_default_crawl_fetches_what_it_should(default_crawl):
    got = fetched(default_crawl)
    assert "'finish_reason': 'finished'" in default_crawl.log
    for url in ("https://www.rt.com/robots.txt", "https://www.rt.com/news/",
                "https://www.rt.com/russia/", "https://www.rt.com/rss/",
                "https://www.rt.com/rss/news/", LISTING_MORE_1, LISTING_MORE_2):
        assert url in got
    # each article exactly once, whatever listed it (listing, More page, two feeds)
    for url in (A2013, A2016, A2022):
        assert got.count(url) == 1, url
    assert len(default_crawl.articles) == 3
    assert not [u for u in got if "utm_" in u]
    assert not [u for u in got if re.search(r"/in-(vision|motion)/|/amp/|/trends/", u)]
    # pages on RT's own hosts only (page requisites, on CDNs and trackers, and the robots.txt
    # asked for before them are not pages)
    pages = [r.url for r in default_crawl.requests if r.method == "GET" and not is_requisite(r)
             and not r.url.endswith("/robots.txt")]
    assert {urlsplit(u).hostname for u in pages} == {"www.rt.com", "rt.com"}
    # sidebar "Top stories" cards of the listings are not listing cards
    assert not [u for u in got if "564385" in u or "564388" in u]
    # no sitemap unless asked
    assert not [u for u in got if "sitemap" in u]
    # every page answered (page requisites: the fixture web has few of them, see SOURCES.md)
    assert all(r.status == 200 for r in default_crawl.requests
               if r.method == "GET" and not is_requisite(r) and r.host in ("www.rt.com", "rt.com"))
    for row in default_crawl.articles:
        assert row["meta"]["source"] in ("listing", "feed")
        assert row["meta"]["found_in"].startswith("https://www.rt.com/")
    meta_2013 = default_crawl.article(A2013)["meta"]
    assert meta_2013["source"] == "listing"
    assert meta_2013["found_in"] in ("https://www.rt.com/news/", "https://www.rt.com/russia/")


def test_default_crawl_warc_pointers(default_crawl):
    check_warc_pointers(default_crawl, status="200")
    uris = {r["uri"] for r in default_crawl.records() if r["type"] == "response"}
    assert {"https://www.rt.com/rss/news/", "https://www.rt.com/news/", LISTING_MORE_1} <= uris


def test_sitemap_crawl(sitemap_crawl):
    got = fetched(sitemap_crawl)
    # robots.txt is read twice: once by Scrapy's robots middleware, once for its Sitemap lines
    assert "https://www.rt.com/robots.txt" in got
    for url in ("https://www.rt.com/sitemap.xml", "https://www.rt.com/sitemaps/news-2022-10.xml",
                "https://www.rt.com/sitemaps/news-2016-04.xml", A2013, A2016, A2022):
        assert got.count(url) == 1, url
    assert not [u for u in got if "utm_" in u or "/trends/" in u or "/in-" in u]
    assert not [u for u in got if u.endswith(("/news/", "/russia/")) or "/rss" in u]
    # all three are articles, but only the 2013 one mentions the Kurils
    assert sitemap_crawl.stats_value("extraction/articles") == "3"
    assert [row["url"] for row in sitemap_crawl.articles] == [A2013]
    row = sitemap_crawl.articles[0]
    assert row["meta"] == {"source": "urls", "match": ["Kuril"]}
    case = next(c for c in CASES if c["url"] == A2013)
    check_article(sitemap_crawl, row, case)
    check_warc_pointers(sitemap_crawl, status="200")


def test_max_pages_and_listing_pages(crawl):
    run = crawl("rt", urls="https://www.rt.com/news/", listing_pages="0", max_pages="2")
    assert run.returncode == 0, run.stderr[-3000:]
    got = fetched(run)
    assert "https://www.rt.com/news/" in got
    assert not [u for u in got if "/listing/" in u]
    assert "'finish_reason': 'max_pages'" in run.log
    assert len(run.articles) <= 1


def test_a_standfirst_whose_container_is_unwrapped_stays():
    """Markup drift: the 2016 summary's ``div`` gone, its text loose between the share bar
    and the body; the rules still print it first (it is the page's ``og:description``)."""
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(read(FIXTURE_FILES[A2016]))
    summary = tree.cssselect("div.article__summary")[0]
    want = " ".join(summary.text_content().split())
    summary.drop_tag()
    page = lxml_html.tostring(tree, encoding="unicode")
    result = extract_page(A2016, page)
    assert result.method == "site:rt/2016"
    assert result.article["text"].split("\n")[0] == want
