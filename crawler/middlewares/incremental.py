"""Downloader middleware: fetch only what is new, and finish what a dead crawl left.

More: docs/modules.md, ``crawler/middlewares/incremental.py``.
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
