"""One crawler process's link to the shared frontier: Redis client, outage guard, worker id.

Created once per Scrapy crawler (:meth:`FrontierLink.from_crawler`) and shared by the
scheduler (:mod:`crawler.frontier.scheduler`) and the crawl state
(:class:`archive.store.redisstate.RedisCrawlState`, through ``CrawlOutputs.state``), so that both
see the same outage (one :class:`~archive.store.redisstate.RedisGuard`) and the same worker id.

Settings (defaults in brackets; all read only when ``REDIS_URL`` is set):

* ``REDIS_URL`` [None] - ``redis://host:port/db``; setting it turns the shared frontier on.
* ``REDIS_PREFIX`` [``newsarchive``] - first part of every key; one prefix = one archive
  (shared crawl state) on that Redis database.
* ``REDIS_JOB`` [the spider's name] - name of the frontier (queue, seen set, in-flight
  requests) the workers share: ``<prefix>:<job>:...``.
* ``REDIS_LEASE`` [60] - seconds without a heartbeat after which a worker counts as dead and
  its in-flight requests are re-queued by the others.
* ``REDIS_HEARTBEAT`` [5] - seconds between heartbeats (at most a third of the lease).
* ``REDIS_POLL`` [0.5] - seconds between the frontier's housekeeping rounds (flushing what
  an outage held back, asking for work when the queue was empty).
* ``REDIS_RETRY_MAX`` [10] - longest wait (seconds) between two tries while Redis is
  unreachable (the wait doubles from 0.5 s).
* ``REDIS_SOCKET_TIMEOUT`` [5] - seconds one Redis command may take before it counts as a
  failure (a Redis that accepts connections but does not answer).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from archive.store.redisstate import RedisCrawlState, RedisGuard, WorkerRegistry, connect, worker_id

logger = logging.getLogger(__name__)

_ATTR = "_newsarchive_frontier_link"


def redis_enabled(settings: Any) -> bool:
    """Is the shared frontier on (``REDIS_URL`` set and not empty)?"""
    return bool(settings.get("REDIS_URL"))


class FrontierLink:
    """Client, guard, worker id and registry of one crawler process; see the module
    docstring."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.url = str(settings.get("REDIS_URL"))
        self.prefix = str(settings.get("REDIS_PREFIX") or "newsarchive")
        self.job = settings.get("REDIS_JOB") or None
        self.lease = settings.getfloat("REDIS_LEASE", 60.0)
        self.heartbeat_interval = min(settings.getfloat("REDIS_HEARTBEAT", 5.0), self.lease / 3)
        self.poll_interval = settings.getfloat("REDIS_POLL", 0.5)
        self.guard = RedisGuard(self.url, maximum=settings.getfloat("REDIS_RETRY_MAX", 10.0))
        self.client = connect(self.url,
                              socket_timeout=settings.getfloat("REDIS_SOCKET_TIMEOUT", 5.0))
        self.worker = worker_id()
        self.registry = WorkerRegistry(self.client, self.prefix, self.lease)
        self._state: RedisCrawlState | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierLink:
        """The crawler's single link, created on first call."""
        link = getattr(crawler, _ATTR, None)
        if link is None:
            link = cls(crawler)
            setattr(crawler, _ATTR, link)
        return link

    def state(self) -> RedisCrawlState:
        """The shared crawl state (one instance per process)."""
        if self._state is None:
            self._state = RedisCrawlState(self.client, prefix=self.prefix, worker=self.worker,
                                          lease=self.lease, guard=self.guard)
        return self._state


def redis_state(crawler: Crawler) -> RedisCrawlState:
    """The crawl state of a crawler in shared-frontier mode (used by ``CrawlOutputs``)."""
    return FrontierLink.from_crawler(crawler).state()
