"""``scrapy crawl newsweekjapan``: Newsweek Japan (ニューズウィーク日本版) stories, columns,
WorldVoice posts and headlines, from listings, the RSS feed and tag pages.

Arguments (plus ``urls``, ``max_pages`` and ``match``, see :mod:`crawler.spiders.base`):
``tags`` [``ロシア,北方領土``], ``feed`` [the story feed], ``listings`` [``/stories/world/``]
(defaults when no ``urls``), ``listing_pages`` [3]. The feed is asked for with a browser-like
User-Agent. A multi-page article is fetched page after page (``dont_filter``, priority 10)
and yielded as ONE item of page 1 with the later pages as parts; missing and paywalled pages
are recorded in the row's ``meta``. Soft 404 pages are counted in ``newsweekjapan/soft_404``.

URL classes, start points, listing links and paging, next pages and page states are
:mod:`sites.newsweekjapan`'s; the full reference is docs/sources.md ("newsweekjapan").
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.middlewares.warccapture import META_POINTER
from crawler.spiders.args import int_arg, url_list, word_list
from crawler.spiders.base import ArchiveSpider, is_html
from pipelines.extract.items import PageItem, PagePart
from sites.base import parse_html
from sites.newsweekjapan import (
    BROWSER_USER_AGENT,
    DEFAULT_LISTINGS,
    DEFAULT_TAGS,
    FEED_URL,
    announced_pages,
    article_base,
    is_article_url,
    is_feed_url,
    is_paywalled,
    is_soft_404,
    listing_links,
    listing_next_pages,
    next_page_url,
    page_number,
    page_url,
    tag_url,
)
from sites.urls import strip_tracking

logger = logging.getLogger(__name__)

#: safety limit on the pages of one article
MAX_ARTICLE_PAGES = 30
META_CHAIN = "nwj_chain"
META_PAGE = "nwj_page"


class NewsweekJapanSpider(ArchiveSpider):
    """Newsweek Japan; see the module docstring."""

    name = "newsweekjapan"
    site = "newsweekjapan"
    allowed_domains = ["newsweekjapan.jp"]

    def __init__(
        self,
        *args: Any,
        tags: str | None = None,
        feed: str | None = None,
        listings: str | None = None,
        listing_pages: str | int = 3,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        defaults = not self.start_urls_arg
        self.tags = word_list(tags, "tags") if tags else (
            list(DEFAULT_TAGS) if defaults else [])
        self.feeds = url_list(feed, "feed") if feed else ([FEED_URL] if defaults else [])
        self.listings = (
            url_list(listings, "listings") if listings
            else (list(DEFAULT_LISTINGS) if defaults else [])
        )
        self.listing_pages = int_arg(listing_pages, "listing_pages", 3, minimum=0)
        #: articles whose further pages are being fetched
        self._open_chains = 0
        #: max_pages was reached while articles were open: close when the last one finishes
        self._stop_when_done = False

    def page_item(self, response: Response, **meta: Any) -> PageItem | None:
        """As every spider's, except that reaching ``max_pages`` while articles are still
        fetching their further pages takes no new page and lets those articles finish (their
        pages are requested with a higher priority, but a page 1 fetched at the same time can
        arrive first); the spider then closes when the last of them is done."""
        if self.max_pages is not None and self.pages_seen >= self.max_pages \
                and self._open_chains:
            self._stop_when_done = True
            return None
        return super().page_item(response, **meta)

    # -- starting --------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.feeds:
            yield self.feed_request(url)
        for url in self.start_urls_arg:
            if is_feed_url(url):
                yield self.feed_request(url)
            elif is_article_url(url):
                yield self.article_request(url)
            else:
                yield self.listing_request(url)
        for url in self.listings:
            yield self.listing_request(url)
        for tag in self.tags:
            yield self.listing_request(tag_url(tag))

    def feed_request(self, url: str) -> scrapy.Request:
        """The feed, asked for with a browser-like User-Agent (see BROWSER_USER_AGENT)."""
        return scrapy.Request(
            url, callback=self.parse_feed, headers={"User-Agent": BROWSER_USER_AGENT}
        )

    def listing_request(self, url: str, page: int = 1) -> scrapy.Request:
        """A listing or tag page."""
        return scrapy.Request(url, callback=self.parse_listing, meta={"listing_page": page})

    def article_request(self, url: str, **meta: Any) -> scrapy.Request:
        """Page 1 of an article, whatever page of it ``url`` names (``_n.php`` -> ``.php``)."""
        return scrapy.Request(
            article_base(strip_tracking(url)),
            callback=self.parse_article,
            errback=self.article_failed,
            meta=meta,
        )

    def request_for(self, url: str, **kwargs: Any) -> scrapy.Request:
        """Feed items: articles (canonicalised); anything else is read as a listing."""
        if is_article_url(url):
            return self.article_request(url)
        return self.listing_request(url)

    # -- feed and listings -----------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Default callback: classify by URL."""
        if is_article_url(response.url):
            yield from self.parse_article(response)
        else:
            yield from self.parse_listing(response)

    def parse_feed(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """The RSS feed: every item's link. An HTML answer (the site's reply to a non-browser
        User-Agent) is logged and counted; it stays archived."""
        requests = self.follow_feed_or_sitemap(response)
        if requests is None:
            self.crawler.stats.inc_value("newsweekjapan/feed_not_xml")
            logger.warning("feed %s answered with a non-feed document (%s)", response.url,
                           response.headers.get(b"Content-Type", b"").decode("latin-1"))
            return
        yield from requests

    def parse_listing(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A listing or tag page: its article links and its next ``index_<n>.php`` pages."""
        if not is_html(response):
            requests = self.follow_feed_or_sitemap(response)
            if requests is not None:
                yield from requests
            return
        item = self.page_item(response, kind="listing")
        if item is not None:
            yield item
        tree = parse_html(response.text)
        page = response.meta.get("listing_page", 1)
        articles, dollars = listing_links(response.url, tree)
        if dollars:
            self.crawler.stats.inc_value("newsweekjapan/dollar_links_skipped", dollars)
        for url in articles:
            yield self.article_request(url, found_on=response.url)
        for url, n in listing_next_pages(response.url, tree, page, self.listing_pages):
            yield self.listing_request(url, page=n)

    # -- articles --------------------------------------------------------------------------

    def parse_article(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Page 1 of an article: the item, then the chain of its further pages."""
        if not is_html(response):
            return
        tree = parse_html(response.text)
        meta: dict[str, Any] = {}
        if response.meta.get("found_on"):
            meta["found_on"] = response.meta["found_on"]
        soft_404 = is_soft_404(tree)
        if soft_404:
            self.crawler.stats.inc_value("newsweekjapan/soft_404")
            logger.info("soft 404 at %s", response.url)
            meta["soft_404"] = True
        item = self.page_item(response, **meta)
        if item is None:
            return
        if soft_404:
            yield item
            return
        chain = {
            "item": item,
            "base": article_base(response.url),
            "total": announced_pages(tree),
            "page1_paywalled": is_paywalled(tree),
            "visited": [article_base(response.url)],
            "notes": [],
        }
        nxt = next_page_url(response.url, tree)
        if nxt is None:
            yield self._finish(chain)
        else:
            self._open_chains += 1
            chain["open"] = True
            yield self._page_request(chain, nxt)

    def _page_request(self, chain: dict[str, Any], url: str) -> scrapy.Request:
        chain["visited"].append(url)
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.page_failed,
            dont_filter=True,  # a page of the chain must be fetched even if seen before
            priority=10,  # finish started articles before starting new ones
            meta={META_CHAIN: chain, META_PAGE: page_number(url)},
        )

    def parse_page(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Page n ≥ 2 of an article: add it as a part, then the next page or the item."""
        chain = response.meta[META_CHAIN]
        n = response.meta[META_PAGE]
        expected = page_url(chain["base"], n)
        status, note, html, tree = "ok", "", "", None
        if not is_html(response):
            status, note = "missing", "not html"
        else:
            tree = parse_html(response.text)
            html = response.text
            if article_base(response.url) != chain["base"] or page_number(response.url) != n:
                status, note, html = "missing", f"redirected to {response.url}", ""
            elif is_soft_404(tree):
                status, note, html = "missing", "soft 404", ""
            elif is_paywalled(tree):
                status, note = "paywalled", "member-only page (logged out)"
        self._add_part(chain, PagePart(expected, html, response.meta.get(META_POINTER), status),
                       n, note, response.status)
        nxt = None
        if status != "missing" and tree is not None:
            chain["total"] = max(chain["total"], announced_pages(tree))
            nxt = next_page_url(expected, tree)
        elif n < chain["total"]:
            nxt = page_url(chain["base"], n + 1)
        yield from self._continue(chain, n, nxt)

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        """Page n ≥ 2 could not be had (4xx/5xx, timeout, connection error): a missing part,
        then the next page the pager announced, or the item."""
        request = failure.request
        chain = request.meta[META_CHAIN]
        n = request.meta[META_PAGE]
        response = getattr(failure.value, "response", None)
        if response is not None:
            note = f"HTTP {response.status}"
            pointer = response.meta.get(META_POINTER)
            status_code = response.status
        else:
            note = f"{failure.type.__name__}: {failure.getErrorMessage()}"
            pointer = None
            status_code = None
        logger.info("page %d of %s missing: %s", n, chain["base"], note)
        part = PagePart(page_url(chain["base"], n), "", pointer, "missing")
        self._add_part(chain, part, n, note, status_code)
        nxt = page_url(chain["base"], n + 1) if n < chain["total"] else None
        yield from self._continue(chain, n, nxt)

    def _add_part(self, chain: dict[str, Any], part: PagePart, n: int, note: str,
                  http_status: int | None) -> None:
        chain["item"].parts.append(part)
        entry: dict[str, Any] = {"page": n, "url": part.url, "status": part.status}
        if http_status is not None:
            entry["http_status"] = http_status
        if note:
            entry["note"] = note
        chain["notes"].append(entry)
        if part.status != "ok":
            self.crawler.stats.inc_value(f"newsweekjapan/parts_{part.status}")

    def _continue(self, chain: dict[str, Any], n: int, nxt: str | None) -> Iterator[Any]:
        if (
            nxt is not None
            and nxt not in chain["visited"]
            and page_number(nxt) > n
            and len(chain["visited"]) < MAX_ARTICLE_PAGES
        ):
            yield self._page_request(chain, nxt)
        else:
            yield self._finish(chain)
            if self._stop_when_done and not self._open_chains:
                raise CloseSpider("max_pages")

    def _finish(self, chain: dict[str, Any]) -> PageItem:
        if chain.pop("open", False):
            self._open_chains -= 1
        item: PageItem = chain["item"]
        parts = item.parts
        missing = [p.url for p in parts if p.status == "missing"]
        paywalled = [p.url for p in parts if p.status == "paywalled"]
        item.meta.update(
            {
                "pages_announced": chain["total"],
                "pages_fetched": 1 + sum(1 for p in parts if p.status != "missing"),
                "complete": not missing and not paywalled and not chain["page1_paywalled"]
                and 1 + len(parts) >= chain["total"],
                "paywalled": bool(paywalled) or chain["page1_paywalled"],
                "missing_pages": missing,
                "paywalled_pages": paywalled,
            }
        )
        if chain["notes"]:
            item.meta["page_notes"] = chain["notes"]
        return item

    def article_failed(self, failure: Failure) -> None:
        """Page 1 could not be had: it is archived (when a response came); nothing to extract."""
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else failure.type.__name__
        logger.info("article %s not fetched: %s", failure.request.url, status)
        self.crawler.stats.inc_value("newsweekjapan/articles_failed")
