"""``scrapy crawl ruvr``: Voice of Russia's Japanese service (ロシアの声, ``japanese.ruvr.ru``,
2011–2014), read from the Wayback Machine because the host is gone.

Discovery through the CDX API (one prefix query by default, followed with resume keys; rows
checked again on our side and skipped rows counted in ``ruvr/cdx_skipped/<reason>``), then
raw ``id_`` captures with their redirects followed; each row's ``meta`` holds the original URL
and the capture time. Arguments: ``urls`` (original URLs, capture URLs or CDX queries),
``from`` / ``to`` [2011 / 2014], ``prefix`` [``japanese.ruvr.ru/``], ``cdx_limit`` [5000],
plus ``max_pages`` and ``match``. CDX queries and captures use two download slots at the
archive's published rate limits (``WAYBACK_*`` settings, :mod:`crawler.waybackslots`).

The CDX rules (default query, row checks, article URLs) are :mod:`sites.ruvr`'s; the full
reference is docs/sources.md ("ruvr").
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.spiders.args import SpiderArgumentError, int_arg, url_list
from crawler.spiders.base import ArchiveSpider
from crawler.waybackslots import configure_settings, request_meta
from sites import wayback
from sites.ruvr import (
    CDX_PAGE_SIZE,
    DEFAULT_PREFIX,
    SCHEME,
    TIMESTAMP,
    default_cdx_query,
    historical_redirects,
    skip_reason,
    split_urls,
    url_key,
    with_json_output,
)

logger = logging.getLogger(__name__)


class RuvrSpider(ArchiveSpider):
    """japanese.ruvr.ru through the Wayback Machine; see the module docstring."""

    name = "ruvr"
    site = "ruvr"
    extra_arguments = ("from", "to")

    def __init__(
        self,
        *args: Any,
        urls: str | None = None,
        prefix: str | None = None,
        cdx_limit: str | int | None = None,
        **kwargs: Any,
    ) -> None:
        date_from = kwargs.pop("from", None)
        date_to = kwargs.pop("to", None)
        super().__init__(*args, **kwargs)
        self.start_urls_arg = url_list(urls, "urls", split=split_urls)
        for label, value in (("from", date_from), ("to", date_to)):
            if value not in (None, "") and not TIMESTAMP.match(str(value)):
                raise SpiderArgumentError(
                    f"{label} must be a 1-14 digit timestamp, not {value!r}")
        self.date_from = str(date_from) if date_from else None
        self.date_to = str(date_to) if date_to else None
        self.prefix = SCHEME.sub("", prefix) if prefix else DEFAULT_PREFIX
        self.cdx_limit = int_arg(cdx_limit, "cdx_limit", CDX_PAGE_SIZE, minimum=1)
        self.seen_keys: set[str] = set()

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Spider settings, then the Wayback slots and Retry-After middleware (which read the
        ``WAYBACK_*`` settings, command-line values included)."""
        super().update_settings(settings)
        configure_settings(settings)

    # -- requests --------------------------------------------------------------------------

    def default_query(self) -> str:
        """The CDX query used when no ``urls`` are given."""
        return default_cdx_query(self.prefix, self.date_from, self.date_to, self.cdx_limit)

    def cdx_request(self, url: str, query: str | None = None) -> scrapy.Request:
        """A CDX page request; ``query`` is the query without resume key (for the next page)."""
        meta = {**request_meta(url), "cdx_query": query or url}
        return scrapy.Request(url, callback=self.parse_cdx, meta=meta)

    def capture_request(self, url: str, cdx_row: dict[str, str] | None = None) -> scrapy.Request:
        """A raw capture request in the capture slot."""
        meta: dict[str, Any] = request_meta(url)
        if cdx_row is not None:
            meta["cdx_row"] = cdx_row
        return scrapy.Request(url, callback=self.parse_capture, meta=meta)

    def start_request_for(self, url: str) -> scrapy.Request:
        """The first request for one ``-a urls`` entry."""
        if wayback.is_cdx_url(url):
            return self.cdx_request(with_json_output(url))
        if wayback.parse_wayback_url(url) is not None:
            return self.capture_request(wayback.raw_mode_url(url))
        original = wayback.normalise_original(url)
        return self.capture_request(wayback.raw_capture_url(original, self.date_from or "2"))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        slots = self.settings.getdict("DOWNLOAD_SLOTS")
        logger.info(
            "wayback slots: cdx %s, captures %s",
            slots.get(wayback.CDX_SLOT), slots.get(wayback.CAPTURE_SLOT),
        )
        if not self.start_urls_arg:
            yield self.cdx_request(self.default_query())
            return
        for url in self.start_urls_arg:
            yield self.start_request_for(url)

    # -- callbacks -------------------------------------------------------------------------

    def _stat(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)

    def parse_cdx(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """One page of CDX rows: capture requests for new article rows, then the next page."""
        self._stat("ruvr/cdx_pages")
        try:
            rows, resume = wayback.parse_cdx_json(response.body)
        except ValueError as exc:
            logger.warning("not a CDX JSON answer (%s): %s", exc, response.url)
            self._stat("ruvr/cdx_errors")
            return
        self._stat("ruvr/cdx_rows", len(rows))
        for row in rows:
            reason = skip_reason(row)
            if reason is None and url_key(row) in self.seen_keys:
                reason = "duplicate"
            if reason is not None:
                self._stat(f"ruvr/cdx_skipped/{reason}")
                continue
            self.seen_keys.add(url_key(row))
            original = wayback.normalise_original(row["original"])
            self._stat("ruvr/captures_requested")
            yield self.capture_request(
                wayback.raw_capture_url(original, row["timestamp"]), cdx_row=row
            )
        if resume:
            query = response.meta.get("cdx_query") or response.url
            yield self.cdx_request(wayback.with_resume_key(query, resume), query)

    def capture_meta(self, response: Response) -> dict[str, Any] | None:
        """The row ``meta`` of a capture response (None if the response left the archive)."""
        capture = wayback.parse_wayback_url(response.url)
        if capture is None:
            return None
        meta: dict[str, Any] = {
            "original_url": wayback.normalise_original(capture.original),
            "capture_timestamp": capture.timestamp,
            "capture_time": wayback.capture_time(capture.timestamp),
            "archive_url": response.url,
        }
        chain = list(response.meta.get("redirect_urls") or [])
        if chain:
            meta["redirected_from"] = chain
            historical = historical_redirects(chain, response.url)
            if historical:
                meta["historical_redirects"] = historical
        row = response.meta.get("cdx_row")
        if row and row.get("digest"):
            meta["cdx_digest"] = row["digest"]
        return meta

    def parse_capture(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A raw capture: a page item with the capture facts in its meta."""
        meta = self.capture_meta(response)
        if meta is None:
            logger.warning("redirected out of the archive: %s", response.url)
            self._stat("ruvr/left_archive")
            return
        item = self.page_item(response, **meta)
        if item is not None:
            self._stat("ruvr/captures_parsed")
            yield item

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Default callback (not used by this spider's own requests)."""
        yield from self.parse_capture(response)
