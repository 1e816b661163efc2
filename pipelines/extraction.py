"""Item pipeline: turn each :class:`~crawler.items.PageItem` into an article (or not).

Runs :func:`pipelines.extractor.extract_page` off the Twisted reactor thread, in a pool of
worker processes, so fetching and archiving never wait on extraction (tens of pages per second
per core) and extraction uses every core. The reactor thread only pickles the HTML and awaits
the result.

Settings (defaults in brackets):

* ``EXTRACTION_WORKERS`` [``auto`` = number of CPUs] - worker processes; ``0`` extracts in the
  reactor thread (useful for debugging and as the benchmark baseline).
* ``EXTRACTION_TIMEOUT`` [120] - seconds to wait for one page before giving up on it (the page
  stays archived; it gets no text and is counted in ``extraction/errors``).

Stats: ``extraction/articles``, ``extraction/not_articles``, ``extraction/errors``,
``extraction/method/<method>``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import PageItem
from pipelines.extractor import ExtractionResult, extract_page

logger = logging.getLogger(__name__)


def _run(url: str, html: str, site: str | None, parts: list[tuple[str, str]]) -> ExtractionResult:
    return extract_page(url, html, site=site, parts=parts)


def _warm_up() -> None:
    """Import trafilatura in the worker before the first page arrives."""
    import trafilatura  # noqa: F401


def worker_count(value: Any) -> int:
    """``auto`` -> CPU count; otherwise a non-negative int."""
    if value in (None, "", "auto"):
        return os.cpu_count() or 1
    return max(0, int(value))


class ExtractionPipeline:
    """Extract articles from page items in worker processes; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = worker_count(crawler.settings.get("EXTRACTION_WORKERS", "auto"))
        self.timeout = crawler.settings.getfloat("EXTRACTION_TIMEOUT", 120.0)
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    def _new_pool(self) -> Executor:
        # forkserver: workers are forked from a clean server process, never from the process
        # running the reactor (forking a running event loop is unsafe).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipelines.extractor"])
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_warm_up)

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = self._new_pool()

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=False)
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        if (item.warc or {}).get("warc_type") == "revisit":
            item.extraction = {"reason": "not extracted: unchanged (revisit)", "method": "none"}
            return item
        parts = [(p.url, p.html) for p in item.parts if p.status == "ok"]
        if self.pool is None:
            result = extract_page(item.url, item.html, site=item.site, parts=parts)
        else:
            result = await self._in_pool(item, parts)
        item.article = result.article
        item.extraction = result.to_dict()
        item.extraction.pop("article", None)
        self._count(item, result)
        return item

    async def _in_pool(self, item: PageItem, parts: list[tuple[str, str]]) -> ExtractionResult:
        assert self.pool is not None
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, _run, item.url, item.html, item.site, parts)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            return ExtractionResult(None, "none", f"error: timeout after {self.timeout:g} s")
        except BrokenProcessPool as exc:
            # a worker died (killed, out of memory): start a new pool, lose only this page
            self.pool = self._new_pool()
            return ExtractionResult(None, "none", f"error: worker died: {exc}")

    def _count(self, item: PageItem, result: ExtractionResult) -> None:
        stats = self.stats
        if result.article is not None:
            stats.inc_value("extraction/articles")
            stats.inc_value(f"extraction/method/{result.method}")
            logger.debug("article %s via %s", item.url, result.method)
        elif result.reason.startswith("error"):
            stats.inc_value("extraction/errors")
            logger.warning("extraction failed for %s: %s", item.url, result.reason)
        else:
            stats.inc_value("extraction/not_articles")
            logger.debug("no article at %s: %s", item.url, result.reason)
