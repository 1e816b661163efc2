"""Voice of Russia, Japanese service (japanese.ruvr.ru) through the Wayback Machine.

Unit tests of the site rules on the fixture captures, of the Wayback helpers (CDX parsing,
URL forms, slots, Retry-After) and of the spider's pieces; then four real ``scrapy crawl ruvr``
runs against the fixture web:

* ``host``: the default whole-host CDX query, paged with a resume key (``cdx_limit=5``), with
  the **real** politeness delays (CDX 1.25 s, captures 0.125 s), checked in the proxy log;
* ``urls``: dead original URLs and a timegate URL, through 302 / archived 301 chains;
* ``cdx``: a user-given CDX query without filters (revisit, audio, 404, 301 rows) and a CDX
  query that always answers 429 with ``Retry-After: 1``;
* ``prefix``: ``-a prefix= -a from= -a to=``.

Every page here is synthetic (``fixtureweb/web/web.archive.org/SOURCES.md``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from lxml import html as lxml_html

import sites
from crawler.middlewares.retryafter import RetryAfterMiddleware, retry_after_seconds
from crawler.spiders.ruvr import RuvrSpider
from crawler.waybackslots import META_PAUSED, RETRY_AFTER_MIDDLEWARE, request_meta, slot_for
from pipelines.extract.page import extract_page
from sites import wayback
from sites.ruvr import (
    ARTICLE_URL,
    Ruvr2011,
    Ruvr2012,
    historical_redirects,
    moscow_offset,
    parse_vor_date,
    skip_reason,
    split_urls,
    url_date,
    url_key,
    with_json_output,
)
from tests.conftest import BUNDLED_WEB, load_expected, run_crawl
from tests.sitecases import char_f1, check_warc_pointers

WB_DIR = BUNDLED_WEB / "web.archive.org"
CDX_DIR = WB_DIR / "cdx-answers"
SEED_ORIGINAL = "http://japanese.ruvr.ru/2013_11_02/123810289/"
SEED_CAPTURE = "https://web.archive.org/web/20131103012345id_/" + SEED_ORIGINAL
REDIRECTED_ORIGINAL = "http://japanese.ruvr.ru/2012_07_28/82761234"  # no slash: archived 301
USER_CDX = (
    "https://web.archive.org/cdx/search/cdx?url=japanese.ruvr.ru/2013_11_02/"
    "&matchType=prefix&output=json"
)
LIMITED_CDX = (
    "https://web.archive.org/cdx/search/cdx?url=japanese.ruvr.ru/2014_02_"
    "&matchType=prefix&output=json"
)
FAST = {"WAYBACK_CDX_DELAY": "0", "WAYBACK_CAPTURE_DELAY": "0"}
CASES = {case["_name"]: case for case in load_expected("ruvr")}

#: page chrome of the 2012-2014 layout that must never reach the text
WIDGETS_2012 = [
    "LIVE", "ラジオを聴く", "言語を選択", "ただいま放送中", "周波数", "検索", "速報",
    "特集:", "タグ:", "記事)", "写真:", "この記事を聴く", "ダウンロード", "あわせて読む",
    "いいね", "ツイート", "mixi", "はてなブックマーク", "共有する", "印刷", "メールで送る",
    "コメント", "関連記事", "最も読まれた記事", "番組表", "フォローする", "ロシアの声",
    "Голос", "転載", "ロシア語講座", "トップ",
]
#: page chrome of the 2011 layout
WIDGETS_2011 = [
    "言語を選択", "生放送を聴く", "番組表", "トップページ", "写真:", "関連ニュース", "タグ:",
    "ブックマーク", "mixi", "印刷用ページ", "最新ニュース", "今日の番組", "作文コンクール",
    "ロシアの声", "転載",
]


# -- helpers ----------------------------------------------------------------------------------


def capture_file(url: str) -> Path:
    """The fixture file that answers a Wayback capture URL."""
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    file = WB_DIR.joinpath(*segments)
    return file / "index.html" if path.endswith("/") else file


def read_capture(url: str) -> str:
    return capture_file(url).read_text("utf-8")


def widgets_for(case: dict[str, Any]) -> list[str]:
    return WIDGETS_2011 if case["method"].endswith("/2011") else WIDGETS_2012


def check_case(row: dict[str, Any], case: dict[str, Any]) -> None:
    """An articles.jsonl row (or extract_page article) against an expected case."""
    for key in ("url", "canonical_url", "title", "author", "published", "language", "site",
                "method", "site_meta"):
        assert row.get(key) == case[key], f"{case['_name']}: {key}"
    assert char_f1(row["text"], case["text"]) >= 0.99, case["_name"]
    for widget in widgets_for(case):
        assert widget not in row["text"], f"{case['_name']}: {widget!r} in the text"


def fetched(run: Any) -> list[Any]:
    """The proxy log's GET requests (CONNECTs left out), in order."""
    return [r for r in run.requests if r.method == "GET"]


