"""Extension: how late the Twisted reactor runs a timer, i.e. how long the reactor thread is
kept busy by callbacks (parsing, archiving, in-thread extraction) instead of serving I/O.

A timer (``reactor.callLater``) is re-armed every ``REACTORLAG_INTERVAL`` seconds (default
0.01) from the moment it ran; each call records how much later than its due time it ran (its
*lateness*). (A ``LoopingCall`` would hide part of the lateness: it re-aligns to its grid.)
A reactor that is never blocked runs it within a fraction of a millisecond; a page extracted
in the reactor thread delays it by the whole extraction time.

More: docs/modules.md, ``crawler/extensions/reactorlag.py``.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


def percentile(sorted_values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of already sorted values, nearest rank; 0.0 when empty."""
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[rank]


class ReactorLagExtension:
    """Measure the reactor's timer lateness; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("REACTORLAG_ENABLED", False):
            raise NotConfigured("REACTORLAG_ENABLED is off")
        self.crawler = crawler
        self.interval = settings.getfloat("REACTORLAG_INTERVAL", 0.01)
        self.samples: list[float] = []
        self._call: Any = None
        self._due = 0.0
        self._running = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReactorLagExtension:
        return cls(crawler)

    def spider_opened(self, spider: Any = None) -> None:
        self._running = True
        self._arm()

    def _arm(self) -> None:
        from twisted.internet import reactor

        self._due = time.monotonic() + self.interval
        self._call = reactor.callLater(self.interval, self._tick)  # type: ignore[attr-defined]

    def _tick(self) -> None:
        self.samples.append(max(0.0, time.monotonic() - self._due))
        if self._running:
            self._arm()

    def summary(self) -> dict[str, float]:
        """The lateness distribution in milliseconds, as put into the stats."""
        values = sorted(self.samples)
        ms = [v * 1000 for v in values]
        return {
            "samples": len(ms),
            "p50_ms": round(percentile(ms, 0.50), 3),
            "p90_ms": round(percentile(ms, 0.90), 3),
            "p99_ms": round(percentile(ms, 0.99), 3),
            "max_ms": round(ms[-1], 3) if ms else 0.0,
            "mean_ms": round(sum(ms) / len(ms), 3) if ms else 0.0,
            "over_100ms": sum(1 for v in ms if v > 100),
        }

    def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        self._running = False
        if self._call is not None and self._call.active():
            self._call.cancel()
        stats = self.crawler.stats
        if stats is None:
            return
        for key, value in self.summary().items():
            stats.set_value(f"reactorlag/{key}", value)
