"""The Wayback Machine's URL forms and CDX API, shared by every spider that reads web archives.

* Raw capture (the original bytes, no rewriting, no toolbar): ``https://web.archive.org/web/
  <timestamp>id_/<original-url>``. A timestamp with no exact capture redirects to the nearest
  one; historical redirects come back as real 3xx responses in ``id_`` mode.
* CDX API: ``https://web.archive.org/cdx/search/cdx?url=...&output=json`` returns a JSON array
  whose first row names the fields; with ``showResumeKey=true`` the array ends with an empty
  row and a one-element row holding the resume key (pass it back as ``resumeKey``).
* Rate limits the service asks clients to respect (as used by EDGI's client, at 80 % of the
  hard limits): CDX 0.8 requests/s, captures 8 requests/s; on 429 without Retry-After wait
  60 s. Spiders give ``web.archive.org`` CDX and capture requests their own download slots.

For spiders: :func:`request_meta` (slot + no AutoThrottle for one request),
:func:`configure_settings` (the two slots in ``DOWNLOAD_SLOTS`` from the ``WAYBACK_*``
settings, and :class:`WaybackRetryAfterMiddleware`, which honours ``Retry-After`` on 429);
the settings are listed above :func:`slot_for`. URL helpers: :func:`is_cdx_url`,
:func:`raw_mode_url`, :func:`normalise_original`, :func:`capture_time`,
:func:`with_resume_key`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

logger = logging.getLogger(__name__)

WAYBACK_HOST = "web.archive.org"
CDX_ENDPOINT = "https://web.archive.org/cdx/search/cdx"
CDX_SLOT = "web.archive.org/cdx"
CAPTURE_SLOT = "web.archive.org/web"
CDX_DELAY = 1.25  # seconds between CDX requests (0.8/s)
CAPTURE_DELAY = 0.125  # seconds between capture requests (8/s)

_WAYBACK_URL = re.compile(
    r"^https?://web\.archive\.org/web/(?P<ts>\d{1,14})(?P<mode>[a-z]{2}_)?/(?P<orig>.+)$"
)


@dataclass(frozen=True)
class Capture:
    """A parsed Wayback URL."""

    timestamp: str
    mode: str  #: ``id_``, ``js_``... or '' for the rewritten view
    original: str


def parse_wayback_url(url: str) -> Capture | None:
    """Split a ``web.archive.org/web/<ts><mode>/<orig>`` URL; None for anything else."""
    m = _WAYBACK_URL.match(url)
    if not m:
        return None
    orig = m["orig"]
    if not re.match(r"^[a-z][a-z0-9+.-]*:", orig, re.I):
        orig = "http://" + orig
    # the archive collapses "//" after the scheme when links are rewritten
    orig = re.sub(r"^(https?):/(?!/)", r"\1://", orig)
    return Capture(m["ts"], m["mode"] or "", orig)


def original_url(url: str) -> str:
    """The original URL behind a Wayback URL, or ``url`` itself."""
    capture = parse_wayback_url(url)
    return capture.original if capture else url


def raw_capture_url(original: str, timestamp: str = "2") -> str:
    """The ``id_`` URL of the capture nearest ``timestamp`` (``2`` = the earliest after 2000)."""
    return f"https://{WAYBACK_HOST}/web/{timestamp}id_/{original}"


def cdx_query_url(url: str, **params: str | int | list[str]) -> str:
    """A CDX API query URL. ``params`` may repeat keys through lists (``filter=[...]``)."""
    query: list[tuple[str, str]] = [("url", url), ("output", "json")]
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        query.extend((key, str(v)) for v in values)
    return CDX_ENDPOINT + "?" + urlencode(query)


def parse_cdx_json(body: bytes | str) -> tuple[list[dict[str, str]], str | None]:
    """Rows of a JSON CDX answer as dicts (keyed by the header row) and the resume key, if any.

    Raises ValueError for a body that is not a CDX JSON array.
    """
    data = json.loads(body or "[]")
    if not isinstance(data, list):
        raise ValueError("CDX answer is not a JSON array")
    if not data:
        return [], None
    resume = None
    if len(data) >= 2 and data[-2] == [] and isinstance(data[-1], list) and len(data[-1]) == 1:
        resume = str(data[-1][0])
        data = data[:-2]
    header = [str(h) for h in data[0]]
    rows = [dict(zip(header, map(str, row), strict=False)) for row in data[1:] if row]
    return rows, resume


# -- more URL helpers -------------------------------------------------------------------------

CDX_PATH = "/cdx/search/cdx"
#: fields of a CDX answer when the query gives no ``fl``
CDX_DEFAULT_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest",
                      "length")


def is_cdx_url(url: str) -> bool:
    """Is ``url`` a query of the Wayback CDX API?"""
    parts = urlsplit(url)
    return (parts.hostname or "").lower() == WAYBACK_HOST and parts.path.rstrip("/") == CDX_PATH


def normalise_original(url: str) -> str:
    """An original URL as the archive lists it, made comparable: lower-case scheme and host,
    no default port (the CDX often lists ``http://host:80/...``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host
    if port and port != {"http": 80, "https": 443}.get(parts.scheme.lower()):
        netloc = f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def raw_mode_url(url: str) -> str:
    """A Wayback capture URL in any mode (view, ``js_``...) as its ``id_`` (raw bytes) form;
    anything else unchanged."""
    capture = parse_wayback_url(url)
    if capture is None or capture.mode == "id_":
        return url
    return raw_capture_url(capture.original, capture.timestamp)


def capture_time(timestamp: str) -> str | None:
    """``20131103012345`` -> ``2013-11-03T01:23:45+00:00`` (Wayback timestamps are UTC).
    Shorter timestamps are padded with the earliest values; None if it is not a date."""
    if not re.fullmatch(r"\d{4,14}", timestamp or ""):
        return None
    padded = timestamp.ljust(14, "0")
    if padded[4:6] == "00":
        padded = padded[:4] + "01" + padded[6:]
    if padded[6:8] == "00":
        padded = padded[:6] + "01" + padded[8:]
    try:
        dt = datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return dt.isoformat(timespec="seconds")


def with_resume_key(query_url: str, resume_key: str) -> str:
    """The CDX query ``query_url`` continued from ``resume_key`` (any earlier key replaced)."""
    parts = urlsplit(query_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k != "resumeKey"]
    query.append(("resumeKey", resume_key))
    return urlunsplit(parts._replace(query=urlencode(query)))


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