# -- site rules on the fixture captures --------------------------------------------------------


def test_expected_cases_exist():
    assert set(CASES) == {"2013_11_02_123810289", "2011_02_07_44987123", "2012_07_28_82761234",
                          "2014_10_27_279130456"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rules_extract_each_capture_exactly(name):
    case = CASES[name]
    page = read_capture(case["url"])
    # no site hint: the registry must find the ruvr rules from the capture's original host
    result = extract_page(case["url"], page)
    assert result.reason == "article", result.reason
    article = result.article
    article["site_meta"] = article.get("site_meta")
    check_case(article, case)
    assert article["text"] == case["text"]  # deterministic: nothing less than exact


@pytest.mark.parametrize("era,widgets", [("2012", WIDGETS_2012), ("2011", WIDGETS_2011)])
def test_widget_lists_name_real_chrome(era, widgets):
    """Every widget string is on some fixture page of its era (else the noise checks would
    prove nothing) and in no expected text."""
    cases = [c for c in CASES.values() if c["method"] == f"site:ruvr/{era}"]
    pages = [read_capture(c["url"]) for c in cases]
    for widget in widgets:
        assert any(widget in page for page in pages), f"no {era} fixture shows {widget!r}"
        assert not any(widget in c["text"] for c in cases), f"expected text holds {widget!r}"


def test_seed_text_is_the_seed_posts_copy_of_the_article():
    seed = (Path(__file__).resolve().parents[2] / "shared" / "seeds"
            / "asyura_2013_rt_ruvr_2plus2.txt")
    if not seed.exists():
        pytest.skip("shared seeds not available")
    lines = seed.read_text("utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("日本とロシアは合同軍事演習"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("(投稿者より)"))
    assert CASES["2013_11_02_123810289"]["text"] == "\n".join(lines[start:end])
    # the chrome lines of the seed are metadata, not text
    text = CASES["2013_11_02_123810289"]["text"]
    assert "イリナ イワノワ" not in text and "2.11.2013" not in text and "特集" not in text


def test_era_is_chosen_by_markup():
    sites.load_all()
    for case in CASES.values():
        tree = lxml_html.document_fromstring(read_capture(case["url"]))
        rules = sites.rules_for(case["url"], tree)
        assert rules is not None and rules.label() == case["method"].removeprefix("site:")
    assert isinstance(sites.rules_for(SEED_CAPTURE, lxml_html.document_fromstring(
        read_capture(SEED_CAPTURE))), Ruvr2012)
    assert sites.site_for_url(SEED_CAPTURE) == "ruvr"
    assert sites.site_for_url(SEED_ORIGINAL) == "ruvr"


def test_pages_without_an_article_body_are_not_articles():
    home = ("<html lang='ja'><body><div id='header'><a class='live-button'>LIVE</a></div>"
            "<ul class='news-list'><li><a href='/2013_11_02/123810289/'>露日</a></li></ul>"
            "</body></html>")
    url = "https://web.archive.org/web/20131103000000id_/http://japanese.ruvr.ru/news/"
    result = extract_page(url, home, site="ruvr")
    assert result.article is None
    # an unknown layout on the host gets the fallback era, which takes only article URLs
    rules = sites.rules_for(url, lxml_html.document_fromstring(home), "ruvr")
    assert rules is not None and rules.label() == "ruvr/fallback"
    assert result.reason == "not-article: site rules"
    article_url = "https://web.archive.org/web/20131103000000id_/http://japanese.ruvr.ru/2013_11_02/1/"
    assert rules.is_article(article_url, lxml_html.document_fromstring(home))


def test_date_falls_back_to_the_url():
    page = read_capture(SEED_CAPTURE).replace('<span class="date">2.11.2013, 16:07</span>', "")
    assert extract_page(SEED_CAPTURE, page).article["published"] == "2013-11-02"
    url_2011 = CASES["2011_02_07_44987123"]["url"]
    page = re.sub(r'<div class="news_date">[^<]*</div>', "", read_capture(url_2011))
    assert extract_page(url_2011, page).article["published"] == "2011-02-07"
    assert url_date(SEED_ORIGINAL) == "2013-11-02"
    assert url_date("http://japanese.ruvr.ru/2011/02/07/44987123.html") == "2011-02-07"
    assert url_date("http://japanese.ruvr.ru/news/") is None
    assert url_date("http://japanese.ruvr.ru/2013_13_40/1/") is None


def test_canonical_url_is_the_original_for_captures_only():
    page = read_capture(SEED_CAPTURE)
    tree = lxml_html.document_fromstring(page)
    rules = Ruvr2012()
    assert rules.canonical_url(SEED_CAPTURE, tree) == SEED_ORIGINAL
    view = "https://web.archive.org/web/20131103012345/http://japanese.ruvr.ru:80/2013_11_02/123810289/"
    assert rules.canonical_url(view, tree) == SEED_ORIGINAL
    # read live (not through the archive): the page's own <link rel=canonical>
    assert rules.canonical_url("http://japanese.ruvr.ru/2013_11_02/123810289/?from=rss",
                               tree) == SEED_ORIGINAL
    assert Ruvr2011().canonical_url("http://japanese.ruvr.ru/x", tree) == SEED_ORIGINAL


def test_title_prefers_h1_and_strips_the_site_name():
    tree = lxml_html.document_fromstring(
        "<html><head><title>見出し: ロシアの声</title></head><body>"
        "<div class='article-body'><p>本文</p></div></body></html>")
    assert Ruvr2012().title(tree) == "見出し"
    tree = lxml_html.document_fromstring(
        "<html><head><title>別 - ロシアの声</title></head><body><h1 class='news_title'>見出し</h1>"
        "<div class='news_text'><p>本文</p></div></body></html>")
    assert Ruvr2011().title(tree) == "見出し"


@pytest.mark.parametrize("raw,want", [
    ("2.11.2013, 16:07", "2013-11-02T16:07:00+04:00"),
    ("イリナ イワノワ 2.11.2013, 16:07", "2013-11-02T16:07:00+04:00"),
    ("07.02.2011 18:45", "2011-02-07T18:45:00+03:00"),
    ("27.03.2011, 01:59", "2011-03-27T01:59:00+03:00"),
    ("27.03.2011, 03:00", "2011-03-27T03:00:00+04:00"),
    ("26.10.2014, 01:30", "2014-10-26T01:30:00+04:00"),  # the repeated hour: first reading
    ("26.10.2014, 02:00", "2014-10-26T02:00:00+03:00"),
    ("27.10.2014, 11:20", "2014-10-27T11:20:00+03:00"),
    ("15.07.2010, 12:00", "2010-07-15T12:00:00+04:00"),  # old summer time
    ("15.01.2010, 12:00", "2010-01-15T12:00:00+03:00"),
    ("2.11.2013", "2013-11-02"),
    ("31.02.2013, 10:00", None),
    ("", None),
    (None, None),
])
def test_vor_dates_get_the_moscow_offset_of_their_day(raw, want):
    assert parse_vor_date(raw) == want


def test_moscow_offset_agrees_with_the_tz_database():
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        moscow = zoneinfo.ZoneInfo("Europe/Moscow")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no tz database")
    local = datetime(2009, 1, 1)
    checked = 0
    while local < datetime(2016, 1, 1):
        aware = local.replace(tzinfo=moscow)
        # skip times that did not exist or happened twice (DST switches)
        roundtrip = aware.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(moscow)
        if roundtrip.replace(tzinfo=None) == local and aware.fold == 0:
            offset = aware.utcoffset()
            assert offset is not None
            hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
            assert moscow_offset(local) == f"+{hours:02d}:{minutes:02d}", local
            checked += 1
        local += timedelta(hours=7, minutes=13)
    assert checked > 8000


# -- Wayback helpers ---------------------------------------------------------------------------


def test_cdx_answers_parse_with_resume_keys_and_revisits():
    rows, resume = wayback.parse_cdx_json(
        (CDX_DIR / "japanese.ruvr.ru_2011-2014_limit5_page1.json").read_bytes())
    assert len(rows) == 5 and resume and resume.startswith("ru%2Cruvr%2Cjapanese%29")
    rows2, resume2 = wayback.parse_cdx_json(
        (CDX_DIR / "japanese.ruvr.ru_2011-2014_limit5_page2.json").read_bytes())
    assert len(rows2) == 4 and resume2 is None
    full, _ = wayback.parse_cdx_json(
        (CDX_DIR / "japanese.ruvr.ru_2011-2014.json").read_bytes())
    assert full == rows + rows2
    rows, _ = wayback.parse_cdx_json(
        (CDX_DIR / "japanese.ruvr.ru_2013_11_02_all-captures.json").read_bytes())
    revisit = [r for r in rows if r["mimetype"] == "warc/revisit"]
    assert len(revisit) == 1 and revisit[0]["statuscode"] == "-"


def test_fixture_cdx_rows_are_consistent_with_the_captures():
    surt = pytest.importorskip("surt")
    for path in CDX_DIR.glob("*.json"):
        rows, _ = wayback.parse_cdx_json(path.read_bytes())
        for row in rows:
            assert row["urlkey"] == surt.surt(row["original"]), (path.name, row)
            if skip_reason(row) is None:  # a fetchable article row: its capture exists
                url = wayback.raw_capture_url(wayback.normalise_original(row["original"]),
                                              row["timestamp"])
                body = capture_file(url).read_bytes()
                digest = base64.b32encode(hashlib.sha1(body).digest()).decode()
                assert row["digest"] == digest, url


def test_resume_key_round_trips_through_the_query_string():
    key = "ru%2Cruvr%2Cjapanese%29%2F2013_11_02%2F123810289%2Fprint+20131103012501"
    query = "https://web.archive.org/cdx/search/cdx?url=a/&output=json&resumeKey=old"
    url = wayback.with_resume_key(query, key)
    pairs = parse_qsl(urlsplit(url).query)
    assert pairs.count(("resumeKey", key)) == 1 and ("resumeKey", "old") not in pairs
    assert ("url", "a/") in pairs


def test_wayback_url_helpers():
    assert wayback.is_cdx_url(USER_CDX)
    assert not wayback.is_cdx_url(SEED_CAPTURE)
    assert wayback.normalise_original("HTTP://Japanese.RUVR.ru:80/a/") == "http://japanese.ruvr.ru/a/"
    assert wayback.normalise_original("https://x.test:8443/a?b=1") == "https://x.test:8443/a?b=1"
    view = "https://web.archive.org/web/20131103012345/http://japanese.ruvr.ru/a/"
    assert wayback.raw_mode_url(view) == "https://web.archive.org/web/20131103012345id_/http://japanese.ruvr.ru/a/"
    assert wayback.raw_mode_url(SEED_CAPTURE) == SEED_CAPTURE
    assert wayback.raw_mode_url("http://x.test/") == "http://x.test/"
    assert wayback.capture_time("20131103012345") == "2013-11-03T01:23:45+00:00"
    assert wayback.capture_time("201311") == "2013-11-01T00:00:00+00:00"
    assert wayback.capture_time("2") is None
    assert wayback.capture_time("20131340000000") is None
    # the existing helpers keep their behaviour
    assert wayback.raw_capture_url(SEED_ORIGINAL) == (
        "https://web.archive.org/web/2id_/" + SEED_ORIGINAL)
    assert wayback.original_url(SEED_CAPTURE) == SEED_ORIGINAL


def test_wayback_requests_get_their_slots():
    assert slot_for(USER_CDX) == wayback.CDX_SLOT
    assert slot_for(SEED_CAPTURE) == wayback.CAPTURE_SLOT
    assert slot_for(SEED_ORIGINAL) is None
    assert request_meta(USER_CDX) == {
        "download_slot": wayback.CDX_SLOT, "autothrottle_dont_adjust_delay": True}
    assert request_meta("https://rt.com/") == {}


def test_retry_after_values():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(b" 3 ") == 3.0
    now = datetime(2026, 1, 1, 0, 0, 0).timestamp()
    from email.utils import formatdate

    assert retry_after_seconds(formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert retry_after_seconds(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_spider_settings_give_two_slots_and_the_retry_after_middleware():
    from scrapy.settings import Settings

    settings = Settings({"DOWNLOADER_MIDDLEWARES": {"x.Y": 100}}, priority="project")
    RuvrSpider.update_settings(settings)
    slots = settings.getdict("DOWNLOAD_SLOTS")
    assert slots[wayback.CDX_SLOT] == {"delay": 1.25, "concurrency": 1, "jitter": 0.0}
    assert slots[wayback.CAPTURE_SLOT] == {"delay": 0.125, "concurrency": 4, "jitter": 0.0}
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares == {"x.Y": 100, RETRY_AFTER_MIDDLEWARE: 555}
    # -s overrides (command-line priority) are read
    settings = Settings()
    settings.set("WAYBACK_CDX_DELAY", "0", priority="cmdline")
    settings.set("WAYBACK_CAPTURE_CONCURRENCY", "2", priority="cmdline")
    RuvrSpider.update_settings(settings)
    slots = settings.getdict("DOWNLOAD_SLOTS")
    assert slots[wayback.CDX_SLOT]["delay"] == 0.0
    assert slots[wayback.CAPTURE_SLOT]["concurrency"] == 2


# -- the Retry-After middleware ----------------------------------------------------------------


def _middleware(**settings: Any) -> RetryAfterMiddleware:
    """The Retry-After middleware of a crawl with the Wayback slots (as the spider sets)."""
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    slots = {wayback.CDX_SLOT: {}, wayback.CAPTURE_SLOT: {}}
    crawler = get_crawler(Spider, settings_dict={"DOWNLOAD_SLOTS": slots, **settings})
    crawler.spider = crawler._create_spider("t")
    return RetryAfterMiddleware.from_crawler(crawler)


def _request(url: str = USER_CDX, **meta: Any) -> Any:
    from scrapy import Request

    return Request(url, meta={**request_meta(url), **meta})


def _response(request: Any, status: int, headers: dict[str, str] | None = None) -> Any:
    from scrapy.http import Response

    return Response(request.url, status=status, headers=headers or {}, request=request)


def test_429_pauses_the_slot_for_retry_after_and_retries():
    mw = _middleware(WAYBACK_429_RETRIES=2)
    request = _request()
    before = time.monotonic()
    retry = mw.process_response(request, _response(request, 429, {"Retry-After": "7"}))
    assert retry.url == request.url and retry.meta["retry_times"] == 1 and retry.dont_filter
    paused = mw.paused_until[wayback.CDX_SLOT] - before
    assert 6.9 <= paused <= 7.5
    assert wayback.CAPTURE_SLOT not in mw.paused_until  # captures keep going
    # without Retry-After: the default wait
    mw = _middleware(WAYBACK_RETRY_AFTER_DEFAULT=42)
    mw.process_response(request, _response(request, 429))
    assert 41 <= mw.paused_until[wayback.CDX_SLOT] - time.monotonic() <= 42.5
    # an absurd Retry-After is cut to the maximum
    mw = _middleware(WAYBACK_RETRY_AFTER_MAX=10)
    mw.process_response(request, _response(request, 429, {"Retry-After": "86400"}))
    assert mw.paused_until[wayback.CDX_SLOT] - time.monotonic() <= 10.5


def test_retry_after_leaves_other_answers_alone_and_gives_up():
    mw = _middleware(WAYBACK_429_RETRIES=1)
    request = _request(SEED_CAPTURE)
    ok = _response(request, 200)
    assert mw.process_response(request, ok) is ok
    plain_503 = _response(request, 503)
    assert mw.process_response(request, plain_503) is plain_503  # RetryMiddleware's business
    assert mw.paused_until == {}
    busy = _response(request, 503, {"Retry-After": "1"})
    retry = mw.process_response(request, busy)
    assert retry.meta["retry_times"] == 1 and wayback.CAPTURE_SLOT in mw.paused_until
    last = _response(retry, 429, {"Retry-After": "1"})
    assert mw.process_response(retry, last) is last
    assert retry.meta["dont_retry"] is True  # so RetryMiddleware does not retry it at once
    # other hosts: the policy of every host (RETRY_AFTER_*), or nothing when it is off
    other = _request("https://rt.com/news/", download_slot="rt.com")
    too_many = _response(other, 429)
    retry = mw.process_response(other, too_many)
    assert retry.meta["retry_times"] == 1
    assert 9 <= mw.paused_until["rt.com"] - time.monotonic() <= 10.5  # RETRY_AFTER_DEFAULT
    mw = _middleware(RETRY_AFTER_ENABLED=False)
    assert mw.process_response(other, too_many) is too_many  # not the archive: not ours
    busy = _response(request, 503, {"Retry-After": "1"})
    assert mw.process_response(request, busy).meta["retry_times"] == 1  # the archive: ours


def test_paused_slot_holds_its_requests(monkeypatch):
    from crawler.middlewares import retryafter

    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        mw.paused_until.clear()  # the pause is over after one sleep

    monkeypatch.setattr(retryafter, "sleep", fake_sleep)
    mw = _middleware()
    mw.paused_until[wayback.CDX_SLOT] = time.monotonic() + 5
    cdx = _request()
    assert asyncio.run(mw.process_request(cdx)) is None
    assert len(slept) == 1 and 4.5 < slept[0] <= 5
    assert cdx.meta[META_PAUSED] > 4.5
    mw.paused_until[wayback.CDX_SLOT] = time.monotonic() + 5
    capture = _request(SEED_CAPTURE)
    assert asyncio.run(mw.process_request(capture)) is None  # the other slot is not held
    assert len(slept) == 1 and META_PAUSED not in capture.meta


# -- spider pieces -----------------------------------------------------------------------------


def test_article_url_pattern():
    good = [SEED_ORIGINAL, "http://japanese.ruvr.ru/2013_11_02/123810289",
            "https://japanese.ruvr.ru/2014_10_27/279130456/",
            "http://japanese.ruvr.ru:80/2013_11_02/123810289/",
            "http://japanese.ruvr.ru/2011/02/07/44987123.html"]
    bad = ["http://japanese.ruvr.ru/", "http://japanese.ruvr.ru/news/",
           "http://japanese.ruvr.ru/2013_11_02/123810289/print/",
           "http://japanese.ruvr.ru/2013_11_02/", "http://english.ruvr.ru/2013_11_02/123/",
           "http://japanese.ruvr.ru/2013_11_02/123810289/?from=rss",
           "http://japanese.ruvr.ru/2011/02/07/44987123.htm"]
    assert all(ARTICLE_URL.match(u) for u in good)
    assert not any(ARTICLE_URL.match(u) for u in bad)


def test_cdx_rows_are_checked_again_on_our_side():
    rows, _ = wayback.parse_cdx_json(
        (CDX_DIR / "japanese.ruvr.ru_2013_11_02_all-captures.json").read_bytes())
    assert [skip_reason(r) for r in rows] == [
        "status", None, "revisit", "mimetype", "not-article", "status"]
    assert skip_reason({"original": SEED_ORIGINAL}) == "malformed"
    # a query with fl=timestamp,original has no status or mimetype to check
    assert skip_reason({"original": SEED_ORIGINAL, "timestamp": "2013"}) is None
    assert url_key({"original": "http://www.x.test:80/a/"}) == "x.test/a"
    assert url_key(rows[1]) == url_key(rows[0]) == "ru,ruvr,japanese)/2013_11_02/123810289"


def test_default_query_and_arguments():
    query = dict(parse_qsl(urlsplit(RuvrSpider().default_query()).query))
    assert query == {"url": "japanese.ruvr.ru/", "output": "json", "matchType": "prefix",
                     "from": "2011", "to": "2014", "filter": "mimetype:text/html",
                     "collapse": "urlkey", "showResumeKey": "true", "limit": "5000"}
    pairs = parse_qsl(urlsplit(RuvrSpider().default_query()).query)
    assert ("filter", "statuscode:200") in pairs and ("filter", "mimetype:text/html") in pairs
    spider = RuvrSpider(prefix="http://japanese.ruvr.ru/2013_11_", cdx_limit="10",
                        **{"from": "20131101", "to": "20131130"})
    query = dict(parse_qsl(urlsplit(spider.default_query()).query))
    assert (query["url"], query["from"], query["to"], query["limit"]) == (
        "japanese.ruvr.ru/2013_11_", "20131101", "20131130", "10")
    with pytest.raises(ValueError):
        RuvrSpider(**{"from": "2013-11-01"})


def test_start_urls_of_every_kind():
    fl = "https://web.archive.org/cdx/search/cdx?url=japanese.ruvr.ru/&fl=timestamp,original"
    assert split_urls(f"{SEED_ORIGINAL},{fl},{USER_CDX}") == [SEED_ORIGINAL, fl, USER_CDX]
    spider = RuvrSpider()
    assert spider.start_request_for(SEED_ORIGINAL).url == wayback.raw_capture_url(SEED_ORIGINAL)
    assert spider.start_request_for(
        "http://japanese.ruvr.ru:80/2013_11_02/123810289/").url == wayback.raw_capture_url(
        SEED_ORIGINAL)
    assert RuvrSpider(**{"from": "20131102"}).start_request_for(SEED_ORIGINAL).url == (
        "https://web.archive.org/web/20131102id_/" + SEED_ORIGINAL)
    view = "https://web.archive.org/web/20131103012345/" + SEED_ORIGINAL
    request = spider.start_request_for(view)
    assert request.url == SEED_CAPTURE
    assert request.meta["download_slot"] == wayback.CAPTURE_SLOT
    request = spider.start_request_for(fl)
    assert request.meta["download_slot"] == wayback.CDX_SLOT
    assert ("output", "json") in parse_qsl(urlsplit(request.url).query)
    assert with_json_output(USER_CDX) == USER_CDX


def test_historical_redirects_are_told_from_timegate_redirects():
    chain = [
        "https://web.archive.org/web/2id_/http://japanese.ruvr.ru/2012_07_28/82761234",
        "https://web.archive.org/web/20120729061510id_/http://japanese.ruvr.ru/2012_07_28/82761234",
        "https://web.archive.org/web/20120729061510id_/http://japanese.ruvr.ru/2012_07_28/82761234/",
    ]
    final = "https://web.archive.org/web/20120729061512id_/http://japanese.ruvr.ru/2012_07_28/82761234/"
    assert historical_redirects(chain, final) == [REDIRECTED_ORIGINAL]
    assert historical_redirects([wayback.raw_capture_url(SEED_ORIGINAL)], SEED_CAPTURE) == []


# -- end to end: real crawls against the fixture web --------------------------------------------


@pytest.fixture(scope="module")
def crawls(web, tmp_path_factory):
    """The four crawls, run once for the module."""
    out = tmp_path_factory.mktemp("ruvr")
    runs = {}
    runs["host"] = run_crawl(web, "ruvr", out / "host", args={"cdx_limit": "5"})
    runs["urls"] = run_crawl(web, "ruvr", out / "urls", settings=FAST, args={"urls": ",".join([
        SEED_ORIGINAL,
        "https://web.archive.org/web/20131102000000id_/" + SEED_ORIGINAL,
        REDIRECTED_ORIGINAL,
    ])})
    runs["cdx"] = run_crawl(web, "ruvr", out / "cdx",
                            settings={**FAST, "WAYBACK_429_RETRIES": "1"},
                            args={"urls": f"{USER_CDX},{LIMITED_CDX}"})
    runs["prefix"] = run_crawl(web, "ruvr", out / "prefix", settings=FAST, args={
        "prefix": "japanese.ruvr.ru/2013_11_", "from": "20131101", "to": "20131130"})
    for name, run in runs.items():
        # the cdx run's second query is answered 429 until the retries run out: a start URL
        # that failed, so the crawl says "degraded" (exit status 3)
        want = 3 if name == "cdx" else 0
        assert run.returncode == want, f"{name}:\n{run.log[-3000:]}"
    return runs


def test_crawl_whole_host_pages_through_the_cdx(crawls):
    run = crawls["host"]
    gets = fetched(run)
    cdx = [r for r in gets if r.path == "/cdx/search/cdx"]
    assert len(cdx) == 2
    first, second = (dict(parse_qsl(r.query)) for r in cdx)
    assert "resumeKey" not in first
    assert second.pop("resumeKey").endswith("+20131103012501")
    assert first == second == {**dict(parse_qsl(urlsplit(RuvrSpider(cdx_limit=5)
                                                         .default_query()).query))}
    captures = [r for r in gets if r.path.startswith("/web/")]
    assert sorted(r.url for r in captures) == sorted(c["url"] for c in CASES.values())
    assert all(r.status == 200 and re.match(r"^/web/\d{14}id_/http://", r.path) for r in captures)
    assert not any(r.host == "japanese.ruvr.ru" for r in run.requests)  # the dead host
    assert {r.host for r in run.requests} == {"web.archive.org"}
    assert len(run.articles) == 4
    for row in run.articles:
        case = next(c for c in CASES.values() if c["url"] == row["url"])
        check_case(row, case)
        assert row["meta"]["original_url"] == case["meta"]["original_url"] == row["canonical_url"]
        assert row["meta"]["capture_timestamp"] == case["meta"]["capture_timestamp"]
        assert row["meta"]["archive_url"] == case["meta"]["archive_url"] == row["url"]
        assert row["meta"]["capture_time"] == wayback.capture_time(
            case["meta"]["capture_timestamp"])
        assert "redirected_from" not in row["meta"]
        assert re.fullmatch(r"[A-Z2-7]{32}", row["meta"]["cdx_digest"])
    assert run.stats_value("ruvr/cdx_skipped/not-article") == "5"
    assert run.stats_value("ruvr/cdx_rows") == "9"
    check_warc_pointers(run)
    uris = {r["uri"] for r in run.records() if r["type"] == "response"}
    assert {f"https://web.archive.org{r.path}?{r.query}" for r in cdx} <= uris  # CDX archived too


def test_crawl_respects_the_published_rate_limits(crawls):
    """Run with the default slot settings: CDX 1.25 s apart, captures 0.125 s apart."""
    run = crawls["host"]
    assert "wayback slots: cdx {'delay': 1.25, 'concurrency': 1, 'jitter': 0.0}" in run.log
    assert "captures {'delay': 0.125, 'concurrency': 4, 'jitter': 0.0}" in run.log
    gets = fetched(run)
    cdx = [r.time for r in gets if r.path == "/cdx/search/cdx"]
    assert cdx[1] - cdx[0] >= 1.1
    # the three captures of CDX page 1 were all ready at once; the slot spaced them out
    page1 = [r.time for r in gets if r.path.startswith("/web/")][:3]
    assert all(b - a >= 0.08 for a, b in zip(page1, page1[1:], strict=False)), page1
    # and a fast crawl's slots take the delays given with -s (no timing: the machine may be busy)
    fast = crawls["urls"].log
    assert "wayback slots: cdx {'delay': 0.0, 'concurrency': 1, 'jitter': 0.0}" in fast
    assert "captures {'delay': 0.0, 'concurrency': 4, 'jitter': 0.0}" in fast


def test_crawl_dead_urls_follow_timegate_and_archived_redirects(crawls):
    run = crawls["urls"]
    gets = [(r.status, r.url) for r in fetched(run) if r.path != "/robots.txt"]
    seed_2 = wayback.raw_capture_url(SEED_ORIGINAL)
    seed_day = "https://web.archive.org/web/20131102000000id_/" + SEED_ORIGINAL
    assert (302, seed_2) in gets and (302, seed_day) in gets
    assert [u for s, u in gets].count(SEED_CAPTURE) == 1  # both redirects end at one capture
    chain = [
        (302, wayback.raw_capture_url(REDIRECTED_ORIGINAL)),
        (301, "https://web.archive.org/web/20120729061510id_/" + REDIRECTED_ORIGINAL),
        (302, "https://web.archive.org/web/20120729061510id_/" + REDIRECTED_ORIGINAL + "/"),
        (200, CASES["2012_07_28_82761234"]["url"]),
    ]
    positions = [gets.index(hop) for hop in chain]
    assert positions == sorted(positions)
    assert not any(r.host == "japanese.ruvr.ru" for r in run.requests)

    rows = {r["canonical_url"]: r for r in run.articles}
    assert len(run.articles) == 2
    seed = rows[SEED_ORIGINAL]
    check_case(seed, CASES["2013_11_02_123810289"])
    assert seed["meta"]["redirected_from"] in ([seed_2], [seed_day])
    assert "historical_redirects" not in seed["meta"]
    moved = rows[REDIRECTED_ORIGINAL + "/"]
    check_case(moved, CASES["2012_07_28_82761234"])
    assert moved["meta"]["original_url"] == REDIRECTED_ORIGINAL + "/"
    assert moved["meta"]["capture_timestamp"] == "20120729061512"
    assert moved["meta"]["redirected_from"] == [u for s, u in chain[:3]]
    assert moved["meta"]["historical_redirects"] == [REDIRECTED_ORIGINAL]
    check_warc_pointers(run)
    # every hop of the chains is in the WARC, with its real status
    statuses = {r["uri"]: r["status"] for r in run.records() if r["type"] == "response"}
    for status, url in chain:
        assert statuses[url] == str(status), url
    headers = next(r["http"] for r in run.records()
                   if r["type"] == "response" and r["uri"] == SEED_CAPTURE)
    assert headers.get_header("Memento-Datetime") == "Sun, 03 Nov 2013 01:23:45 GMT"
    assert headers.get_header("X-Archive-Orig-Date") == "Sun, 03 Nov 2013 01:23:45 GMT"
    assert 'rel="original"' in headers.get_header("Link")


def test_crawl_user_cdx_query_skips_revisits_and_honours_429(crawls):
    run = crawls["cdx"]
    gets = fetched(run)
    captures = [r.url for r in gets if r.path.startswith("/web/")]
    assert captures == [SEED_CAPTURE]  # not the mp3, the print view, the 404 or the revisit
    assert [a["url"] for a in run.articles] == [SEED_CAPTURE]
    check_case(run.articles[0], CASES["2013_11_02_123810289"])
    for reason, count in (("status", 2), ("revisit", 1), ("mimetype", 1), ("not-article", 1)):
        assert run.stats_value(f"ruvr/cdx_skipped/{reason}") == str(count), reason
    limited = [r for r in gets if r.path == "/cdx/search/cdx" and "2014_02_" in r.query]
    assert [r.status for r in limited] == [429, 429]  # one try + WAYBACK_429_RETRIES=1
    assert limited[1].time - limited[0].time >= 0.9  # Retry-After: 1 was waited for
    # the pause held the CDX slot only: the capture went out during it
    capture_time = next(r.time for r in gets if r.url == SEED_CAPTURE)
    assert capture_time < limited[1].time
    assert "pausing slot web.archive.org/cdx for 1.0 s" in run.log
    assert run.stats_value("wayback/429") == "2"
    check_warc_pointers(run)


def test_crawl_prefix_and_date_range(crawls):
    run = crawls["prefix"]
    cdx = [r for r in fetched(run) if r.path == "/cdx/search/cdx"]
    assert len(cdx) == 1
    query = parse_qsl(cdx[0].query)
    for pair in (("url", "japanese.ruvr.ru/2013_11_"), ("from", "20131101"),
                 ("to", "20131130"), ("matchType", "prefix"), ("collapse", "urlkey"),
                 ("filter", "statuscode:200"), ("filter", "mimetype:text/html")):
        assert pair in query, pair
    assert [a["url"] for a in run.articles] == [SEED_CAPTURE]
    row = run.articles[0]
    check_case(row, CASES["2013_11_02_123810289"])
    assert row["meta"]["capture_timestamp"] == "20131103012345"
    text_path = run.out / row["text_path"]
    assert text_path.read_text("utf-8").rstrip("\n") == CASES["2013_11_02_123810289"]["text"]
    assert json.loads(json.dumps(row["meta"]))["original_url"] == SEED_ORIGINAL
