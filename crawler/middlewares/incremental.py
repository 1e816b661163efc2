"""Downloader middleware: fetch only what is new, and finish what a dead crawl left.

Works from the output root's crawl state (:mod:`archive.store.state`). For each GET request, by the
state of its URL:

* never fetched into this root: fetched as usual;
* an **article** already archived (its text was written): not fetched again until
  ``INCREMENTAL_RECHECK_DAYS`` have passed since its last fetch; then fetched conditionally
  (``If-None-Match`` / ``If-Modified-Since`` from the stored validators). The capture
  middleware turns a ``304`` into a ``server-not-modified`` revisit record and an unchanged
  payload into an ``identical-payload-digest`` revisit; neither writes text. A changed article
  is archived in full and gets a new text version;
* a **page requisite** (``request.meta["requisite"]``, see :mod:`pipelines.crawl.requisitefetch`)
  already archived: the same as an article (skipped within ``INCREMENTAL_RECHECK_DAYS``, then
  re-checked conditionally), so a stylesheet shared by many pages is fetched once per window;
* archived by a crawl that **died** before the pipelines processed the page, or whose text
  could not be written (a read-only folder, an I/O error: see :mod:`crawler.middlewares.redo`,
  which asks for those pages at the start of the next crawl): served from the WARC record
  (flag ``resumed``, not archived again), so the spider and the pipelines finish it without
  fetching it twice;
* anything else (listing pages, feeds, sitemaps, robots.txt, errors): always fetched.

Position 920: before the capture middleware (950), so the request record shows the
conditional headers actually sent.

Settings: ``INCREMENTAL_ENABLED`` [True], ``INCREMENTAL_RECHECK_DAYS`` [7; 0 = always re-check
conditionally; a negative value = never re-fetch archived articles].
Stats: ``incremental/skipped``, ``incremental/conditional``, ``incremental/resumed``.
A skipped request fails with :class:`AlreadyArchived` (an ``IgnoreRequest``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from archive.store.state import UrlState
from archive.warc.inputs import find_warc
from archive.warc.reader import record_at
from crawler.outputs import CrawlOutputs
from crawler.responses import response_from_record
from pipelines.extract.requisites import META_REQUISITE

logger = logging.getLogger(__name__)

#: request.meta key: the stored state of the URL (dict) when the request is a re-check
META_PREVIOUS = "incremental_previous"
#: ``processed`` of a page whose outputs could not be written, and of the further pages of
#: its article (archive.store.state.CrawlState.mark_output_failed)
TO_REDO = (2, 3)
#: request.meta key: set to False to always fetch a request unconditionally
META_ENABLED = "incremental"


class AlreadyArchived(IgnoreRequest):
    """A request not sent: its URL was archived within ``INCREMENTAL_RECHECK_DAYS``."""


class IncrementalMiddleware:
    """Skip, re-check or resume requests by the crawl state; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("INCREMENTAL_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.outputs = CrawlOutputs.from_crawler(crawler)
        if not self.outputs.state_enabled:
            raise NotConfigured("STATE_ENABLED is off")
        self.recheck = settings.getfloat("INCREMENTAL_RECHECK_DAYS", 7.0) * 86400
        self._dead_runs: set[int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler)

    def dead_runs(self) -> set[int]:
        if self._dead_runs is None:
            state = self.outputs.state
            current = self.outputs.run_id
            self._dead_runs = {r for r in state.unfinished_runs() if r != current} if state \
                else set()
        return self._dead_runs

    def process_request(self, request: Request) -> Response | None:
        state = self.outputs.state
        if state is None or request.method != "GET" or request.meta.get(META_ENABLED) is False:
            return None
        if request.url.endswith("/robots.txt"):
            return None
        row = state.get(request.url)
        if row is None or row.status != 200:
            return None
        stats = self.crawler.stats
        if row.html and (row.processed in TO_REDO
                         or (not row.processed and row.run_id in self.dead_runs())):
            response = self._from_archive(request, row)
            if response is not None:
                stats.inc_value("incremental/resumed")
                logger.info("resumed from the archive (%s): %s", "its text could not be "
                            "written" if row.processed else "left unprocessed by a dead crawl",
                            request.url)
                return response
        if not (row.is_article or request.meta.get(META_REQUISITE)):
            return None
        if self.recheck < 0 or time.time() - row.last_fetch < self.recheck:
            stats.inc_value("incremental/skipped")
            raise AlreadyArchived(f"already archived: {request.url}")
        if row.etag:
            request.headers[b"If-None-Match"] = row.etag
        if row.last_modified:
            request.headers[b"If-Modified-Since"] = row.last_modified
        request.meta[META_PREVIOUS] = _previous(row)
        stats.inc_value("incremental/conditional")
        return None

    def _from_archive(self, request: Request, row: UrlState) -> Response | None:
        pointer = row.pointer()
        if pointer is None:
            return None
        try:
            path = find_warc(self.outputs.root, pointer["filename"])
            with record_at(path, pointer["offset"]) as record:
                response = response_from_record(record, url=request.url)
        except (OSError, ValueError) as exc:
            logger.warning("cannot resume %s from %s: %s; fetching it", request.url,
                           pointer["filename"], exc)
            return None
        if response is None:
            return None
        request.meta["warc"] = pointer
        return response.replace(flags=[*response.flags, "resumed"])


def _previous(row: UrlState) -> dict[str, Any]:
    return {
        "record_id": row.record_id,
        "warc_date": row.warc_date,
        "payload_digest": row.payload_digest,
        "text_digest": row.text_digest,
        "text_path": row.text_path,
        "version": row.version,
        "pointer": row.pointer(),
    }
