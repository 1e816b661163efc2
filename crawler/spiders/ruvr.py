"""``scrapy crawl ruvr``: Voice of Russia's Japanese service (ロシアの声, ``japanese.ruvr.ru``,
2011–2014), read from the Wayback Machine because the host is gone.

How it works:

1. **Discovery** through the Wayback CDX API (``/cdx/search/cdx``, JSON output), by default
   one prefix query for the whole host over the site's life::

       url=japanese.ruvr.ru/ matchType=prefix from=2011 to=2014 output=json
       filter=statuscode:200 filter=mimetype:text/html collapse=urlkey
       showResumeKey=true limit=5000

   followed page after page with ``resumeKey=`` while the answer ends with a resume key.
   Rows are checked again on our side (the filters are not trusted; user-given queries may
   have none): ``warc/revisit`` rows (status ``-``), non-200 rows, non-HTML rows, rows whose
   ``original`` is not an article URL (:data:`ARTICLE_URL`: ``/YYYY_MM_DD/<id>/`` of
   2012–2014 and ``/YYYY/MM/DD/<id>.html`` of 2011) and second rows of the same URL
   (``urlkey``) are skipped and counted in the stats (``ruvr/cdx_skipped/<reason>``).
2. **Captures** are fetched raw with the ``id_`` form
   (``https://web.archive.org/web/<timestamp>id_/<original>``): the archived bytes without
   the Wayback toolbar or link rewriting. Redirects are followed: the archive's redirect to
   the nearest capture and historical redirects (archived 3xx, replayed as real 3xx). Every
   exchange, redirects included, is archived to WARC under its archive URL by the capture
   middleware.
3. Each capture becomes a page item whose ``meta`` (the ``meta`` of the articles.jsonl row)
   says what it is: ``original_url`` (the URL the page was published under, ``:80``
   removed), ``capture_timestamp`` (14 digits, UTC), ``capture_time`` (ISO 8601),
   ``archive_url`` (what was fetched), and when redirects were followed ``redirected_from``
   (the archive URLs before the final one) and ``historical_redirects`` (original URLs that
   answered with a redirect at crawl time). The site rules (:mod:`sites.ruvr`) give the
   article the original URL as ``canonical_url``; ``url`` stays the archive URL.

Arguments (``-a name=value``):

* ``urls``: instead of the default query: original URLs of dead pages (fetched as
  ``<from or 2>id_/<url>``, i.e. the capture nearest ``from``, or the earliest one), Wayback
  capture URLs (any mode; fetched in ``id_`` mode) and CDX query URLs (``output=json`` is
  added when missing); ``a,b`` or a file with one per line. Commas inside a URL (``fl=a,b``)
  are kept.
* ``from`` / ``to`` [``2011`` / ``2014``]: capture time range, 1–14 digit Wayback timestamps
  (``20131101``).
* ``prefix`` [``japanese.ruvr.ru/``]: URL prefix of the CDX query, e.g.
  ``japanese.ruvr.ru/2013_11_`` for November 2013 (a scheme is dropped).
* ``cdx_limit`` [5000]: rows per CDX page.
* ``max_pages``, ``match``: see :mod:`crawler.spiders.base`.

Rate limits: CDX queries and captures go through two download slots configured from the
``WAYBACK_*`` settings (CDX 0.8 requests/s = 1.25 s apart, captures 8/s = 0.125 s apart; a
429 pauses the slot for its ``Retry-After``): see :mod:`crawler.wayback`. Tests override the
delays with ``-s WAYBACK_CDX_DELAY=0 -s WAYBACK_CAPTURE_DELAY=0``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.spiders.args import SpiderArgumentError, int_arg, url_list
from crawler.spiders.base import ArchiveSpider
from crawler.wayback import configure_settings, request_meta
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
