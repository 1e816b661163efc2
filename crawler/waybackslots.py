"""The crawl's side of the Wayback Machine: its rate limits as download slots.

The service asks clients to respect (as used by EDGI's client, at 80 % of the hard limits):
CDX 0.8 requests/s, captures 8 requests/s; on 429 without Retry-After wait 60 s. Spiders give
``web.archive.org`` CDX and capture requests their own download slots: :func:`request_meta`
(slot + no AutoThrottle for one request), :func:`configure_settings` (the two slots in
``DOWNLOAD_SLOTS`` from the ``WAYBACK_*`` settings; with them the Retry-After middleware,
:mod:`crawler.middlewares.retryafter`, applies the Wayback limits to these slots). URL forms
and the CDX API: :mod:`sites.wayback`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sites.wayback import CAPTURE_DELAY, CAPTURE_SLOT, CDX_DELAY, CDX_SLOT, WAYBACK_HOST

# -- rate limits: download slots and Retry-After ----------------------------------------------
#
# Settings (all optional; ``-s NAME=value`` overrides them, tests set the delays to 0):
#
# * ``WAYBACK_CDX_DELAY`` [1.25]: seconds between two CDX requests (0.8 requests/s).
# * ``WAYBACK_CDX_CONCURRENCY`` [1]: CDX requests in flight at once.
# * ``WAYBACK_CAPTURE_DELAY`` [0.125]: seconds between two capture (``/web/``) requests (8/s).
# * ``WAYBACK_CAPTURE_CONCURRENCY`` [4]: capture requests in flight at once.
# * ``WAYBACK_RETRY_AFTER_DEFAULT`` [60], ``WAYBACK_RETRY_AFTER_MAX`` [600],
#   ``WAYBACK_429_RETRIES`` [3]: the Retry-After policy of these slots
#   (:meth:`crawler.middlewares.retryafter.RetryAfterPolicy.wayback`).
#
# Both slots have no jitter (Scrapy's default ±50 % would let a 1.25 s delay drop to 0.63 s)
# and every Wayback request carries ``autothrottle_dont_adjust_delay`` (AutoThrottle would
# otherwise pull the delays down to ``DOWNLOAD_DELAY``).

CDX_CONCURRENCY = 1
CAPTURE_CONCURRENCY = 4
#: the Retry-After middleware and its priority in ``DOWNLOADER_MIDDLEWARES`` (the project's
#: settings list it already; :func:`configure_settings` adds it where they are not used):
#: above RetryMiddleware (550), so a 429 reaches it first
RETRY_AFTER_MIDDLEWARE = "crawler.middlewares.retryafter.RetryAfterMiddleware"
RETRY_AFTER_PRIORITY = 555
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


def uses_wayback_slots(settings: Any) -> bool:
    """Does the crawl have the Wayback download slots (:func:`configure_settings`)?"""
    slots = settings.getdict("DOWNLOAD_SLOTS")
    return CDX_SLOT in slots or CAPTURE_SLOT in slots


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
