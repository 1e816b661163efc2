"""``scrapy crawl rt``: RT English articles (www.rt.com, old rt.com URLs) from section
listings, RSS feeds and sitemaps.

Arguments (plus ``urls``, ``max_pages`` and ``match``, see :mod:`crawler.spiders.base`):
``sections`` [``news,russia`` when no ``urls``], ``feeds`` [1 when no ``urls``, else 0],
``sitemaps`` [0] (robots.txt's ``Sitemap:`` lines), ``listing_pages`` [3] ("More" pages per
listing). Each response is classified by what it is (feed or sitemap, robots.txt, article
URL, else a listing); only RT English articles and listing fragments are followed, once each
(:func:`sites.rt.dedup_key`); skipped links are counted in ``rt/skipped_links``. Rows say
where an article was found (``meta.source``, ``found_in``, ``feed_published``, ``lastmod``).

URL rules, start points and listing links are :mod:`sites.rt`'s, feeds and sitemaps are read
by :mod:`sites.feeds`; the full reference is docs/sources.md ("rt").
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.spiders.args import flag_arg, int_arg, word_list
from crawler.spiders.base import ArchiveSpider, is_html
from sites.base import parse_html
from sites.dates import normalise_datetime
from sites.feeds import feed_items, robots_sitemaps, root_kind, sitemap_entries, xml_root
from sites.rt import (
    DEFAULT_SECTIONS,
    FEED_URLS,
    ROBOTS_URL,
    dedup_key,
    is_article_url,
    is_listing_page_url,
    is_rt_host,
    listing_card_links,
    listing_more_links,
    section_url,
)
from sites.urls import strip_tracking

logger = logging.getLogger(__name__)

META_RT = "rt"


class RTSpider(ArchiveSpider):
    """RT English; see the module docstring."""

    name = "rt"
    site = "rt"

    def __init__(
        self,
        *args: Any,
        sections: str | None = None,
        feeds: str | None = None,
        sitemaps: str | None = None,
        listing_pages: str | int = 3,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        defaults = not self.start_urls_arg
        if sections is not None:
            self.sections = word_list(sections, "sections", r"[a-z0-9][a-z0-9-]*")
        else:
            self.sections = list(DEFAULT_SECTIONS) if defaults else []
        self.read_feeds = flag_arg(feeds, "feeds", default=defaults)
        self.read_sitemaps = flag_arg(sitemaps, "sitemaps", default=False)
        self.listing_pages = int_arg(listing_pages, "listing_pages", 3, minimum=0)
        self.seen: set[str] = set()

    # -- requests --------------------------------------------------------------------------

    def _first_time(self, url: str) -> bool:
        key = dedup_key(url)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def _skip(self, url: str, why: str) -> None:
        logger.debug("rt: not following %s (%s)", url, why)
        if self.crawler is not None:
            self.crawler.stats.inc_value("rt/skipped_links")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls_arg:
            if is_rt_host(url):
                url = strip_tracking(url)
                self._first_time(url)
            yield scrapy.Request(url, callback=self.parse, meta={META_RT: {"source": "urls"}})
        for section in self.sections:
            url = section_url(section)
            if self._first_time(url):
                yield scrapy.Request(url, callback=self.parse_listing, meta={"listing_page": 0})
        if self.read_feeds:
            for url in FEED_URLS:
                yield scrapy.Request(url, callback=self.parse)
        if self.read_sitemaps:
            yield scrapy.Request(ROBOTS_URL, callback=self.parse)

    def article_request(self, url: str, **meta: Any) -> scrapy.Request | None:
        """A request for an article found in a listing, feed or sitemap, or None (not an RT
        English article, or already requested)."""
        url = strip_tracking(url)
        if not is_article_url(url):
            self._skip(url, "not an RT English article")
            return None
        if not self._first_time(url):
            return None
        return scrapy.Request(url, callback=self.parse_article, meta={META_RT: meta})

    # -- callbacks -------------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Any start URL: robots.txt, feed, sitemap, article or listing."""
        path = urlsplit(response.url).path
        if path == "/robots.txt" and isinstance(response, TextResponse):
            for url in robots_sitemaps(response.text):
                yield scrapy.Request(url, callback=self.parse)
            return
        if not is_html(response) or response.body.lstrip()[:5] == b"<?xml":
            yield from self.parse_xml(response)
            return
        if is_article_url(response.url) or not is_rt_host(response.url):
            yield from self.parse_article(response)
        else:
            yield from self.parse_listing(response)

    def parse_xml(self, response: Response) -> Iterator[Any]:
        """A feed or a sitemap (index or URL set)."""
        root = xml_root(response.body)
        if root is None:
            logger.warning("rt: not HTML and not XML: %s", response.url)
            return
        kind, entries = sitemap_entries(root)
        if kind == "sitemapindex":
            for entry in entries:
                if is_rt_host(entry["loc"]) and self._first_time(entry["loc"]):
                    yield scrapy.Request(entry["loc"], callback=self.parse)
            return
        if kind == "urlset":
            for entry in entries:
                meta = {"source": "sitemap", "found_in": response.url}
                if entry.get("lastmod"):
                    meta["lastmod"] = entry["lastmod"]
                request = self.article_request(entry["loc"], **meta)
                if request is not None:
                    yield request
            return
        if root_kind(root) not in ("rss", "rdf"):
            logger.warning("rt: XML that is neither a feed nor a sitemap: %s", response.url)
            return
        for item in feed_items(root, response.url):
            meta = {"source": "feed", "found_in": response.url}
            published = normalise_datetime(item.get("pubDate"))
            if published:
                meta["feed_published"] = published
            request = self.article_request(item["url"], **meta)
            if request is not None:
                yield request

    def parse_listing(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A section listing or a "More" fragment: the page itself, its cards, its next page."""
        if not is_html(response):
            yield from self.parse_xml(response)
            return
        item = self.page_item(response, source="listing")
        if item is not None:
            yield item
        tree = parse_html(response.text)
        for url in listing_card_links(response.url, tree):
            request = self.article_request(url, source="listing", found_in=response.url)
            if request is not None:
                yield request
        page = response.meta.get("listing_page", 0)
        if page >= self.listing_pages:
            return
        for url in listing_more_links(response.url, tree):
            if is_listing_page_url(url) and self._first_time(url):
                yield scrapy.Request(
                    url, callback=self.parse_listing, meta={"listing_page": page + 1}
                )

    def parse_article(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """An article page: hand it on with where it was found."""
        meta = dict(response.meta.get(META_RT) or {"source": "urls"})
        redirects = response.meta.get("redirect_urls") or []
        if redirects:
            meta["requested_url"] = redirects[0]
        item = self.page_item(response, **meta)
        if item is not None:
            yield item
