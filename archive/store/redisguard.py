"""One Redis connection's outage guard: retries with backoff, one log line per outage.

Every Redis call of a process (the shared crawl state, :mod:`archive.store.redisstate`, and the
shared frontier, :mod:`crawler.frontier.scheduler`) goes through one :class:`RedisGuard`, so
both see the same outage, which is logged once when it starts and once when it ends. The
calling thread waits meanwhile: the crawl pauses rather than losing an update.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


def redacted(url: str) -> str:
    """``url`` without a password, for log lines."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


class RedisUnavailable(Exception):
    """Redis could not be reached (raised by ``RedisGuard.call(..., wait=False)``)."""


class RedisGuard:
    """Outage bookkeeping and retries for every user of one Redis connection in a process.

    ``call(fn)`` runs ``fn`` and returns its result; on a connection error or time-out it
    logs (once per outage, then at each retry at INFO), sleeps with exponential backoff from
    ``initial`` to ``maximum`` seconds and tries again, for as long as it takes
    (``wait=False``: raises :class:`RedisUnavailable` instead, and later callers are told
    Redis is unavailable without trying until the backoff has elapsed).
    """

    def __init__(self, url: str, *, initial: float = 0.5, maximum: float = 10.0) -> None:
        self.url = redacted(url)
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.backoff = initial
        self.down_since: float | None = None  # monotonic time of the first failure
        self.next_try = 0.0  # monotonic time before which callers with wait=False skip
        self.up_since = time.monotonic()  # when the connection last came (back)
        self.outages = 0
        self.outage_seconds = 0.0

    @staticmethod
    def errors() -> tuple[type[BaseException], ...]:
        """The exceptions that mean "Redis unreachable" (not "bad command")."""
        from redis.exceptions import BusyLoadingError, ConnectionError, TimeoutError

        return (ConnectionError, TimeoutError, BusyLoadingError, OSError)

    @property
    def down(self) -> bool:
        """Is an outage going on (the last call failed)?"""
        return self.down_since is not None

    def available(self) -> bool:
        """May a non-waiting caller try now (up, or the backoff has elapsed)?"""
        return self.down_since is None or time.monotonic() >= self.next_try

    def up_for(self) -> float:
        """Seconds since Redis was last (re)reached; 0 during an outage."""
        return 0.0 if self.down else time.monotonic() - self.up_since

    def failed(self, exc: BaseException) -> float:
        """Record a failed call; returns the seconds to wait before the next try."""
        now = time.monotonic()
        wait = self.backoff
        if self.down_since is None:
            self.down_since = now
            self.outages += 1
            logger.warning(
                "Redis at %s unreachable (%s): crawl paused (no request is dropped); "
                "retrying in %.1f s", self.url, _brief(exc), wait)
        else:
            logger.info("Redis at %s still unreachable after %.0f s (%s); retrying in %.1f s",
                        self.url, now - self.down_since, _brief(exc), wait)
        self.backoff = min(self.backoff * 2, self.maximum)
        self.next_try = now + wait
        return wait

    def succeeded(self) -> None:
        """Record a successful call (ends an outage)."""
        if self.down_since is not None:
            now = time.monotonic()
            lasted = now - self.down_since
            self.outage_seconds += lasted
            logger.warning("Redis at %s reachable again after %.1f s: crawl resumed",
                           self.url, lasted)
            self.down_since = None
            self.up_since = now
        self.backoff = self.initial

    def call(self, fn: Callable[[], T], *, wait: bool = True) -> T:
        """``fn()``, retried through outages (see the class docstring)."""
        errors = self.errors()
        while True:
            if not wait and not self.available():
                raise RedisUnavailable(self.url)
            try:
                result = fn()
            except errors as exc:
                delay = self.failed(exc)
                if not wait:
                    raise RedisUnavailable(self.url) from exc
                time.sleep(delay)
                continue
            self.succeeded()
            return result


def _brief(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 160 else text[:157] + "..."
