"""Spider middleware: free each response's parsed HTML as soon as its callback is done.

Scrapy caches a response's parsed tree (``response.selector``), and the cached
:class:`scrapy.Selector` refers back to its response: a reference cycle. The response, its body,
its decoded text and the whole lxml tree (about ten times the HTML's size in memory) therefore
outlive the callback until Python's cyclic garbage collector finds them, which for objects
that lived through a few collections (a response being downloaded, archived and parsed) is
the rare full collection. How many such trees wait meanwhile depends on how many other objects
the crawl allocates: measured on the 2,000-page bench site (docs/benchmarks.md), 240 parsed
pages waited at once with ``CONCURRENT_ITEMS = 16`` (peak RSS 300 MB) and fewer with Scrapy's
100 (190 MB), only because Scrapy's 100 tasks per response trigger collections more often.

More: docs/modules.md, ``crawler/middlewares/selectorrelease.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response


def release_selector(response: Response) -> None:
    """Drop ``response``'s cached selector (and with it the cycle back to the response)."""
    if getattr(response, "_cached_selector", None) is not None:
        response._cached_selector = None  # type: ignore[attr-defined]


class SelectorReleaseMiddleware:
    """Drop each response's cached selector after its callback; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("SELECTOR_RELEASE_ENABLED", True):
            raise NotConfigured("SELECTOR_RELEASE_ENABLED is off")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SelectorReleaseMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]
                              ) -> Iterable[Any]:
        try:
            yield from result
        finally:
            release_selector(response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]
                                          ) -> AsyncIterator[Any]:
        try:
            async for output in result:
                yield output
        finally:
            release_selector(response)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        release_selector(response)
        return None
