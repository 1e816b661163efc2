"""crawler.links.page_links: the generic spider's link extraction (fast, and the same links
as Scrapy's LinkExtractor gives, apart from links back to the page itself)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.linkextractors import LinkExtractor
from w3lib.url import safe_url_string

from crawler.links import SKIP_EXTENSIONS, page_links
from crawler.responses import build_response
from tests.conftest import BUNDLED_WEB

PAGES = sorted(
    p for p in BUNDLED_WEB.rglob("*")
    if p.is_file() and p.suffix in ("", ".html", ".php") and ".meta" not in p.name
)


def response_for(path: Path):
    url = "https://" + path.relative_to(BUNDLED_WEB).as_posix()
    return build_response(url, 200, [("Content-Type", "text/html")], path.read_bytes())


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(BUNDLED_WEB).as_posix())
def test_same_links_as_scrapys_link_extractor(path):
    response = response_for(path)
    if not hasattr(response, "selector"):
        pytest.skip("not HTML")
    scrapy_links = LinkExtractor(unique=True, deny_extensions=list(SKIP_EXTENSIONS))
    expected = dict.fromkeys(
        link.url.split("#")[0] for link in scrapy_links.extract_links(response)
        if link.url.startswith(("http://", "https://")))
    own = {response.url, response.url.split("#")[0], safe_url_string(response.url)}
    expected_list = [u for u in expected if u not in own]
    got = [u for u in page_links(response) if u not in own]
    assert got == expected_list


def test_base_href_extensions_fragments_and_unsafe_characters():
    html = b"""<html><head><base href="https://other.example/dir/"></head><body>
    <a href="a.html#frag">a</a> <a href=" b.html ">b</a> <a href="pic.JPG">img</a>
    <a href="report.pdf">pdf</a> <a href="mailto:x@y">m</a> <a href="javascript:void(0)">j</a>
    <a href="/tag/\xe3\x83\xad">tag</a> <a href="c d.html">space</a> <area href="../up.html">
    <a href="a.html">again</a> <a href="ftp://files.example/x">ftp</a></body></html>"""
    response = build_response("https://news.example/x/y.html", 200,
                              [("Content-Type", "text/html; charset=utf-8")], html)
    assert page_links(response) == [
        "https://other.example/dir/a.html",
        "https://other.example/dir/b.html",
        "https://other.example/dir/report.pdf",
        "https://other.example/tag/%E3%83%AD",
        "https://other.example/dir/c%20d.html",
        "https://other.example/up.html",
    ]
