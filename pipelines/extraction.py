"""Item pipeline: turn each :class:`~crawler.items.PageItem` into an article (or not).

Runs :func:`pipelines.extractor.extract_page` off the Twisted reactor thread, in a pool of
worker processes, so fetching and archiving never wait on extraction (tens of pages per second
per core) and extraction uses every core. The reactor thread only pickles the HTML and awaits
the result.

Settings (defaults in brackets):

* ``EXTRACTION_WORKERS`` [``auto`` = number of CPUs] - worker processes; ``0`` extracts in the
  reactor thread (useful for debugging and as the benchmark baseline).
* ``EXTRACTION_TIMEOUT`` [120] - seconds one page may take (the page stays archived; it gets
  no text and is counted in ``extraction/errors`` and ``extraction/timeouts``).

The time limit is enforced twice. In the worker, an interval timer interrupts extraction
after ``EXTRACTION_TIMEOUT`` seconds of Python code. Markup that keeps libxml2 busy in C
(quadratic attribute lists, for instance) cannot be interrupted there, so the pipeline also
kills the worker processes when a page has not come back ``EXTRACTION_KILL_GRACE`` [5] seconds
after its limit, and starts a new pool. At most ``EXTRACTION_QUEUE`` [2] pages per worker are
handed to the pool at a time: with 2, a worker that finishes a page starts the next one at once
instead of idling while its result travels back through a busy reactor and the next page comes
over (~10 ms per page on the bench machine; see docs/benchmarks.md). A page handed over may then
wait behind at most ``EXTRACTION_QUEUE - 1`` pages of a worker, so the kill comes
``EXTRACTION_TIMEOUT`` × ``EXTRACTION_QUEUE`` + ``EXTRACTION_KILL_GRACE`` seconds after a page
was handed over (the worker's own timer still stops Python code at ``EXTRACTION_TIMEOUT`` of
the page's own run); with ``EXTRACTION_QUEUE = 1`` the limit counts only a page's own run. A
page that was in another worker of a pool that had to be killed (or that died: out of memory,
a crash) is tried once more in the new pool, so only the page at fault loses its text. With
``EXTRACTION_WORKERS = 0`` no limit can be enforced.

Stats: ``extraction/articles``, ``extraction/not_articles``, ``extraction/errors``,
``extraction/timeouts``, ``extraction/pool_restarts``, ``extraction/method/<method>``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import PageItem
from pipelines.extractor import ExtractionResult, extract_page

logger = logging.getLogger(__name__)


class ExtractionTimeout(Exception):
    """Raised in a worker by its interval timer when a page exceeds its time limit."""


def _alarm(signum: int, frame: Any) -> None:
    raise ExtractionTimeout("extraction time limit reached")


def _run(url: str, html: str, site: str | None, parts: list[tuple[str, str]],
         limit: float = 0.0) -> ExtractionResult:
    """Extract in a worker process, interrupted after ``limit`` seconds of Python code."""
    if limit > 0:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return extract_page(url, html, site=site, parts=parts)
    finally:
        if limit > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _warm_up(crawler_pid: int | None = None) -> None:
    """Import trafilatura in the worker before the first page arrives, and make the worker
    exit when the crawl process is gone.

    Workers are children of the forkserver, not of the crawl, and they block on the pool's
    queue, whose pipe they themselves keep open: after a ``kill -9`` of the crawl nothing would
    ever wake them. A daemon thread checks once a second that the crawl still exists.
    """
    import trafilatura  # noqa: F401

    if crawler_pid is not None:
        threading.Thread(target=_exit_with, args=(crawler_pid,), daemon=True,
                         name="crawl-watchdog").start()


def _exit_with(pid: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # pid reused by another user's process: the crawl is gone
            os._exit(0)


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
        self.kill_grace = crawler.settings.getfloat("EXTRACTION_KILL_GRACE", 5.0)
        self.queue = max(1, crawler.settings.getint("EXTRACTION_QUEUE", 2))
        self.pool: Executor | None = None
        self._slots: asyncio.Semaphore | None = None
        self._generation = 0  # incremented each time the pool is replaced

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    def _new_pool(self) -> Executor:
        # forkserver: workers are forked from a clean server process, never from the process
        # running the reactor (forking a running event loop is unsafe).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipelines.extractor"])
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_warm_up,
                                   initargs=(os.getpid(),))

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
        if result.reason.startswith("error: ExtractionTimeout"):
            self.stats.inc_value("extraction/timeouts")
        item.article = result.article
        item.extraction = result.to_dict()
        item.extraction.pop("article", None)
        self._count(item, result)
        return item

    async def _in_pool(self, item: PageItem, parts: list[tuple[str, str]]) -> ExtractionResult:
        if self._slots is None:
            self._slots = asyncio.Semaphore(max(1, self.workers) * self.queue)
        async with self._slots:  # EXTRACTION_QUEUE pages per worker at most (the deadline)
            for attempt in (1, 2):
                generation = self._generation
                try:
                    return await self._submit(item, parts)
                except TimeoutError:
                    self.stats.inc_value("extraction/timeouts")
                    self._restart_pool(generation, f"{item.url} exceeded "
                                       f"EXTRACTION_TIMEOUT ({self.timeout:g} s)")
                    return ExtractionResult(
                        None, "none", f"error: timeout after {self.timeout:g} s (worker killed)")
                except BrokenProcessPool as exc:
                    # a worker died (killed for another page's timeout, out of memory, a crash)
                    self._restart_pool(generation, f"worker died: {exc}")
                    if attempt == 2:
                        return ExtractionResult(None, "none", f"error: worker died: {exc}")
        raise AssertionError("unreachable")  # pragma: no cover

    async def _submit(self, item: PageItem, parts: list[tuple[str, str]]) -> ExtractionResult:
        assert self.pool is not None
        loop = asyncio.get_running_loop()
        limit = self.timeout if self.timeout > 0 else 0.0
        future = loop.run_in_executor(self.pool, _run, item.url, item.html, item.site, parts,
                                      limit)
        if limit <= 0:
            return await future
        # queued behind at most queue - 1 pages of at most ``limit`` each, then its own run
        return await asyncio.wait_for(future, limit * self.queue + self.kill_grace)

    def _restart_pool(self, generation: int, why: str) -> None:
        """Kill the pool's workers and start a new pool, once per generation."""
        if generation != self._generation:
            return  # someone already replaced the pool this page ran in
        self._generation += 1
        self.stats.inc_value("extraction/pool_restarts")
        logger.warning("restarting the extraction workers: %s", why)
        old, self.pool = self.pool, self._new_pool()
        if old is not None:
            for process in list(getattr(old, "_processes", {}).values()):
                try:
                    process.kill()
                except (OSError, ValueError):
                    pass
            old.shutdown(wait=False, cancel_futures=True)

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
