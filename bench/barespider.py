"""The framework's ceiling: a bare Scrapy spider that follows the same links as ours.

Run with ``scrapy runspider bench/barespider.py -a url=URL`` from a directory without a
``scrapy.cfg`` (so Scrapy's default settings apply: no project middlewares, no capture, no
pipelines). It extracts links exactly as the project's generic spider does
(:func:`crawler.links.page_links`, the same code, so the comparison measures archiving and
not link extraction) and follows those on the start page's host; it yields nothing but
requests. With ``-s URLS_SKIP_REQUESTED=True`` it also skips building requests for URLs it
has already requested, as the project's generic spider does by default
(:class:`crawler.spiders.urls.RequestedBefore`): the ``bare+URLS_SKIP_REQUESTED=True``
variant of ``bench.crawl``, against which the archiving's own cost is measured like for like.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.links import page_links
from crawler.spiders.urls import RequestedBefore


class BareSpider(scrapy.Spider):
    """Fetch every page reachable from ``url`` on the same host, keep nothing."""

    name = "bare"

    def __init__(self, url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.host = urlsplit(url).hostname
        self.requested: RequestedBefore | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        if self.requested is None:
            # off unless asked for (-s URLS_SKIP_REQUESTED=True): Scrapy's defaults
            self.requested = RequestedBefore(
                self.settings.getbool("URLS_SKIP_REQUESTED", False))
        hops = response.meta.get("depth", 0) + 1
        for link in page_links(response):
            if urlsplit(link).hostname == self.host and self.requested.first_time(link, hops):
                yield scrapy.Request(link, callback=self.parse)
