"""Item pipeline: request each article's page requisites, so the archive shows the page as it
looked (styled, with its images and fonts), not only its HTML.

After :mod:`pipelines.crawl.extraction` (priority 400), it hands the requisites the extraction
workers found (:mod:`pipelines.extract.requisites`) to Scrapy's scheduler once a page has been
judged an article, as ordinary requests (robots.txt, slots, address guard, incremental check,
WARC capture) with ``meta["requisite"]``; a stylesheet's own requisites follow, down to
:data:`MAX_DEPTH`. Never crawled onwards; fetched once per crawl and per re-check window.
Settings ``REQUISITES_ENABLED``, ``REQUISITES_MAX_PER_PAGE``, ``REQUISITES_MAX_SIZE``; stats
``requisites/...``. The whole story: docs/requisites.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.middlewares.incremental import AlreadyArchived
from crawler.middlewares.warccapture import META_POINTER, SKIP_FLAGS, is_html_response
from crawler.outputs import CrawlOutputs
from pipelines.extract.items import PageItem
from pipelines.extract.requisites import (
    FONT,
    ICON,
    IMAGE,
    META_REQUISITE,
    SCRIPT,
    STYLESHEET,
    css_requisites,
    decode_css,
    is_enabled,
)
from sites.wayback import parse_wayback_url

logger = logging.getLogger(__name__)

#: scheduler priority of requisite requests (see the module docstring)
PRIORITY = 5
#: stylesheets imported by stylesheets imported by ... a page: how deep requisites are followed
MAX_DEPTH = 4
DEFAULT_MAX_PER_PAGE = 150
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
#: how many requisite URLs the pipeline remembers having handed to the scheduler
SEEN_CACHE = 100_000

_IMAGE_ACCEPT = b"image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
#: what a browser sends as ``Accept`` for each kind
ACCEPT = {STYLESHEET: b"text/css,*/*;q=0.1", SCRIPT: b"*/*", IMAGE: _IMAGE_ACCEPT,
          ICON: _IMAGE_ACCEPT, FONT: b"*/*"}


def requisite_request(spider: Spider, url: str, kind: str, page: str, depth: int = 0,
                      referer: str | None = None) -> Request | None:
    """The request for one requisite of ``page`` (None if ``url`` cannot be requested)."""
    meta: dict[str, Any] = {
        META_REQUISITE: {"page": page, "kind": kind, "depth": depth},
        "allow_offsite": True,
    }
    max_size = spider.settings.getint("REQUISITES_MAX_SIZE", DEFAULT_MAX_SIZE)
    if max_size > 0:
        meta["download_maxsize"] = max_size
    headers = {b"Accept": ACCEPT.get(kind, b"*/*")}
    if referer and not (referer.startswith("https:") and url.startswith("http:")):
        headers[b"Referer"] = referer.encode("utf-8")
    try:
        return Request(url, callback=spider.parse_requisite,  # type: ignore[attr-defined]
                       errback=spider.requisite_failed,  # type: ignore[attr-defined]
                       headers=headers, meta=meta, priority=PRIORITY)
    except ValueError as exc:
        logger.debug("requisite %s of %s not requested: %s", url, page, exc)
        return None


def requisite_fetched(spider: Spider, response: Response) -> Iterator[Request]:
    """A requisite's response (2xx): counted; a stylesheet's own requisites requested."""
    info = response.meta.get(META_REQUISITE) or {}
    stats = spider.crawler.stats
    kind = info.get("kind", IMAGE)
    warc_type = (response.meta.get(META_POINTER) or {}).get("warc_type")
    if SKIP_FLAGS.intersection(response.flags):  # not archived again: served from the archive
        stats.inc_value("requisites/from_archive")
    elif warc_type == "revisit":
        stats.inc_value("requisites/revisits")
    elif warc_type == "response":
        stats.inc_value("requisites/archived")
        stats.inc_value(f"requisites/archived/{kind}")
        if is_html_response(response):
            _mark_processed(spider.crawler, response.url)
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if "css" not in ctype and (kind != STYLESHEET or "html" in ctype or "image" in ctype):
        return
    depth = int(info.get("depth", 0))
    if depth >= MAX_DEPTH:
        return
    charset = ctype.partition("charset=")[2].split(";")[0].strip(" \"'") or None
    found = css_requisites(response.url, decode_css(response.body, charset))
    limit = spider.settings.getint("REQUISITES_MAX_PER_PAGE", DEFAULT_MAX_PER_PAGE)
    if len(found) > limit:
        stats.inc_value("requisites/over_limit", len(found) - limit)
    page = info.get("page") or response.url
    for requisite in found[:limit]:
        # the Referer (the stylesheet) is set by Scrapy's RefererMiddleware
        request = requisite_request(spider, requisite.url, requisite.kind, page, depth + 1)
        if request is not None:
            stats.inc_value("requisites/requested")
            yield request


def requisite_failed(spider: Spider, failure: Failure) -> None:
    """A requisite that was not fetched, or not with a 2xx answer: counted."""
    stats = spider.crawler.stats
    exc = failure.value
    if isinstance(exc, AlreadyArchived):
        stats.inc_value("requisites/skipped_archived")
    elif isinstance(exc, HttpError) and exc.response.status == 304:
        stats.inc_value("requisites/revisits")  # archived as server-not-modified
    elif isinstance(exc, IgnoreRequest) and not isinstance(exc, HttpError):
        stats.inc_value("requisites/ignored")
    else:
        stats.inc_value("requisites/failed")
        logger.debug("requisite not fetched: %s: %s", failure.request.url,  # type: ignore
                     failure.getErrorMessage())


def _mark_processed(crawler: Crawler, url: str) -> None:
    """An HTML answer to a requisite (an error page, an image URL that is a page) has nothing
    more to do: the crawl state must not take it for a page a dead crawl left unprocessed."""
    state = CrawlOutputs.from_crawler(crawler).state
    if state is not None:
        state.mark_processed(url, is_article=False)


class RequisitesPipeline:
    """Request the page requisites of articles; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        if not is_enabled(crawler.settings):
            raise NotConfigured("REQUISITES_ENABLED or WARC_ENABLED is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_per_page = max(0, crawler.settings.getint("REQUISITES_MAX_PER_PAGE",
                                                           DEFAULT_MAX_PER_PAGE))
        crawler.signals.connect(self._dropped, signal=signals.request_dropped)
        self._seen: dict[str, None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequisitesPipeline:
        return cls(crawler)

    def _dropped(self, request: Request) -> None:
        """The scheduler's duplicate filter dropped a request handed over: not requested."""
        if META_REQUISITE in request.meta:
            self.stats.inc_value("requisites/duplicate")
            self.stats.inc_value("requisites/requested", -1)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or item.article is None:
            return item
        found = item.extraction.get("requisites")
        spider = self.crawler.spider
        if not found or spider is None or not hasattr(spider, "parse_requisite"):
            return item
        if parse_wayback_url(item.url) is not None:
            self.stats.inc_value("requisites/skipped_wayback", len(found))
            return item
        self.stats.inc_value("requisites/pages")
        per_page: dict[str, int] = {}
        requests = []
        for page, url, kind in found:
            count = per_page[page] = per_page.get(page, 0) + 1
            if count > self.max_per_page:
                self.stats.inc_value("requisites/over_limit")
                continue
            if url in self._seen:  # handed over already: the duplicate filter would drop it
                self.stats.inc_value("requisites/duplicate")
                continue
            if len(self._seen) >= SEEN_CACHE:
                self._seen.clear()
            self._seen[url] = None
            request = requisite_request(spider, url, kind, page, referer=page)
            if request is not None:
                requests.append(request)
        for request in requests:
            try:
                self.crawler.engine.crawl(request)  # type: ignore[union-attr]
            except RuntimeError:  # the spider is closing
                break
            self.stats.inc_value("requisites/requested")
        return item
