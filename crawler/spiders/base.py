"""Base class of every newsarchive spider: arguments every spider accepts, page items, feeds
(read by :mod:`sites.feeds`).

Arguments (``-a name=value``) common to all spiders:

* ``urls``: start from these URLs instead of the spider's defaults: ``a,b`` or a file path
  (one URL per line).
* ``max_pages``: stop after this many HTML pages have been handed to the pipelines.
* ``match``: comma-separated words; only articles whose title or text contains one of them
  get text output (everything fetched is archived all the same). Applied by the spider through
  ``PageItem.meta["match"]``; see :mod:`pipelines.crawl.textoutput`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.decoding import page_text
from crawler.middlewares.warccapture import META_POINTER
from crawler.spiders.args import int_arg, url_list
from pipelines.crawl.requisitefetch import requisite_failed, requisite_fetched
from pipelines.extract.items import PageItem
from sites.feeds import FEED_KINDS, feed_urls, root_kind, sitemap_urls, xml_root_checked
from sites.urls import split_arg, strip_tracking

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html(response: Response) -> bool:
    """An HTML page (by Content-Type, or by sniffing when the type is missing or generic)."""
    if not isinstance(response, TextResponse):
        return False
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if any(t in ctype for t in HTML_TYPES):
        return True
    if ctype and not ctype.startswith(("text/plain", "application/octet-stream")):
        return False
    head = response.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def page_item_from_response(
    response: Response, site: str | None = None, **meta: Any
) -> PageItem | None:
    """The page item of an HTML response (None for anything else). Live crawls and replay
    both build page items here, so both hand the pipelines the same decoded text."""
    if not is_html(response):
        return None
    assert isinstance(response, TextResponse)
    html, encoding = page_text(response)  # Scrapy's decoding, unless the charset lies
    return PageItem(
        url=response.url,
        html=html,
        status=response.status,
        encoding=encoding,
        warc=response.meta.get(META_POINTER) if response.request is not None else None,
        site=site,
        meta=meta,
    )


class ArchiveSpider(scrapy.Spider):
    """Common arguments and helpers; see the module docstring."""

    #: site rules to use for this spider's pages (None: choose by URL host)
    site: str | None = None
    #: arguments read from ``kwargs`` that are no Python names (ruvr's ``from``), beside the
    #: keyword parameters of ``__init__`` (crawler.preflight refuses any other name)
    extra_arguments: tuple[str, ...] = ()

    def __init__(
        self,
        *args: Any,
        urls: str | None = None,
        max_pages: str | int | None = None,
        match: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls_arg = self.parse_urls(urls)
        self.max_pages = int_arg(max_pages, "max_pages", minimum=1)
        self.match_words = [w for w in split_arg(match)] if match else []
        self.pages_seen = 0

    @staticmethod
    def parse_urls(value: str | None) -> list[str]:
        """The ``urls`` argument: http(s) URLs, ``a,b`` or a file (spiders may override)."""
        return url_list(value, "urls")

    def page_item(self, response: Response, **meta: Any) -> PageItem | None:
        """A page item for an HTML response (None for anything else: it stays archived only)."""
        if not is_html(response):
            return None
        if self.max_pages is not None and self.pages_seen >= self.max_pages:
            raise CloseSpider("max_pages")
        self.pages_seen += 1
        if self.match_words:
            meta.setdefault("match", self.match_words)
        item = page_item_from_response(response, self.site, **meta)
        if item is not None and item.encoding != getattr(response, "encoding", None):
            self.crawler.stats.inc_value("decoding/charset_corrected")
        return item

    def follow_feed_or_sitemap(
        self, response: Response, **request_kwargs: Any
    ) -> Iterator[scrapy.Request] | None:
        """If the response is a sitemap or a feed, requests for what it lists; else None."""
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if "html" in ctype and not response.body.lstrip().startswith(b"<?xml"):
            return None
        root, entities = xml_root_checked(response.body)
        if entities:
            self.crawler.stats.inc_value("xml/entities_ignored")
            logger.warning("%s declares XML entities: not expanded, not loaded (DTD internal "
                           "subset ignored)", response.url)
        if root is None:
            return None
        kind, locs = sitemap_urls(root)
        if kind == "sitemapindex":
            return (
                scrapy.Request(u, callback=self.parse_listing_xml, **request_kwargs) for u in locs
            )
        if kind == "urlset":
            return (self.request_for(strip_tracking(u), **request_kwargs) for u in locs)
        items = feed_urls(root, response.url)
        if items or root_kind(root) in FEED_KINDS:
            return (self.request_for(strip_tracking(u), **request_kwargs) for u in items)
        return None

    def parse_listing_xml(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Callback for sitemap and feed URLs."""
        requests = self.follow_feed_or_sitemap(response)
        if requests is None:
            logger.warning("not a sitemap or feed: %s", response.url)
            return
        yield from requests

    def request_for(self, url: str, **kwargs: Any) -> scrapy.Request:
        """A request for a page found in a listing, feed or sitemap (spiders override)."""
        return scrapy.Request(url, callback=self.parse, **kwargs)

    # -- page requisites (pipelines.crawl.requisitefetch): spider methods, so that their
    # -- requests can be serialised by a shared frontier like any other

    def parse_requisite(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """Callback of a page requisite: nothing on it is followed; a stylesheet's own
        requisites (``@import``, ``url()``) are requested."""
        return requisite_fetched(self, response)

    def requisite_failed(self, failure: Failure) -> None:
        """Errback of a page requisite: counted in the stats."""
        requisite_failed(self, failure)
