"""The scheduler's memory queue, with its oldest requests spilled to a file past a size.

A crawl discovers links faster than it fetches them: on the 50,000-page bench site 37,000
requests waited at once, and held in memory as :class:`scrapy.Request` objects they were most
of the crawl's growth in memory (docs/benchmarks.md, "Scale"). :class:`SpillingLifoQueue`
(``SCHEDULER_MEMORY_QUEUE``) keeps the newest ``SPILL_QUEUE_MEMORY`` requests of each
priority as objects, as Scrapy's ``LifoMemoryQueue`` does, and moves the oldest half to an
anonymous temporary file (deleted by the system when the crawl ends, however it ends) when
there are twice that many; they come back, newest first, once the memory part is empty. Order
is LIFO. A plain request (GET, no body, cookies, headers or errback, a spider method or no
callback) is written compactly; another one as Scrapy's disk queues write it
(``Request.to_dict``, pickled); one that cannot be pickled stays in memory, below the others
(it is tried once: a spider whose requests never pickle costs nothing more).
"""

from __future__ import annotations

import os
import pickle
import struct
import tempfile
from typing import Any, BinaryIO

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.request import request_from_dict

#: requests of one priority kept in memory (as objects) before the oldest are spilled
SPILL_QUEUE_MEMORY = 4096
_LENGTH = struct.Struct(">I")
_PLAIN, _DICT = b"p", b"d"


class SpillingLifoQueue:
    """LIFO queue of requests of one priority; see the module docstring."""

    def __init__(self, crawler: Crawler | None = None, key: str = "",
                 memory: int = SPILL_QUEUE_MEMORY) -> None:
        self.spider = crawler.spider if crawler is not None else None
        self.memory = max(1, memory)
        #: the requests in memory, oldest first; the first ``_pinned`` cannot be written
        self._objects: list[Request] = []
        self._pinned = 0
        self._file: BinaryIO | None = None
        self._end = 0  # bytes of the file in use: its records, a length after each
        self._spilled = 0
        #: how many requests went to the file in all (a test reads it)
        self.spilled_total = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, key: str = "", *args: Any, **kwargs: Any
                     ) -> SpillingLifoQueue:
        memory = crawler.settings.getint("SPILL_QUEUE_MEMORY", SPILL_QUEUE_MEMORY)
        return cls(crawler, key, memory)

    def __len__(self) -> int:
        return len(self._objects) + self._spilled

    def push(self, request: Request) -> None:
        self._objects.append(request)
        if len(self._objects) - self._pinned >= 2 * self.memory:
            self._spill(len(self._objects) - self._pinned - self.memory)

    def pop(self) -> Request | None:
        if self._objects:
            self._pinned = min(self._pinned, len(self._objects) - 1)
            return self._objects.pop()
        return self._unspill() if self._spilled else None

    def peek(self) -> Request | None:
        if self._objects:
            return self._objects[-1]
        if not self._spilled:
            return None
        request = self._unspill()
        if request is not None:
            self._objects.append(request)
        return request

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._objects.clear()
        self._end = self._spilled = self._pinned = 0

    # -- the file --------------------------------------------------------------------------

    def _spill(self, count: int) -> None:
        """Write the oldest ``count`` requests (after the pinned ones) to the file, oldest
        first (so the newest of them is read back first); those that cannot be written join
        the pinned ones."""
        kept: list[Request] = []
        chunks: list[bytes] = []
        first = self._pinned
        for request in self._objects[first:first + count]:
            data = self._encode(request)
            if data is None:
                kept.append(request)
            else:
                chunks += (data, _LENGTH.pack(len(data)))
        if chunks:
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="newsarchive-queue-")  # noqa: SIM115
            os.pwrite(self._file.fileno(), b"".join(chunks), self._end)
            self._end += sum(len(c) for c in chunks)
            written = len(chunks) // 2
            self._spilled += written
            self.spilled_total += written
        self._objects[first:first + count] = kept
        self._pinned += len(kept)

    def _unspill(self) -> Request | None:
        assert self._file is not None
        fd = self._file.fileno()
        (size,) = _LENGTH.unpack(os.pread(fd, _LENGTH.size, self._end - _LENGTH.size))
        start = self._end - _LENGTH.size - size
        data = os.pread(fd, size, start)
        self._end = start
        self._spilled -= 1
        if not self._spilled:
            self._end = 0
            os.ftruncate(fd, 0)
        return self._decode(data)

    def _encode(self, request: Request) -> bytes | None:
        callback = request.callback
        name = None
        if callback is not None:
            name = getattr(callback, "__name__", None)
            if (self.spider is None or getattr(callback, "__self__", None) is not self.spider
                    or name is None or getattr(self.spider, name, None) != callback):
                return self._encode_dict(request)
        if (type(request) is Request and request.method == "GET" and not request.body
                and not request.headers and not request.cookies and request.errback is None
                and not request.cb_kwargs and not request.flags
                and request.encoding == "utf-8"):
            try:
                return _PLAIN + pickle.dumps(
                    (request.url, name, request.meta or None, request.priority,
                     request.dont_filter), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - a meta value that does not pickle: stays
                return None
        return self._encode_dict(request)

    def _encode_dict(self, request: Request) -> bytes | None:
        try:
            return _DICT + pickle.dumps(request.to_dict(spider=self.spider),
                                        protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - not serialisable (a lambda callback...): stays
            return None

    def _decode(self, data: bytes) -> Request:
        if data[:1] == _PLAIN:
            url, name, meta, priority, dont_filter = pickle.loads(data[1:])
            callback = getattr(self.spider, name) if name is not None else None
            return Request(url, callback=callback, meta=meta, priority=priority,
                           dont_filter=dont_filter)
        return request_from_dict(pickle.loads(data[1:]), spider=self.spider)
