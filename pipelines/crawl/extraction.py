"""Item pipeline: turn each :class:`~pipelines.extract.items.PageItem` into an article (or not).

Over 400 lines on purpose: the item pipeline and the worker pool it owns and restarts.

Runs :func:`pipelines.extract.page.extract_page` off the Twisted reactor thread, in worker
processes, so fetching and archiving never wait on extraction (tens of pages per second per
core) and extraction uses every core. Each worker has a socket to the crawl; the reactor
thread writes a page to it (a pickle of the HTML and the page's facts, written as the socket
takes it, never blocking) and reads the result when the socket is readable, like any other
connection: no executor threads, no second queue between the worker and the reactor.

More: docs/modules.md, ``pipelines/crawl/extraction.py``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import Any

from scrapy.crawler import Crawler

from crawler.extensions.runreport import note_failure
from pipelines.extract.items import PageItem
from pipelines.extract.page import ExtractionResult, extract_page
from pipelines.extract.requisites import is_enabled as requisites_enabled

logger = logging.getLogger(__name__)


class ExtractionTimeout(Exception):
    """Raised in a worker by its interval timer when a page exceeds its time limit."""


def _alarm(signum: int, frame: Any) -> None:
    raise ExtractionTimeout("extraction time limit reached")


def _run(url: str, html: str, site: str | None, parts: list[tuple[str, str]],
         limit: float = 0.0, requisites: bool = False) -> ExtractionResult:
    """Extract in a worker process, interrupted after ``limit`` seconds of Python code."""
    if limit > 0:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return extract_page(url, html, site=site, parts=parts, requisites=requisites)
    finally:
        if limit > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)


_HEADER = struct.Struct("!Q")  # each frame: its length, then a pickle


def _serve(sock: socket.socket, function: Callable[..., ExtractionResult]) -> None:
    """An extraction worker: answer each page read from ``sock`` with its result, until EOF.

    Frames both ways are an 8-byte big-endian length and a pickle: ``(task_id, args)`` in,
    ``(task_id, result)`` out, in order. SIGINT is ignored: Ctrl-C asks the crawl to stop, and
    the crawl lets the pages in flight finish. The crawl closing its end of the socket (at
    ``close_spider``, or because it died, even of ``kill -9``) ends the worker after its page.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    reader = sock.makefile("rb")
    try:
        while True:
            header = reader.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return
            (size,) = _HEADER.unpack(header)
            payload = reader.read(size)
            if len(payload) < size:
                return
            task_id, args = pickle.loads(payload)
            try:
                result = function(*args)
                data = pickle.dumps((task_id, result), pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # noqa: BLE001 - e.g. the alarm just outside extract_page
                result = ExtractionResult(None, "none", f"error: {type(exc).__name__}: {exc}")
                data = pickle.dumps((task_id, result), pickle.HIGHEST_PROTOCOL)
            sock.sendall(_HEADER.pack(len(data)) + data)
    except (BrokenPipeError, ConnectionResetError):
        return
    finally:
        reader.close()
        sock.close()


def worker_count(value: Any) -> int:
    """``auto`` -> CPU count; otherwise a non-negative int."""
    if value in (None, "", "auto"):
        return os.cpu_count() or 1
    return max(0, int(value))


class WorkerDied(Exception):
    """A worker process ended (killed for a page's time limit, out of memory, a crash) with
    pages handed to it. ``ran`` tells the page it was running (a worker takes its pages in
    order: the oldest) from the pages waiting behind it, which it had not started."""

    def __init__(self, why: str, ran: bool) -> None:
        super().__init__(why)
        self.ran = ran


class _Worker:
    """One extraction process, the crawl's end of its socket, and the pages handed to it."""

    def __init__(self, process: BaseProcess, sock: socket.socket) -> None:
        self.process = process
        self.sock = sock
        self.fd = sock.fileno()
        self.pending: dict[int, tuple[asyncio.Future[ExtractionResult],
                                      asyncio.TimerHandle | None]] = {}
        self.inbox = bytearray()  # bytes read, not yet a whole frame
        self.outbox: deque[memoryview] = deque()  # bytes not yet written (socket full)
        self.dead = False


class ExtractionPipeline:
    """Extract articles from page items in worker processes; see the module docstring."""

    #: what the workers run for each page (a module-level function: it is pickled by name)
    target: Callable[..., ExtractionResult] = staticmethod(_run)

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = worker_count(crawler.settings.get("EXTRACTION_WORKERS", "auto"))
        self.timeout = crawler.settings.getfloat("EXTRACTION_TIMEOUT", 120.0)
        self.kill_grace = crawler.settings.getfloat("EXTRACTION_KILL_GRACE", 5.0)
        self.queue = max(1, crawler.settings.getint("EXTRACTION_QUEUE", 2))
        #: an article's page requisites are read too (for pipelines.crawl.requisitefetch)
        self.requisites = requisites_enabled(crawler.settings)
        self._pool: list[_Worker] = []
        self._context: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: deque[asyncio.Future[None]] = deque()  # pages waiting for room
        self._ids = itertools.count()
        self._ended: list[BaseProcess] = []  # killed or dead processes, joined at close
        self._closing = False
        self._starter: threading.Thread | None = None  # starts the workers (open_spider)
        self._fresh: list[tuple[BaseProcess, socket.socket]] = []  # started, not adopted
        self._start_error: Exception | None = None
        self._ready: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    # -- the workers ---------------------------------------------------------------------

    def open_spider(self) -> None:
        if self.workers <= 0:
            return
        # forkserver: workers are forked from a clean server process that has imported the
        # extractor, never from the process running the reactor (forking a running event
        # loop is unsafe)
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["pipelines.crawl.extraction"])  # and the extractor
        # Starting the forkserver (a new interpreter that imports the extractor) and the
        # workers takes a few tenths of a second: a thread does it while the crawl starts
        # fetching; the first pages wait for it in _in_pool.
        self._starter = threading.Thread(target=self._start_all, name="extraction-start",
                                         daemon=True)
        self._starter.start()

    def _start_all(self) -> None:
        """In the starting thread: start the workers (taken over by :meth:`_adopt`)."""
        try:
            for _ in range(self.workers):
                self._fresh.append(self._start_process())
        except Exception as exc:  # noqa: BLE001 - reported by _adopt, in the reactor thread
            self._start_error = exc

    def _start_process(self) -> tuple[BaseProcess, socket.socket]:
        ours, theirs = socket.socketpair()
        process = self._context.Process(target=_serve, args=(theirs, self.target),
                                        name="extraction-worker", daemon=True)
        try:
            process.start()
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.setblocking(False)
        return process, ours

    def _spawn(self) -> _Worker:
        """Start a worker from the reactor thread (a replacement)."""
        worker = _Worker(*self._start_process())
        self._watch(worker)
        return worker

    def _watch(self, worker: _Worker) -> None:
        """Read ``worker``'s results as they come (once the first page has found the loop)."""
        if self._loop is not None:
            self._loop.add_reader(worker.fd, self._readable, worker)

    def _adopt(self) -> None:
        """Take over the workers the starting thread started (waits for it)."""
        if self._starter is None:
            return
        self._starter.join()
        self._starter = None
        for process, sock in self._fresh:
            worker = _Worker(process, sock)
            self._watch(worker)
            self._pool.append(worker)
        self._fresh = []
        if self._start_error is not None:
            logger.error("could not start %d of %d extraction workers: %s%s",
                         self.workers - len(self._pool), self.workers, self._start_error,
                         "" if self._pool else "; extracting in the reactor thread")

    async def _started(self) -> None:
        """Wait (without blocking the reactor) for the starting thread, then adopt."""
        if self._starter is None:
            return
        if self._ready is None:
            assert self._loop is not None
            self._ready = self._loop.run_in_executor(None, self._starter.join)
        await self._ready
        self._adopt()

    def _attach(self) -> None:
        """Watch the workers' sockets from the running loop (the first page's)."""
        self._loop = asyncio.get_running_loop()
        for worker in self._pool:
            self._watch(worker)

    def close_spider(self) -> None:
        self._closing = True
        self._adopt()
        for worker in self._pool:
            try:
                worker.sock.shutdown(socket.SHUT_WR)  # EOF: the worker ends after its page
            except OSError:
                pass
        for worker in self._pool:
            worker.process.join(self.timeout + self.kill_grace if self.timeout > 0 else None)
            self._end(worker, "crawl closed")
        for process in self._ended:
            process.join(5)
        self._pool, self._ended = [], []

    def _end(self, worker: _Worker, why: str, running: bool = True) -> None:
        """Stop watching and kill ``worker``; its pages fail with :class:`WorkerDied`, the
        oldest as the page it was running if ``running``."""
        if worker.dead:
            return
        worker.dead = True
        if self._loop is not None:
            self._loop.remove_reader(worker.fd)
            self._loop.remove_writer(worker.fd)
        worker.sock.close()
        if worker.process.is_alive():
            worker.process.kill()
        self._ended.append(worker.process)
        pending, worker.pending = worker.pending, {}
        oldest = min(pending, default=None)  # task ids grow: the first handed over
        for task_id, (future, timer) in pending.items():
            if timer is not None:
                timer.cancel()
            if not future.done():
                future.set_exception(WorkerDied(why, ran=running and task_id == oldest))

    def _replace(self, worker: _Worker, why: str, running: bool = True) -> None:
        """Kill ``worker`` and start another in its place (once)."""
        if worker.dead:
            return
        self._end(worker, why, running)
        if self._closing:
            return
        self.stats.inc_value("extraction/worker_restarts")
        logger.warning("restarting an extraction worker: %s", why)
        index = self._pool.index(worker)
        try:
            self._pool[index] = self._spawn()
        except Exception:  # noqa: BLE001 - e.g. the forkserver is gone
            logger.exception("could not start an extraction worker; %d left",
                             len(self._pool) - 1)
            del self._pool[index]
            if not self._pool:
                logger.error("no extraction worker left: extracting in the reactor thread")
                while self._waiting:  # each waiting page sees the empty pool
                    self._wake()
                return
        self._wake()

    # -- the socket, in the reactor thread -----------------------------------------------

    def _send(self, worker: _Worker, data: bytes) -> None:
        if not worker.outbox:
            try:
                sent = worker.sock.send(data)
            except BlockingIOError:
                sent = 0
            except OSError as exc:
                self._replace(worker, f"worker unreachable: {exc}")
                return
            if sent == len(data):
                return
            assert self._loop is not None
            self._loop.add_writer(worker.fd, self._writable, worker)
            worker.outbox.append(memoryview(data)[sent:])
            return
        worker.outbox.append(memoryview(data))

    def _writable(self, worker: _Worker) -> None:
        while worker.outbox:
            chunk = worker.outbox[0]
            try:
                sent = worker.sock.send(chunk)
            except BlockingIOError:
                return
            except OSError as exc:
                self._replace(worker, f"worker unreachable: {exc}")
                return
            if sent < len(chunk):
                worker.outbox[0] = chunk[sent:]
                return
            worker.outbox.popleft()
        assert self._loop is not None
        self._loop.remove_writer(worker.fd)

    def _readable(self, worker: _Worker) -> None:
        try:
            data = worker.sock.recv(1 << 18)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            worker.process.join(0.5)  # it closed its socket: it is exiting (or has)
            code = worker.process.exitcode
            self._replace(worker, "worker died" + (f" (exit code {code})" if code else ""))
            return
        inbox = worker.inbox
        inbox += data
        while len(inbox) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(inbox)
            end = _HEADER.size + size
            if len(inbox) < end:
                return
            task_id, result = pickle.loads(inbox[_HEADER.size:end])
            del inbox[:end]
            future, timer = worker.pending.pop(task_id, (None, None))
            if timer is not None:
                timer.cancel()
            if future is not None and not future.done():
                future.set_result(result)
            self._wake()

    # -- pages ---------------------------------------------------------------------------

    def _roomiest(self) -> _Worker | None:
        """The live worker with the fewest pages, if it has room for one more."""
        best = min((w for w in self._pool if not w.dead), key=lambda w: len(w.pending),
                   default=None)
        if best is None or len(best.pending) >= self.queue:
            return None
        return best

    def _wake(self) -> None:
        """Let the longest-waiting page try again: a worker has room."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _acquire(self) -> _Worker | None:
        """A worker with room for a page (pages wait their turn: first come, first served),
        or None if no worker could be started."""
        assert self._loop is not None
        worker = None if self._waiting else self._roomiest()
        first = False
        while worker is None:
            if not self._pool:
                return None
            waiter = self._loop.create_future()
            if first:
                self._waiting.appendleft(waiter)  # woken but beaten to it: stay first
            else:
                self._waiting.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter in self._waiting:
                    self._waiting.remove(waiter)
                else:
                    self._wake()  # pass on the turn it was given
                raise
            first = True
            worker = self._roomiest()
        return worker

    def _hand_over(self, worker: _Worker, args: tuple[Any, ...]) -> asyncio.Future[Any]:
        assert self._loop is not None
        task_id = next(self._ids)
        data = pickle.dumps((task_id, args), pickle.HIGHEST_PROTOCOL)
        future: asyncio.Future[ExtractionResult] = self._loop.create_future()
        timer = None
        if self.timeout > 0:
            timer = self._loop.call_later(self.deadline, self._expire, worker, task_id, args[0])
        worker.pending[task_id] = (future, timer)
        self._send(worker, _HEADER.pack(len(data)) + data)
        if self._waiting and self._roomiest() is not None:
            self._wake()  # room for more than this page
        return future

    @property
    def deadline(self) -> float:
        """Seconds from hand-over to the kill: a page may wait behind ``queue - 1`` pages of
        at most ``timeout`` each, then run for ``timeout``; then the grace."""
        return self.timeout * self.queue + self.kill_grace

    def _expire(self, worker: _Worker, task_id: int, url: str) -> None:
        entry = worker.pending.pop(task_id, None)
        if entry is None or entry[0].done():
            return
        entry[0].set_exception(TimeoutError())
        # pages run in the order handed over, with the same deadline: this one was running,
        # and the pages still pending had not started
        self._replace(worker, f"{url} exceeded EXTRACTION_TIMEOUT ({self.timeout:g} s)",
                      running=False)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        if (item.warc or {}).get("warc_type") == "revisit":
            item.extraction = {"reason": "not extracted: unchanged (revisit)", "method": "none"}
            return item
        parts = [(p.url, p.html) for p in item.parts if p.status == "ok"]
        if self._context is None:  # EXTRACTION_WORKERS = 0
            result = extract_page(item.url, item.html, site=item.site, parts=parts,
                                  requisites=self.requisites)
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
        if self._loop is None:
            self._attach()
        await self._started()
        args = (item.url, item.html, item.site, parts, self.timeout if self.timeout > 0 else 0.0,
                self.requisites)
        tries = 0
        while True:
            worker = await self._acquire()
            if worker is None:  # no worker could be started
                return extract_page(item.url, item.html, site=item.site, parts=parts,
                                    requisites=self.requisites)
            try:
                return await self._hand_over(worker, args)
            except TimeoutError:
                self.stats.inc_value("extraction/timeouts")
                return ExtractionResult(
                    None, "none", f"error: timeout after {self.timeout:g} s (worker killed)")
            except WorkerDied as exc:
                # A page the worker had not started goes to another worker. The page it was
                # running (out of memory, a crash, or killed for another page's time limit
                # while it waited for the worker's pages of the same run) gets one more try;
                # a page that takes its worker down twice gets no text.
                tries += exc.ran
                if tries == 2 or self._closing:
                    return ExtractionResult(None, "none", f"error: {exc}")

    def _count(self, item: PageItem, result: ExtractionResult) -> None:
        stats = self.stats
        if result.article is not None:
            stats.inc_value("extraction/articles")
            stats.inc_value(f"extraction/method/{result.method}")
            logger.debug("article %s via %s", item.url, result.method)
        elif result.reason.startswith("error"):
            stats.inc_value("extraction/errors")
            logger.warning("extraction failed for %s: %s", item.url, result.reason)
            note_failure(self.crawler, item.url, "extract", result.reason)
        else:
            stats.inc_value("extraction/not_articles")
            logger.debug("no article at %s: %s", item.url, result.reason)
