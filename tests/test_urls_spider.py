"""crawler.spiders.urls: the generic spider's link following.

``URLS_SKIP_REQUESTED`` (on by default) stops the spider from building a request for a URL it
has already requested from as few hops or fewer, a request Scrapy's duplicate filter would
drop. Unit tests drive ``parse`` on built responses (which links become requests, at how many
hops); a crawl of the bundled news site with the setting on and off must fetch and archive
exactly the same URLs, each once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.spiders.urls import UrlsSpider
from tests.conftest import run_crawl

HOST = "https://scope.example"


def spider(**settings: Any) -> UrlsSpider:
    crawler = get_crawler(UrlsSpider, settings)
    return UrlsSpider.from_crawler(crawler, urls=f"{HOST}/", depth="5")


def followed(spider: UrlsSpider, path: str, hops: int, links: list[str]) -> list[tuple[str, int]]:
    """(URL, hops) of the requests ``parse`` yields for a page at ``path`` linking ``links``."""
    body = "<html><head><title>t</title></head><body>" + "".join(
        f'<a href="{link}">{link}</a>' for link in links) + "</body></html>"
    url = HOST + path
    response = HtmlResponse(url, body=body.encode(), encoding="utf-8",
                            request=Request(url, meta={"hops": hops}))
    return [(r.url, r.meta["hops"]) for r in spider.parse(response) if isinstance(r, Request)]


def test_a_url_requested_before_is_not_requested_again_unless_from_fewer_hops():
    s = spider()
    assert followed(s, "/p1", 2, ["/x", "/y", "/x"]) == [(f"{HOST}/x", 3), (f"{HOST}/y", 3)]
    # /x again from the same depth: Scrapy's filter would drop it, the spider does not build it
    assert followed(s, "/p2", 2, ["/x", "/z"]) == [(f"{HOST}/z", 3)]
    # from a page nearer the start: requested (as plain Scrapy would try), at the fewer hops
    assert followed(s, "/p3", 0, ["/x"]) == [(f"{HOST}/x", 1)]
    # and then remembered at those hops; /y was requested at 3, so from 1 hop it is again
    assert followed(s, "/p4", 1, ["/x", "/y"]) == [(f"{HOST}/y", 2)]
    assert followed(s, "/p5", 4, ["/x", "/y", "/z"]) == []
    s.closed("finished")
    assert s.crawler.stats.get_value("urls/links_requested_before") == 5


def test_switched_off_every_followable_link_becomes_a_request():
    s = spider(URLS_SKIP_REQUESTED=False)
    assert followed(s, "/p1", 2, ["/x", "/y"]) == [(f"{HOST}/x", 3), (f"{HOST}/y", 3)]
    assert followed(s, "/p2", 2, ["/x", "/z"]) == [(f"{HOST}/x", 3), (f"{HOST}/z", 3)]
    # links out of scope are not followed either way
    assert followed(s, "/p3", 2, ["https://other.example/x"]) == []


def test_the_depth_limit_still_holds():
    s = spider()
    s.depth = 2
    assert followed(s, "/p1", 2, ["/x"]) == []
    assert followed(s, "/p2", 1, ["/x"]) == [(f"{HOST}/x", 2)]


def test_a_crawl_fetches_and_archives_the_same_urls_with_the_setting_on_and_off(web, tmp_path):
    runs = {}
    for value in ("True", "False"):
        runs[value] = run_crawl(web, "urls", tmp_path / value,
                                args={"urls": "https://news.example/", "depth": "3"},
                                settings={"URLS_SKIP_REQUESTED": value})
        assert runs[value].returncode == 0, runs[value].stderr[-2000:]
    fetched = {v: Counter(r.url for r in run.requests if r.method != "CONNECT")
               for v, run in runs.items()}
    assert fetched["True"] == fetched["False"]
    assert len(fetched["True"]) > 10 and max(fetched["True"].values()) == 1
    archived = {v: sorted(r["uri"] for r in run.records() if r["type"] == "response")
                for v, run in runs.items()}
    assert archived["True"] == archived["False"]
    skipped = int(runs["True"].stats_value("urls/links_requested_before"))
    assert skipped > 0
    assert runs["False"].stats_value("urls/links_requested_before") == "0"
    # what the spider skipped is what Scrapy's duplicate filter dropped otherwise
    filtered = {v: int(run.stats_value("dupefilter/filtered") or 0) for v, run in runs.items()}
    assert filtered["False"] - filtered["True"] == skipped
