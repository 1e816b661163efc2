"""Downloader middleware: honour ``Retry-After`` on 429 and 503 answers (every host, and the
Wayback Machine with its own limits).

More: docs/modules.md, ``crawler/middlewares/retryafter.py``.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached

from crawler.waybackslots import META_PAUSED, slot_for, uses_wayback_slots

logger = logging.getLogger(__name__)

RETRY_AFTER_DEFAULT = 10.0
RETRY_AFTER_MAX = 300.0
WAYBACK_RETRY_AFTER_DEFAULT = 60.0
WAYBACK_RETRY_AFTER_MAX = 600.0
WAYBACK_429_RETRIES = 3


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


@dataclass(frozen=True)
class RetryAfterPolicy:
    """How the 429/503 answers of one group of download slots are paused and retried."""

    stats: str  #: prefix of the stats (``<stats>/gave_up``...)
    default_wait: float  #: seconds paused when the answer has no usable Retry-After
    max_wait: float  #: longest pause; a longer Retry-After is cut to it
    max_setting: str  #: the setting named in the warning when a pause is cut
    #: retries of one request; None: ``max_retry_times`` in meta, else ``RETRY_TIMES``
    max_retries: int | None = None
    #: ``dont_retry`` in meta and ``RETRY_ENABLED = False`` turn the retry off
    obeys_retry_settings: bool = True
    #: the slot is paused even when the request is not retried any more
    pause_when_giving_up: bool = False
    paused_stat: str = "paused"  #: counts the pauses: ``<stats>/<paused_stat>``
    label: str = "{}"  #: how the log names a slot
    reason: str = "{} (Retry-After)"  #: the retry's reason (Scrapy's retry stats), by status
    wait_meta: str | None = None  #: request.meta key recording how long a request waited

    @classmethod
    def hosts(cls, settings: Any) -> RetryAfterPolicy:
        """Every host: ``RETRY_AFTER_DEFAULT``, ``RETRY_AFTER_MAX``, Scrapy's retry settings."""
        return cls("retryafter", settings.getfloat("RETRY_AFTER_DEFAULT", RETRY_AFTER_DEFAULT),
                   settings.getfloat("RETRY_AFTER_MAX", RETRY_AFTER_MAX), "RETRY_AFTER_MAX")

    @classmethod
    def wayback(cls, settings: Any) -> RetryAfterPolicy:
        """The Wayback Machine's slots: the service asks for 60 s after a bare 429; its own
        retry count; the slot stays paused when a request gives up (it is the service's
        limit, not the request's)."""
        return cls(
            "wayback",
            settings.getfloat("WAYBACK_RETRY_AFTER_DEFAULT", WAYBACK_RETRY_AFTER_DEFAULT),
            settings.getfloat("WAYBACK_RETRY_AFTER_MAX", WAYBACK_RETRY_AFTER_MAX),
            "WAYBACK_RETRY_AFTER_MAX",
            max_retries=settings.getint("WAYBACK_429_RETRIES", WAYBACK_429_RETRIES),
            obeys_retry_settings=False, pause_when_giving_up=True, paused_stat="429",
            label="slot {}", reason="wayback_{}", wait_meta=META_PAUSED)


class RetryAfterMiddleware:
    """Pause a slot for its ``Retry-After``, then retry; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.hosts = (RetryAfterPolicy.hosts(settings)
                      if settings.getbool("RETRY_AFTER_ENABLED", True) else None)
        self.wayback = (RetryAfterPolicy.wayback(settings)
                        if uses_wayback_slots(settings) else None)
        if self.hosts is None and self.wayback is None:
            raise NotConfigured("RETRY_AFTER_ENABLED is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_enabled = settings.getbool("RETRY_ENABLED", True)
        #: slot key -> time.monotonic() at which its requests may go again
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    def policy_for(self, request: Request) -> tuple[RetryAfterPolicy, str] | None:
        """The policy of ``request`` and the key of the download slot it pauses, or None."""
        if self.wayback is not None:
            slot = slot_for(request.url)
            if slot is not None:
                return self.wayback, str(request.meta.get("download_slot") or slot)
        if self.hosts is None:
            return None
        key = request.meta.get("download_slot")
        return self.hosts, str(key) if key is not None else (
            urlparse_cached(request).hostname or "")

    async def process_request(self, request: Request) -> None:
        if not self.paused_until:
            return None
        found = self.policy_for(request)
        if found is None:
            return None
        policy, key = found
        waited = 0.0
        while (wait := self.paused_until.get(key, 0.0) - time.monotonic()) > 0:
            await sleep(wait)
            waited += wait
        if waited and policy.wait_meta:
            request.meta[policy.wait_meta] = round(waited, 3)
        return None

    def process_response(self, request: Request, response: Response) -> Any:
        header = response.headers.get(b"Retry-After")
        if response.status != 429 and not (response.status == 503 and header):
            return response
        found = self.policy_for(request)
        if found is None:
            return response
        policy, key = found
        if policy.obeys_retry_settings and (request.meta.get("dont_retry")
                                            or not self.retry_enabled):
            return response
        wait = retry_after_seconds(header)
        if wait is None:
            wait = policy.default_wait
        if wait > policy.max_wait:
            logger.warning("Retry-After %.0f s from %s cut to %.0f s (%s)", wait, request.url,
                           policy.max_wait, policy.max_setting)
            wait = policy.max_wait
        max_retries = policy.max_retries
        if max_retries is None:
            max_retries = request.meta.get("max_retry_times", self.max_retry_times)
        retry = get_retry_request(
            request, spider=self.crawler.spider, reason=policy.reason.format(response.status),
            max_retry_times=max_retries)
        if retry is not None or policy.pause_when_giving_up:
            self._pause(policy, key, wait)
            logger.info("%d from %s: pausing %s for %.1f s (Retry-After: %s), %s",
                        response.status, request.url, policy.label.format(key), wait,
                        header.decode("latin-1") if header else "none",
                        "then retrying" if retry is not None else "not retried any more")
        if retry is None:
            if self.stats is not None:
                self.stats.inc_value(f"{policy.stats}/gave_up")
            request.meta["dont_retry"] = True
            return response
        return retry

    def _pause(self, policy: RetryAfterPolicy, key: str, wait: float) -> None:
        self.paused_until[key] = max(self.paused_until.get(key, 0.0), time.monotonic() + wait)
        if self.stats is not None:
            self.stats.inc_value(f"{policy.stats}/{policy.paused_stat}")
            self.stats.inc_value(f"{policy.stats}/paused_seconds", wait)
