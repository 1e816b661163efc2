"""The framework's ceiling: a bare Scrapy spider that follows the same links as ours.

Run with ``scrapy runspider bench/barespider.py -a url=URL`` from a directory without a
``scrapy.cfg`` (so Scrapy's default settings apply: no project middlewares, no capture, no
pipelines). Like the project's generic spider it extracts links with Scrapy's
``LinkExtractor`` (same ignored extensions) and follows those on the start page's host; it
yields nothing but requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor


class BareSpider(scrapy.Spider):
    """Fetch every page reachable from ``url`` on the same host, keep nothing."""

    name = "bare"

    def __init__(self, url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.host = urlsplit(url).hostname
        self.links = LinkExtractor(unique=True)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        for link in self.links.extract_links(response):
            if urlsplit(link.url).hostname == self.host:
                yield scrapy.Request(link.url, callback=self.parse)
