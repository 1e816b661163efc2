"""The crawl's side of the Wayback Machine: its rate limits as download slots, and Retry-After.

The service asks clients to respect (as used by EDGI's client, at 80 % of the hard limits):
CDX 0.8 requests/s, captures 8 requests/s; on 429 without Retry-After wait 60 s. Spiders give
``web.archive.org`` CDX and capture requests their own download slots: :func:`request_meta`
(slot + no AutoThrottle for one request), :func:`configure_settings` (the two slots in
``DOWNLOAD_SLOTS`` from the ``WAYBACK_*`` settings, and :class:`WaybackRetryAfterMiddleware`,
which honours ``Retry-After`` on 429). URL forms and the CDX API: :mod:`sites.wayback`.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from sites.wayback import CAPTURE_DELAY, CAPTURE_SLOT, CDX_DELAY, CDX_SLOT, WAYBACK_HOST

logger = logging.getLogger(__name__)


# -- rate limits: download slots and Retry-After ----------------------------------------------
#
# Settings (all optional; ``-s NAME=value`` overrides them, tests set the delays to 0):
#
# * ``WAYBACK_CDX_DELAY`` [1.25]: seconds between two CDX requests (0.8 requests/s).
# * ``WAYBACK_CDX_CONCURRENCY`` [1]: CDX requests in flight at once.
# * ``WAYBACK_CAPTURE_DELAY`` [0.125]: seconds between two capture (``/web/``) requests (8/s).
# * ``WAYBACK_CAPTURE_CONCURRENCY`` [4]: capture requests in flight at once.
# * ``WAYBACK_RETRY_AFTER_DEFAULT`` [60]: seconds to wait after a 429 without a usable
#   ``Retry-After`` header.
# * ``WAYBACK_RETRY_AFTER_MAX`` [600]: longest wait honoured (a longer ``Retry-After`` is cut
#   to this, with a warning).
# * ``WAYBACK_429_RETRIES`` [3]: how many times one request is retried after a 429.
#
# Both slots have no jitter (Scrapy's default ±50 % would let a 1.25 s delay drop to 0.63 s)
# and every Wayback request carries ``autothrottle_dont_adjust_delay`` (AutoThrottle would
# otherwise pull the delays down to ``DOWNLOAD_DELAY``).

RETRY_AFTER_DEFAULT = 60.0
RETRY_AFTER_MAX = 600.0
RETRIES_429 = 3
CDX_CONCURRENCY = 1
CAPTURE_CONCURRENCY = 4
#: priority of :class:`WaybackRetryAfterMiddleware` in ``DOWNLOADER_MIDDLEWARES``: above
#: RetryMiddleware (550), so a 429 reaches it first
RETRY_AFTER_PRIORITY = 560
RETRY_AFTER_MIDDLEWARE = "crawler.wayback.WaybackRetryAfterMiddleware"
META_PAUSED = "wayback_paused"  #: seconds a request waited for a Retry-After pause


def slot_for(url: str) -> str | None:
    """The download slot of a Wayback URL: :data:`CDX_SLOT` for CDX queries,
    :data:`CAPTURE_SLOT` for everything else on the archive host; None for other hosts."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() != WAYBACK_HOST:
        return None
    return CDX_SLOT if parts.path.startswith("/cdx/") else CAPTURE_SLOT


def request_meta(url: str) -> dict[str, Any]:
    """``Request.meta`` entries for a Wayback request: its download slot and no AutoThrottle
    adjustment. Empty for URLs that are not on the archive host."""
    slot = slot_for(url)
    if slot is None:
        return {}
    return {"download_slot": slot, "autothrottle_dont_adjust_delay": True}


def download_slots(settings: Any) -> dict[str, dict[str, float | int]]:
    """``DOWNLOAD_SLOTS`` entries for the two Wayback slots, from the ``WAYBACK_*`` settings
    (``settings``: a Scrapy ``BaseSettings``)."""
    return {
        CDX_SLOT: {
            "delay": settings.getfloat("WAYBACK_CDX_DELAY", CDX_DELAY),
            "concurrency": settings.getint("WAYBACK_CDX_CONCURRENCY", CDX_CONCURRENCY),
            "jitter": 0.0,
        },
        CAPTURE_SLOT: {
            "delay": settings.getfloat("WAYBACK_CAPTURE_DELAY", CAPTURE_DELAY),
            "concurrency": settings.getint("WAYBACK_CAPTURE_CONCURRENCY", CAPTURE_CONCURRENCY),
            "jitter": 0.0,
        },
    }


