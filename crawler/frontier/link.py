"""One crawler process's link to the shared frontier: Redis client, outage guard, worker id.

Created once per Scrapy crawler (:meth:`FrontierLink.from_crawler`) and shared by the
scheduler (:mod:`crawler.frontier.scheduler`) and the crawl state (:class:`FrontierCrawlState`,
the ``CRAWLSTATE_BACKEND`` picked when ``REDIS_URL`` is set), so that both see the same
outage (one :class:`~archive.store.redisguard.RedisGuard`) and the same worker id.

Settings (``REDIS_URL``, which turns the shared frontier on, ``REDIS_PREFIX``, ``REDIS_JOB``,
``REDIS_LEASE``, ``REDIS_HEARTBEAT``, ``REDIS_POLL``, ``REDIS_RETRY_MAX``,
``REDIS_SOCKET_TIMEOUT``): the table in ``docs/distributed.md``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from archive.store.redisguard import RedisGuard
from archive.store.redisstate import RedisCrawlState
from archive.store.workers import WorkerRegistry, worker_id

logger = logging.getLogger(__name__)

_ATTR = "_newsarchive_frontier_link"


def connect(url: str, *, socket_timeout: float = 5.0) -> Any:
    """A redis-py client for ``url`` that fails fast instead of retrying on its own.

    Retries are :class:`RedisGuard`'s job (with logging and backoff); the socket time-out
    bounds how long a call can hang on a Redis that accepts connections but does not answer
    (stopped, overloaded). ``redis`` is imported here, on first use: a crawl without
    ``REDIS_URL`` never imports it.
    """
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=socket_timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


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
        self._state: FrontierCrawlState | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierLink:
        """The crawler's single link, created on first call."""
        link = getattr(crawler, _ATTR, None)
        if link is None:
            link = cls(crawler)
            setattr(crawler, _ATTR, link)
        return link

    def state(self) -> FrontierCrawlState:
        """The shared crawl state (one instance per process)."""
        if self._state is None:
            self._state = FrontierCrawlState(self.client, prefix=self.prefix,
                                             worker=self.worker, lease=self.lease,
                                             guard=self.guard)
        return self._state


class FrontierCrawlState(RedisCrawlState):
    """The Redis crawl state on this process's :class:`FrontierLink` (its client, guard and
    worker id): the ``CRAWLSTATE_BACKEND`` of a shared-frontier crawl."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, root: Any = None) -> FrontierCrawlState:
        """The crawler's shared crawl state (``root``, the output root, is not used: one
        state per ``REDIS_PREFIX``)."""
        if not redis_enabled(crawler.settings):
            raise ValueError("CRAWLSTATE_BACKEND FrontierCrawlState needs REDIS_URL")
        return FrontierLink.from_crawler(crawler).state()
