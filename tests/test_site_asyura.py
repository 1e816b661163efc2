"""asyura2.com: site rules on the fixture pages, and the real ``asyura`` spider end to end.

Unit tests decode each fixture the way Scrapy does (the sidecar's Content-Type, else none) and
run the extractor on it. End-to-end tests run ``scrapy crawl asyura`` four times against the
fixture web (citations + follow-ups, a board with a date range, a board limited by ``pages``,
the 2007/2020 era pages) and compare rows, texts and the proxy log with the expectations in
``tests/expected/asyura``. All asyura pages are synthetic (see the fixture host's SOURCES.md).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

import sites
from crawler.spiders.asyura import AsyuraSpider
from pipelines.extract.page import extract_page
from sites.asyura import (
    FOLLOW_URL,
    board_index_url,
    canonical_asyura,
    current_generations,
    newest_known,
    next_index_url,
    parse_index,
    parse_post,
)
from sites.base import parse_html
from sites.wayback import raw_capture_url
from tests.conftest import (
    BUNDLED_WEB,
    EXPECTED,
    CrawlRun,
    is_requisite,
    load_expected,
    run_crawl,
)
from tests.sitecases import char_f1, check_warc_pointers

SITE = "http://www.asyura2.com"
HOST_DIR = BUNDLED_WEB / "www.asyura2.com"
CASES = {c["_name"]: c for c in load_expected("asyura")}
RT_URL = "http://rt.com/news/russia-japan-first-talks-134/"
RUVR_URL = "http://japanese.ruvr.ru/2013_11_02/123810289/"
POST_111 = f"{SITE}/13/warb12/msg/111.html"
#: the photo post 111 shows (on rt.com): a page requisite, fetched as one
#: (pipelines.crawl.requisitefetch)
PHOTO_111 = "http://rt.com/files/news/26/6e/30/00/russia-japan-first-talks.si.jpg"

#: page chrome, widgets and ads of the fixture pages: none may reach a post's text
BOILERPLATE = [
    "★阿修羅♪", "▲コメTop", "▼コメBtm", "次へ", "前へ", "Tweet", "拍手", "★登録無しでコメント可能",
    "今すぐ反映", "htmltag可", "動画・ツイッター等", "フォローアップ", "▲上へ", "ＴＯＰへ",
    "投稿コメント全ログ", "コメント即時配信", "スレ建て依頼", "削除コメント確認方法",
    "すべてのページの引用、転載、リンクを許可します", "確認メールは不要です", "阿修羅さんへ",
    "since 1995", "PR：", "【PR】", "ユーラシア語学院", "オホーツク観光", "コメント投稿",
    "最新投稿・コメント全文リスト", "回答先", "日時 20", "www.asyura2.com", "掲示板",
    "Xk7pQ2vRmW3sE", "ロシア語会話教室",
]


def fixture_response(case: dict[str, Any]) -> HtmlResponse:
    """The fixture as Scrapy would decode it: Content-Type from the sidecar, else no charset."""
    path = BUNDLED_WEB / case["fixture"]
    ctype = "text/html"
    sidecar = path.with_name(path.name + ".meta.json")
    if sidecar.exists():
        ctype = json.loads(sidecar.read_text())["headers"]["Content-Type"]
    return HtmlResponse(case["url"], body=path.read_bytes(), headers={"Content-Type": ctype})


def assert_text_clean(text: str, case: dict[str, Any]) -> None:
    for widget in BOILERPLATE:
        assert widget not in text, f"{case['_name']}: boilerplate {widget!r} in the text"
    for comment in case["meta"].get("comments", []):
        assert comment["text"].splitlines()[0] not in text, "a comment leaked into the text"


# -- unit tests on the fixture files ---------------------------------------------------------


def test_expected_cases_are_all_present():
    assert set(CASES) == {
        "warb12_111_seed", "warb12_112_followup", "warb12_110", "warb12_108",
        "senkyo31_512_2007", "senkyo31_513_2007_followup", "senkyo275_260_2020",
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_decodes_as_cp932_with_or_without_http_charset(name):
    case = CASES[name]
    response = fixture_response(case)
    header = response.headers.get(b"Content-Type").decode()
    assert ("charset" in header) == (case["http_charset"] is not None)
    assert response.encoding == "cp932"
    raw = response.body
    # the pages hold NEC/IBM extension characters that strict Shift_JIS cannot decode
    if any(ch in response.text for ch in "①㈱髙"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode("shift_jis")
    assert "\ufffd" not in response.text


def test_extension_characters_survive_both_charset_paths():
    no_header = fixture_response(CASES["warb12_111_seed"]).text
    with_header = fixture_response(CASES["warb12_112_followup"]).text
    assert "①" in no_header and "㈱" in no_header and "髙" in no_header
    assert "①" in with_header and "髙" in with_header


@pytest.mark.parametrize("name", sorted(CASES))
def test_rules_give_the_posts_facts_and_no_chrome(name):
    """Beside what tests/test_sites.py checks of every case: the post's facts (site_meta)
    against the case's crawl meta, and none of the fixture pages' chrome or comments."""
    case = CASES[name]
    response = fixture_response(case)
    article = extract_page(case["url"], response.text, site="asyura").article
    assert article is not None
    assert_text_clean(article["text"], case)
    site_meta = article["site_meta"]
    for key in ("cites", "followups", "parent", "poster_id", "board", "msg"):
        assert site_meta[key] == case["meta"][key], key
    assert site_meta["comment_count"] == case["comment_count"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_parse_post_comments(name):
    case = CASES[name]
    response = fixture_response(case)
    post = parse_post(case["url"], parse_html(response.text))
    assert post is not None
    assert len(post.comments) == case["comment_count"]
    if "comments" in case["meta"]:
        got = [c.__dict__ for c in post.comments]
        assert got == case["meta"]["comments"]
    assert [c.n for c in post.comments] == list(range(1, len(post.comments) + 1))


def test_rules_read_a_wayback_capture_of_a_post():
    case = CASES["warb12_111_seed"]
    capture = "https://web.archive.org/web/20131104000000id_/" + case["url"]
    result = extract_page(capture, fixture_response(case).text)  # site chosen by the registry
    assert result.article is not None and result.method == "site:asyura/2011"
    assert result.article["canonical_url"] == case["url"]
    assert result.article["text"] == case["text"]


def test_citations_are_lines_not_every_link():
    post = parse_post(POST_111, parse_html(fixture_response(CASES["warb12_111_seed"]).text))
    assert post is not None
    assert post.cites == [RT_URL, RUVR_URL]
    # the body links 日ソ共同宣言 to mofa.go.jp and shows an rt.com image: neither is a citation
    html = (HOST_DIR / "13/warb12/msg/111.html").read_bytes().decode("cp932")
    assert "mofa.go.jp" in html and "russia-japan-first-talks.si.jpg" in html
    assert not any("mofa" in c or c.endswith(".jpg") for c in post.cites)


def test_index_pages_are_not_articles():
    for name in ("index.html", "index2.html"):
        url = f"{SITE}/13/warb12/{name}"
        html = (HOST_DIR / "13/warb12" / name).read_bytes().decode("cp932")
        result = extract_page(url, html, site="asyura")
        assert result.article is None and result.reason == "not-article: site rules"


def test_index_rows_and_paging():
    tree = parse_html((HOST_DIR / "13/warb12/index.html").read_bytes().decode("cp932"))
    rows = parse_index(f"{SITE}/13/warb12/index.html", tree)
    assert [r.url.rsplit("/", 1)[1] for r in rows] == [
        "118.html", "116.html", "114.html", "112.html", "111.html"]
    assert rows[-1].title == "「日露2+2」(RT、ロシアの声)"
    assert rows[-1].date is not None and rows[-1].date.isoformat() == "2013-11-03T09:18:24"
    assert next_index_url(f"{SITE}/13/warb12/index.html", tree) == f"{SITE}/13/warb12/index2.html"
    tree2 = parse_html((HOST_DIR / "13/warb12/index2.html").read_bytes().decode("cp932"))
    assert next_index_url(f"{SITE}/13/warb12/index2.html", tree2) == (
        f"{SITE}/13/warb12/index3.html")
    # a page without a link to the next one ends paging (no guessed URLs)
    assert next_index_url(f"{SITE}/13/warb12/index2.html", parse_html("<p>x</p>")) is None


def test_era_selection():
    labels = {}
    for name, case in CASES.items():
        tree = parse_html(fixture_response(case).text)
        labels[name] = sites.rules_for(case["url"], tree, "asyura").label()
        assert labels[name] == f"asyura/{case['era']}"
    assert sites.site_for_url("http://asyura2.com/13/warb12/msg/111.html") == "asyura"


def test_board_arguments():
    want = f"{SITE}/13/warb12/index.html"
    for spec in ("13/warb12", "/13/warb12/", "warb12", "http://www.asyura2.com/13/warb12/",
                 "http://asyura2.com/13/warb12/index.html", "www.asyura2.com/13/warb12"):
        assert board_index_url(spec) == want, spec
    with pytest.raises(ValueError, match="YY/<board><gen>"):
        board_index_url("senkyo999")
    # no board and no urls: the default boards, by code (their current generations)
    spider = AsyuraSpider()
    assert spider.board_codes == ["senkyo", "warb"] and spider.boards == []
    assert AsyuraSpider(board="senkyo,13/warb12").boards == [want]
    assert AsyuraSpider(urls=POST_111).board_codes == []


def test_current_generation_of_a_board_from_the_site_top():
    hrefs = ["20/senkyo275/", "http://www.asyura2.com/16/senkyo216/index.html",
             "/11/senkyo119/", "07/senkyo31/", "13/warb12/", "13/warb11/", "msg/1.html",
             "http://example.org/25/senkyo999/"]
    assert current_generations(f"{SITE}/", hrefs, ["senkyo", "warb", "kokusai"]) == {
        "senkyo": f"{SITE}/20/senkyo275/index.html", "warb": f"{SITE}/13/warb12/index.html"}
    assert newest_known("senkyo") == f"{SITE}/25/senkyo298/index.html"
    assert newest_known("kokusai") is None


def test_crawl_without_arguments_reads_the_current_boards(crawl):
    run = crawl("asyura", settings={"DEPTH_LIMIT": "0"}, follow_citations="0")
    assert run.returncode == 0, run.log[-3000:]
    got = [r.url for r in run.requests if r.method == "GET"]
    assert f"{SITE}/" in got
    assert f"{SITE}/20/senkyo275/index.html" in got and f"{SITE}/13/warb12/index.html" in got
    assert not [u for u in got if "senkyo216" in u or "warb11" in u]
    assert {a["url"] for a in run.articles} >= {
        f"{SITE}/20/senkyo275/msg/260.html", POST_111}


def test_url_rules():
    assert canonical_asyura("http://asyura2.com/13/warb12/msg/111.html#c1") == POST_111
    assert canonical_asyura(RT_URL) == RT_URL
    assert FOLLOW_URL.match(POST_111) and FOLLOW_URL.match(f"{SITE}/13/warb12/index2.html")
    for url in (f"{SITE}/acat/n/nm/x/100000.html", f"{SITE}/bbsx/kanri/irai.html",
                "https://www.asyura2.com/13/warb12/msg/111.html"):
        assert not FOLLOW_URL.match(url), url


def _failure(exc: Exception, request: scrapy.Request) -> Failure:
    failure = Failure(exc)
    failure.request = request  # type: ignore[attr-defined]
    return failure


def test_gone_origins_go_to_the_wayback_machine():
    spider = AsyuraSpider(urls=POST_111)
    request = spider.cited_request(RUVR_URL, POST_111)

    def outcome(exc: Exception, req: scrapy.Request = request) -> list[scrapy.Request]:
        return list(spider.cited_failed(_failure(exc, req)))

    for status in (404, 410, 500, 502, 503):
        resp = HtmlResponse(RUVR_URL, status=status, request=request)
        [retry] = outcome(HttpError(resp))
        assert retry.url == raw_capture_url(RUVR_URL)
        assert retry.url == "https://web.archive.org/web/2id_/" + RUVR_URL
        assert retry.meta["via"] == "wayback" and retry.meta["cited_by"] == POST_111
    assert outcome(DNSLookupError("japanese.ruvr.ru"))[0].url == raw_capture_url(RUVR_URL)
    # not gone (403), or already the Wayback attempt: give up
    assert outcome(HttpError(HtmlResponse(RUVR_URL, status=403, request=request))) == []
    wayback = scrapy.Request(raw_capture_url(RUVR_URL), meta={**request.meta, "via": "wayback"})
    assert outcome(HttpError(HtmlResponse(wayback.url, status=404, request=wayback)),
                   wayback) == []


# -- end to end: the real spider against the fixture web -------------------------------------


@pytest.fixture(scope="module")
def crawls(web, tmp_path_factory) -> dict[str, CrawlRun]:
    """Four crawls, run once for the module."""
    runs = {}
    plans = {
        # the seed post given with the bare host: follow-up and both citations followed
        "citations": {"urls": "http://asyura2.com/13/warb12/msg/111.html"},
        # a board over a date range: two index pages, four posts, no citations
        "range": {"board": "13/warb12", "since": "2013-11-01", "until": "2013-11-03",
                  "follow_citations": "0", "match": "北方領土,2+2"},
        # a board limited to one index page
        "pages": {"board": "http://www.asyura2.com/13/warb12/", "pages": "1",
                  "since": "2013-11-03", "until": "2013-11-03", "follow_citations": "0"},
        # the 2007 and 2020 layouts; a deleted follow-up (404)
        "eras": {"urls": f"{SITE}/07/senkyo31/msg/512.html,{SITE}/20/senkyo275/msg/260.html",
                 "follow_citations": "0"},
    }
    for name, args in plans.items():
        run = run_crawl(web, "asyura", tmp_path_factory.mktemp(name), args=args)
        assert run.returncode == 0, run.log[-3000:]
        runs[name] = run
    return runs


def fetched(run: CrawlRun) -> list[str]:
    return [r.url for r in run.requests if r.method != "CONNECT" and
            not r.url.endswith("/robots.txt")]


def check_rows(run: CrawlRun, names: list[str]) -> None:
    rows = {r["url"]: r for r in run.articles if "asyura2.com" in r["url"]}
    assert sorted(rows) == sorted(CASES[n]["url"] for n in names)
    for name in names:
        case, row = CASES[name], rows[CASES[name]["url"]]
        for key in ("title", "author", "published", "canonical_url", "language", "site"):
            assert row[key] == case[key], (name, key)
        assert char_f1(row["text"], case["text"]) >= 0.99, name
        assert row["text"] == case["text"], name
        assert_text_clean(row["text"], case)
        meta = row["meta"]
        for key in ("cites", "followups", "parent", "poster_id", "board", "msg"):
            assert meta[key] == case["meta"][key], (name, key)
        assert len(meta["comments"]) == case["comment_count"], name
        if "comments" in case["meta"]:
            assert meta["comments"] == case["meta"]["comments"], name
        assert (run.out / row["text_path"]).read_text("utf-8") == case["text"] + "\n"


def test_crawl_seed_post_with_followup_and_citations(crawls):
    run = crawls["citations"]
    urls = fetched(run)
    assert urls[0] == POST_111  # the bare host was rewritten before asking
    assert not any(u.startswith("http://asyura2.com/") for u in urls)
    assert f"{SITE}/13/warb12/msg/112.html" in urls
    # RT answers; ruvr is gone (502), so the Wayback raw capture is asked for
    assert RT_URL in urls
    assert RUVR_URL in urls
    wayback = raw_capture_url(RUVR_URL)
    assert wayback in urls and urls.index(wayback) > urls.index(RUVR_URL)
    # no link that is not a citation is followed; the post's photo is asked for only as a page
    # requisite (pipelines.crawl.requisitefetch), as are the cited RT article's
    pages = [r.url for r in run.requests if r.method != "CONNECT" and not is_requisite(r)
             and not r.url.endswith("/robots.txt")]
    assert not any("mofa.go.jp" in u or u.endswith(".jpg") for u in pages)
    assert PHOTO_111 in urls and PHOTO_111 not in pages
    check_rows(run, ["warb12_111_seed", "warb12_112_followup"])
    check_warc_pointers(run)

    rows = {r["url"]: r for r in run.articles}
    assert rows[f"{SITE}/13/warb12/msg/112.html"]["meta"]["parent"] == POST_111
    rt = rows[RT_URL]
    assert rt["meta"] == {"cited_by": POST_111, "original_url": RT_URL, "via": "origin"}
    assert rt["site"] != "asyura"  # the registry chose the rules of rt.com
    cited = [r for r in run.articles if r["meta"].get("original_url") == RUVR_URL]
    if (BUNDLED_WEB / "web.archive.org").is_dir():
        [capture] = cited
        assert capture["url"].startswith("https://web.archive.org/web/")
        assert capture["meta"]["cited_by"] == POST_111 and capture["meta"]["via"] == "wayback"
        assert capture["site"] != "asyura"
    else:  # no Wayback fixture yet: the attempt is logged, nothing extracted
        assert cited == []
        assert f"cited {RUVR_URL} not archived" in run.log


def _other_site_case(site: str, original: str) -> dict[str, Any] | None:
    for case in load_expected(site):
        if original in (case.get("url"), case.get("canonical_url")):
            return case
    return None


@pytest.mark.parametrize("site,original", [("rt", RT_URL), ("ruvr", RUVR_URL)])
def test_crawl_cited_documents_match_their_sites_expectations(crawls, site, original):
    """The cited originals are extracted by their own sites' rules, as those sites' own tests
    expect (checked only where the other developers' fixtures and expected files exist)."""
    case = _other_site_case(site, original)
    if case is None or "text" not in case:
        pytest.skip(f"no expected {site} case for {original}")
    rows = [r for r in crawls["citations"].articles if r["meta"].get("original_url") == original]
    assert len(rows) == 1
    row = rows[0]
    assert row["meta"]["cited_by"] == POST_111
    for key in ("title", "author", "published", "canonical_url", "site"):
        assert row[key] == case[key], key
    assert char_f1(row["text"], case["text"]) >= 0.99


def test_crawl_board_with_date_range(crawls):
    run = crawls["range"]
    urls = fetched(run)
    assert f"{SITE}/13/warb12/index.html" in urls and f"{SITE}/13/warb12/index2.html" in urls
    assert f"{SITE}/13/warb12/index3.html" not in urls  # page 2 reaches before `since`
    posts = sorted(u.rsplit("/", 1)[1] for u in urls if "/msg/" in u)
    assert posts == ["108.html", "110.html", "111.html", "112.html"]  # 102-105, 114-118 skipped
    pages = [r.url for r in run.requests if r.method != "CONNECT" and not is_requisite(r)
             and not r.url.endswith("/robots.txt")]
    assert not any("rt.com" in u or "ruvr" in u or "archive.org" in u for u in pages)
    assert PHOTO_111 in urls  # a page requisite of 111, no citation
    # 108 (Syria) was fetched and archived but does not match the topic words
    check_rows(run, ["warb12_110", "warb12_111_seed", "warb12_112_followup"])
    assert any(r["uri"] == f"{SITE}/13/warb12/msg/108.html" for r in run.records())
    check_warc_pointers(run)


def test_crawl_board_page_limit(crawls):
    run = crawls["pages"]
    urls = fetched(run)
    assert [u for u in urls if "index" in u] == [f"{SITE}/13/warb12/index.html"]
    posts = sorted(u.rsplit("/", 1)[1] for u in urls if "/msg/" in u)
    assert posts == ["111.html", "112.html"]
    check_rows(run, ["warb12_111_seed", "warb12_112_followup"])


def test_crawl_2007_and_2020_layouts(crawls):
    run = crawls["eras"]
    urls = fetched(run)
    assert f"{SITE}/07/senkyo31/msg/513.html" in urls
    missing = [r for r in run.requests if r.url == f"{SITE}/07/senkyo31/msg/520.html"]
    assert missing and all(r.status == 404 for r in missing)  # the deleted follow-up
    assert not any("mofa.go.jp" in u or "sputniknews" in u for u in urls)  # citations off
    check_rows(run, ["senkyo31_512_2007", "senkyo31_513_2007_followup", "senkyo275_260_2020"])
    methods = {r["url"]: r["method"] for r in run.articles}
    assert methods[CASES["senkyo31_512_2007"]["url"]] == "site:asyura/2007"
    assert methods[CASES["senkyo275_260_2020"]["url"]] == "site:asyura/2016"
    check_warc_pointers(run)


def test_expected_files_are_utf8_one_paragraph_per_line():
    for path in sorted((EXPECTED / "asyura").glob("*.txt")):
        text = path.read_text("utf-8")
        assert text.endswith("\n") and "\n\n" not in text and "\r" not in text
