"""Replay's second pass: pages extracted by a pool of worker processes, outcomes in order.

The parent sends ``(path, offset, url, site, parts)`` of each page, :data:`BATCH` pages per
task; a worker seeks to the record, rebuilds the page and extracts it, so no HTML is pickled
across (only the parts of multi-page articles). A worker that dies costs a new pool, and every
page of the batches it took down is tried once more on its own. With one job, everything runs
in this process.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from archive.cli.replay.scan import page_at
from pipelines.extract.page import ExtractionResult, extract_page

#: pages in flight per worker process
WINDOW_PER_JOB = 8
#: pages per task sent to a worker
BATCH = 8

#: what a worker sends back for one capture: ``("page", url, result)`` for an HTML page,
#: ``("not_html", url, None)``, or ``("error", url, reason)``
Outcome = tuple[str, str, ExtractionResult | str | None]
#: what a worker is sent for one page: ``(path, offset, url, site, [(part url, html)...])``
Unit = tuple[Any, ...]
#: what the caller keeps beside each unit and gets back with its outcome
T = TypeVar("T")


def _work(path: str, offset: int, url: str, site: str | None, parts: list[tuple[str, str]]
          ) -> Outcome:
    """Worker side: read the response record at ``offset`` of ``path``, rebuild the page the
    crawl saw (:func:`crawler.pages.page_item`) and extract it as the crawl's extraction
    pipeline does. Reading happens here, so the parent only sends where the record is."""
    try:
        item = page_at(path, offset, url, site)
    except Exception as exc:  # noqa: BLE001 - a record that does not parse
        return "error", url, f"cannot rebuild the response: {type(exc).__name__}: {exc}"
    if item is None:
        return "not_html", url, None
    result = extract_page(item.url, item.html, site=site, parts=parts)
    # replay writes texts and rows, never the crawl's metadata records: the page's links
    # (a hundred URLs on a news page) need not be sent back to the parent
    result.outlinks = []
    return "page", item.url, result


def _work_batch(units: list[Unit]) -> list[Outcome]:
    """Worker side, several pages in one task (:data:`BATCH`): the pool's per-task cost
    (futures, pickling, the parent's queue threads) is paid once for them."""
    return [_work(*unit) for unit in units]


def _warm_up() -> None:
    import trafilatura  # noqa: F401 - import once per worker, before the first page


class ExtractionPool:
    """The worker processes of one replay (none with one job)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0

    def start(self) -> None:
        """Start the workers now, so that each imports the extractor (~0.3 s, in the pool's
        initializer) while the parent scans the files; a fork pool launches its processes at
        the first submit, hence a no-op task."""
        if self.jobs > 1:
            self._pool = self._new_pool()
            self._pool.submit(int)

    def shutdown(self) -> None:
        """Stop the workers (pending tasks are cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def extract_in_order(self, pages: Iterable[tuple[T, Unit]],
                         on_outcome: Callable[[T, Outcome], None]) -> None:
        """Extract every page of ``pages`` (``(what the caller keeps, unit)``) and hand each
        outcome to ``on_outcome`` in the order of ``pages``, with enough batches in flight for
        every worker to have the next one waiting."""
        window = self.jobs * max(2, WINDOW_PER_JOB // BATCH)
        pending: deque[tuple[list[T], Future[list[Outcome]] | None, int,
                             list[Outcome] | None, list[Unit]]] = deque()

        def drain(limit: int) -> None:
            while len(pending) > limit:
                kept, future, generation, done, units = pending.popleft()
                for item, outcome in zip(kept, self._result(future, generation, done, units),
                                         strict=True):
                    on_outcome(item, outcome)

        kept: list[T] = []
        units: list[Unit] = []
        for item, unit in pages:
            kept.append(item)
            units.append(unit)
            if len(units) >= (BATCH if self.jobs > 1 else 1):
                pending.append((kept, *self._submit(units), units))
                kept, units = [], []
                drain(window)
        if units:
            pending.append((kept, *self._submit(units), units))
        drain(0)

    def _new_pool(self) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        # fork: workers start at once with everything imported (no reactor runs here)
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._generation += 1
        return ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_warm_up)

    def _submit(self, units: list[Unit]
                ) -> tuple[Future[list[Outcome]] | None, int, list[Outcome] | None]:
        if self.jobs <= 1:
            return None, 0, [_work(*unit) for unit in units]
        if self._pool is None:
            self._pool = self._new_pool()
        return self._pool.submit(_work_batch, units), self._generation, None

    def _result(self, future: Future[list[Outcome]] | None, generation: int,
                done: list[Outcome] | None, units: list[Unit]) -> list[Outcome]:
        if done is not None:
            return done
        assert future is not None
        try:
            return future.result()
        except BrokenProcessPool:
            self._replace_pool(generation)
        # a worker died (killed, out of memory) with this batch in the pool: each of its pages
        # once more, on its own, so that only a page at fault loses its text
        return [self._alone(unit) for unit in units]

    def _alone(self, unit: Unit) -> Outcome:
        future, generation, _ = self._submit([unit])
        assert future is not None
        try:
            return future.result()[0]
        except BrokenProcessPool as exc:
            self._replace_pool(generation)
            return "error", unit[2], f"error: worker died: {exc}"

    def _replace_pool(self, generation: int) -> None:
        """A new pool for one that broke, once per broken pool."""
        if generation == self._generation:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
