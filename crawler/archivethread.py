"""The capture's writer thread: exchanges archived in arrival order, a batch at a time.

:class:`crawler.middlewares.warccapture.WarcCaptureMiddleware` hands each response to this
thread (``WARC_WRITE_THREAD``, on by default) and waits for its record pointer; the reactor
thread goes on with other responses meanwhile (ISA-L, hashlib, file writes and SQLite release
the GIL while they work).

More: docs/modules.md, ``crawler/archivethread.py``.
"""

from __future__ import annotations

import asyncio
import atexit
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

#: most jobs taken in one batch (the reactor waits for the whole batch's commit)
MAX_BATCH = 64

#: a job: (future to resolve, function, its arguments); the function returns (result, state
#: writes to do after the batch's records are in the file: callables without arguments)
Job = tuple["asyncio.Future[Any]", Callable[..., tuple[Any, list[Callable[[], None]]]],
            tuple[Any, ...]]


class ArchiveThread:
    """One daemon thread running archive jobs in order, in batches; see the module docstring.

    ``transaction``: a context manager factory under which a batch's state writes run (the
    crawl state's :meth:`archive.store.state.CrawlState.transaction`), or None."""

    def __init__(self, transaction: Callable[[], AbstractContextManager[Any]] | None = None,
                 name: str = "warc-writer") -> None:
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._transaction = transaction
        self._loop: asyncio.AbstractEventLoop | None = None
        #: CPU seconds the thread used (``time.thread_time``), set when it ends
        self.cpu_seconds = 0.0
        self.batches = 0
        self.jobs = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False

    def submit(self, fn: Callable[..., tuple[Any, list[Callable[[], None]]]],
               *args: Any) -> asyncio.Future[Any]:
        """Queue ``fn(*args)``; the future (of the running loop) gets its result once its
        state writes are committed."""
        loop = asyncio.get_running_loop()
        if not self._started:
            self._loop = loop
            self._started = True
            self._thread.start()
            # a crawl that stops without spider_closed (a forced shutdown) still finishes
            # the records it queued before the interpreter goes, as an executor's thread
            # would: the handler runs before daemon threads are stopped
            atexit.register(self.shutdown)
        future = loop.create_future()
        self._queue.put((future, fn, args))
        return future

    def shutdown(self) -> None:
        """Finish the queued jobs and stop the thread."""
        if self._started:
            self._started = False
            atexit.unregister(self.shutdown)
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    return
                batch = [job]
                stop = False
                while len(batch) < MAX_BATCH:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stop = True
                        break
                    batch.append(more)
                self._batch(batch)
                if stop:
                    return
        finally:
            self.cpu_seconds = time.thread_time()

    def _batch(self, batch: list[Job]) -> None:
        outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        writes: list[Callable[[], None]] = []
        for future, fn, args in batch:
            try:
                result, later = fn(*args)
            except (OSError, sqlite3.Error) as exc:
                outcomes.append((future, None, exc))
                continue
            except BaseException as exc:  # noqa: BLE001 - the waiting response re-raises it
                outcomes.append((future, None, exc))
                continue
            outcomes.append((future, result, None))
            writes.extend(later)
        if writes:
            try:
                with self._transaction() if self._transaction else nullcontext():
                    for write in writes:
                        write()
            except (OSError, sqlite3.Error) as exc:
                outcomes = [(f, r, e or exc) for f, r, e in outcomes]
        self.batches += 1
        self.jobs += len(batch)
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(_deliver, outcomes)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass


def _deliver(outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    for future, result, exc in outcomes:
        if future.cancelled():
            continue
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(result)
