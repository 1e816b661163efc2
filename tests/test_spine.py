"""End to end: `scrapy crawl urls` over the news.example fixture site writes faithful WARCs
and clean text (issue: the spine)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from archive.warc.pointer import record_at
from crawler.responses import response_from_record
from crawler.spiders.base import page_item_from_response
from pipelines.extract.page import extract_page
from tests.conftest import load_expected, run_crawl

SITE = "https://news.example"
ARTICLE_PATHS = {
    "/2024/05/ceasefire-talks.html",
    "/2024/05/energy-deal.html",
    "/2024/05/island-dispute.html",
    "/2024/05/port-visit.html",
}
WARCIO = Path(sys.executable).parent / "warcio"


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


@pytest.fixture(scope="module")
def site_crawl(web, tmp_path_factory):
    out = tmp_path_factory.mktemp("spine")
    run = run_crawl(web, "urls", out, args={"urls": f"{SITE}/", "depth": "3"})
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def test_crawl_finishes_and_closes_every_file(site_crawl):
    files = list((site_crawl.out / "warc").iterdir())
    assert not [f for f in files if f.name.endswith(".open")]
    warcs = site_crawl.warc_files
    assert warcs and all(re.fullmatch(
        r"urls-\d{17}-\d{5}-\d+~[A-Za-z0-9.-]+\.warc\.gz(\.cdxj)?", f.name) for f in warcs)
    assert "'finish_reason': 'finished'" in site_crawl.stderr
    assert list((site_crawl.out / "logs").glob("urls-*.log"))


def test_warcio_check_accepts_every_file(site_crawl):
    for path in site_crawl.warc_files:
        if path.name.endswith(".warc.gz"):
            proc = subprocess.run([str(WARCIO), "check", "-v", str(path)],
                                  capture_output=True, text=True)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            assert "digest pass" in proc.stdout and "fail" not in proc.stdout


def test_one_request_and_one_response_per_exchange(site_crawl):
    records = site_crawl.records()
    responses = [r for r in records if r["type"] == "response"]
    requests = [r for r in records if r["type"] == "request"]
    assert len(responses) == len(requests)
    by_id = {r["id"]: r for r in responses}
    for req in requests:
        concurrent = req["headers"].get_header("WARC-Concurrent-To")
        assert concurrent in by_id and by_id[concurrent]["uri"] == req["uri"]
    assert len({r["headers"].get_header("WARC-Concurrent-To") for r in requests}) == len(requests)
    # every exchange the proxy saw is archived, and nothing else
    fetched = sorted(r.url for r in site_crawl.requests if r.method != "CONNECT")
    assert sorted(r["uri"] for r in responses) == fetched
    uris = {r["uri"] for r in responses}
    for path in ("/robots.txt", "/old-url.html", "/redirect-start.html",
                 "/redirect-middle.html", "/missing.html", "/files/annual-report.pdf"):
        assert SITE + path in uris, path
    assert not any("/private/" in u or "partner.example" in u for u in fetched)


def test_digests_and_lengths_match_the_recorded_bytes(site_crawl):
    for rec in site_crawl.records():
        if rec["type"] != "response":
            continue
        assert rec["headers"].get_header("WARC-Payload-Digest") == sha1_b32(rec["payload"])
        assert rec["http"].get_header("Content-Length") == str(len(rec["payload"]))
        assert rec["http"].get_header("Transfer-Encoding") is None
        assert rec["headers"].get_header("WARC-IP-Address") == "127.0.0.1"


def test_bodies_are_archived_as_the_server_encoded_them(site_crawl):
    recs = {r["uri"]: r for r in site_crawl.records() if r["type"] == "response"}
    gz = recs[SITE + "/2024/05/energy-deal.html"]
    assert gz["http"].get_header("Content-Encoding") == "gzip"
    assert gz["payload"][:2] == b"\x1f\x8b"
    assert b"LNG supply" in gzip.decompress(gz["payload"])
    chunked = recs[SITE + "/2024/05/island-dispute.html"]
    assert chunked["http"].get_header("X-Crawler-Transfer-Encoding") == "chunked"
    assert chunked["payload"].startswith(b"<!DOCTYPE html>")
    both = recs[SITE + "/2024/05/port-visit.html"]
    assert both["http"].get_header("X-Crawler-Transfer-Encoding") == "chunked"
    assert both["payload"][:2] == b"\x1f\x8b"


def test_status_lines_are_recorded_as_received(site_crawl):
    recs = {r["uri"]: r for r in site_crawl.records() if r["type"] == "response"}
    assert recs[SITE + "/missing.html"]["http"].statusline == "404 Not Found"
    assert recs[SITE + "/old-url.html"]["http"].statusline == "301 Moved Permanently"
    assert recs[SITE + "/redirect-start.html"]["http"].statusline == "302 Found"
    assert recs[SITE + "/"]["http"].protocol == "HTTP/1.1"


def test_warcinfo_opens_every_file(site_crawl):
    for path in site_crawl.warc_files:
        if not path.name.endswith(".warc.gz"):
            continue
        first = next(r for r in site_crawl.records() if r["file"] == path.name)
        assert first["type"] == "warcinfo"
        fields = first["payload"].decode()
        for key in ("software: newsarchive/", "format: WARC File Format 1.1", "hostname:",
                    "robots: obey", "setting-USER_AGENT:"):
            assert key in fields


def test_articles_match_the_hand_written_texts(site_crawl):
    expected = {case["url"]: case for case in load_expected("news.example")}
    rows = site_crawl.articles
    assert sorted(r["url"] for r in rows) == sorted(SITE + p for p in ARTICLE_PATHS)
    for row in rows:
        case = expected[row["url"]]
        assert row["text"] == case["text"]
        for key in ("title", "author", "published", "canonical_url", "language", "site"):
            assert row[key] == case[key], key
        text_file = site_crawl.out / row["text_path"]
        assert text_file.read_text("utf-8") == row["text"] + "\n"
        assert row["word_count"] > 50 and row["method"] == "trafilatura"


def test_every_row_points_at_its_record_and_reextracts_identically(site_crawl):
    for row in site_crawl.articles:
        ptr = row["warc"]
        path = site_crawl.out / "warc" / ptr["filename"]
        with record_at(path, ptr["offset"]) as record:
            assert record.rec_headers.get_header("WARC-Record-ID") == ptr["record_id"]
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Payload-Digest") == ptr["payload_digest"]
            response = response_from_record(record)
        item = page_item_from_response(response)
        again = extract_page(item.url, item.html)
        assert again.article["text"] == row["text"]


def test_a_metadata_record_per_article(site_crawl):
    records = site_crawl.records()
    ids = {r["id"] for r in records if r["type"] == "response"}
    meta = [r for r in records if r["type"] == "metadata"]
    assert len(meta) == len(site_crawl.articles)
    for rec in meta:
        assert rec["headers"].get_header("WARC-Refers-To") in ids
        data = json.loads(rec["payload"])
        # under a URI of its own, so that no replay tool serves it in place of the page
        assert rec["uri"] == "urn:newsarchive:article:" + data["url"]
        assert data["article"] is True and data["outlinks"]
        assert all(u.startswith(("http://", "https://")) for u in data["outlinks"])


def test_non_articles_get_no_text(site_crawl):
    urls = {r["url"] for r in site_crawl.articles}
    for path in ("/", "/page/2/", "/about.html", "/files/annual-report.pdf"):
        assert SITE + path not in urls
    texts = list((site_crawl.out / "text").rglob("*.txt"))
    assert len(texts) == len(ARTICLE_PATHS)


def test_sitemap_and_feed_entry_points(web, tmp_path):
    run = run_crawl(web, "urls", tmp_path / "sm",
                    args={"sitemap": f"{SITE}/sitemap.xml", "depth": "0"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert sorted(r["url"] for r in run.articles) == sorted(SITE + p for p in ARTICLE_PATHS)
    run = run_crawl(web, "urls", tmp_path / "feed", args={"feed": f"{SITE}/feed.xml",
                                                          "depth": "0"})
    assert run.returncode == 0, run.stderr[-2000:]
    fetched = [r.url for r in run.requests if r.method != "CONNECT"]
    assert not any("utm_" in u for u in fetched)
    assert {r["url"] for r in run.articles} == {SITE + "/2024/05/port-visit.html",
                                                SITE + "/2024/05/island-dispute.html"}


def test_rotation_and_warc_1_0(web, tmp_path):
    run = run_crawl(web, "urls", tmp_path / "rot", args={"urls": f"{SITE}/", "depth": "3"},
                    settings={"WARC_MAX_SIZE": "6000", "WARC_VERSION": "1.0"})
    assert run.returncode == 0, run.stderr[-2000:]
    files = [f for f in run.warc_files if f.name.endswith(".warc.gz")]
    assert len(files) >= 3
    serials = sorted(int(f.name.split("-")[2]) for f in files)
    assert serials == list(range(1, len(files) + 1))
    records = run.records()
    for f in files:
        mine = [r for r in records if r["file"] == f.name]
        assert mine[0]["type"] == "warcinfo"
        # a response's request is always in the same file, right after it
        for a, b in zip(mine, mine[1:], strict=False):
            if a["type"] == "response":
                assert b["type"] == "request"
    for rec in records:
        assert rec["headers"].protocol == "WARC/1.0"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rec["headers"].get_header(
            "WARC-Date"))
    assert len(run.articles) == len(ARTICLE_PATHS)


def test_index_written_while_writing_equals_a_fresh_index(site_crawl):
    from archive.warc.indexer import CDXJIndexer

    for path in site_crawl.warc_files:
        if path.name.endswith(".warc.gz"):
            beside = path.with_name(path.name + ".cdxj").read_text("utf-8").splitlines(True)
            assert beside == CDXJIndexer().index([path])
            assert len(beside) >= 1


def test_gzip_engine_setting_and_a_bad_value_refused_at_start(web, tmp_path):
    run = run_crawl(web, "urls", tmp_path / "zlib", args={"urls": f"{SITE}/", "depth": "1"},
                    settings={"WARC_GZIP_ENGINE": "zlib", "WARC_GZIP_LEVEL": "6"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert any(r["type"] == "response" for r in run.records())
    bad = run_crawl(web, "urls", tmp_path / "bad", args={"urls": f"{SITE}/", "depth": "1"},
                    settings={"WARC_GZIP_ENGINE": "lzma"})
    assert bad.returncode != 0
    assert "WARC_GZIP_ENGINE must be one of isal, zlib, not 'lzma'" in bad.stderr
    assert not list((tmp_path / "bad").glob("warc/*.warc.gz"))
    assert not [r for r in bad.requests if r.path.endswith("/")]