def configure_settings(settings: Any) -> None:
    """Give a crawl the Wayback slots and the Retry-After middleware. Call it from a spider's
    ``update_settings`` (after ``super().update_settings``): the settings then already hold
    the command line's ``-s`` values. Slots given in ``DOWNLOAD_SLOTS`` by the user win."""
    from scrapy.settings import SETTINGS_PRIORITIES

    slots = download_slots(settings)
    slots.update(settings.getdict("DOWNLOAD_SLOTS"))
    settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
    # Set at (at least) spider priority: ``scrapy crawl`` re-applies the project settings to
    # the crawler after update_settings, which would drop a project-priority change.
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares.setdefault(RETRY_AFTER_MIDDLEWARE, RETRY_AFTER_PRIORITY)
    priority = max(settings.getpriority("DOWNLOADER_MIDDLEWARES") or 0,
                   SETTINGS_PRIORITIES["spider"])
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority=priority)


def retry_after_seconds(value: str | bytes | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP date; None when
    absent or unreadable. Never negative."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class WaybackRetryAfterMiddleware:
    """Downloader middleware: on a 429 (or a 503 with ``Retry-After``) from the Wayback
    Machine, pause that response's download slot for the time the server asks (or
    ``WAYBACK_RETRY_AFTER_DEFAULT`` seconds), then retry the request, up to
    ``WAYBACK_429_RETRIES`` times.

    Scrapy's RetryMiddleware retries 429 at once and ignores ``Retry-After``; this middleware
    sits above it (:data:`RETRY_AFTER_PRIORITY`) and answers first. The pause holds every
    request of the slot in ``process_request`` until it ends, so the other slot (captures
    when the CDX is limited, and vice versa) keeps working. A request that ran out of retries
    is passed on with ``dont_retry`` so RetryMiddleware does not hammer the server again.
    Stats: ``wayback/429``, ``wayback/paused_seconds``.
    """

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.default_wait = settings.getfloat("WAYBACK_RETRY_AFTER_DEFAULT", RETRY_AFTER_DEFAULT)
        self.max_wait = settings.getfloat("WAYBACK_RETRY_AFTER_MAX", RETRY_AFTER_MAX)
        self.max_retries = settings.getint("WAYBACK_429_RETRIES", RETRIES_429)
        #: slot key -> time.monotonic() at which requests may go again
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> WaybackRetryAfterMiddleware:
        return cls(crawler)

    @staticmethod
    def _slot_key(request: Any) -> str | None:
        """The request's download slot if it goes to the archive, else None (other hosts are
        left alone, even though the downloader gives every request a ``download_slot``)."""
        default = slot_for(request.url)
        if default is None:
            return None
        return request.meta.get("download_slot") or default

    async def process_request(self, request: Any) -> None:
        key = self._slot_key(request)
        if key is None:
            return None
        from scrapy.utils.asyncio import sleep

        waited = 0.0
        while (wait := self.paused_until.get(key, 0.0) - time.monotonic()) > 0:
            await sleep(wait)
            waited += wait
        if waited:
            request.meta[META_PAUSED] = round(waited, 3)
        return None

    def process_response(self, request: Any, response: Any) -> Any:
        header = response.headers.get(b"Retry-After")
        if response.status != 429 and not (response.status == 503 and header):
            return response
        key = self._slot_key(request)
        if key is None:
            return response
        from scrapy.downloadermiddlewares.retry import get_retry_request

        wait = retry_after_seconds(header)
        if wait is None:
            wait = self.default_wait
        if wait > self.max_wait:
            logger.warning("Retry-After %.0f s from %s cut to %.0f s", wait, request.url,
                           self.max_wait)
            wait = self.max_wait
        until = time.monotonic() + wait
        self.paused_until[key] = max(self.paused_until.get(key, 0.0), until)
        if self.stats is not None:
            self.stats.inc_value("wayback/429")
            self.stats.inc_value("wayback/paused_seconds", wait)
        logger.info("%d from %s: pausing slot %s for %.1f s", response.status, request.url,
                    key, wait)
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=f"wayback_{response.status}",
            max_retry_times=self.max_retries,
        )
        if retry is None:
            request.meta["dont_retry"] = True
            return response
        return retry
