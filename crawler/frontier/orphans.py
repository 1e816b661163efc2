"""Downloader middleware: process the capture a dead worker archived but never processed.

When a worker dies after archiving a page but before its pipelines wrote the text, the lease
of that request expires and another worker fetches the page again. The payload is the same,
so the capture middleware writes an ``identical-payload-digest`` revisit to the dead worker's
record, and a revisit is neither extracted nor written as text: the article would be missing.

More: docs/modules.md, ``crawler/frontier/orphans.py``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.outputs import CrawlOutputs

logger = logging.getLogger(__name__)

#: request.meta key of the capture middleware's record pointer
META_POINTER = "warc"


def unprocessed_original(state: Any, url: str, run_id: int | None) -> dict[str, Any] | None:
    """The pointer of ``url``'s latest full capture if a run that died (not ``run_id``)
    archived it and nobody processed it; else None."""
    if state is None:
        return None
    row = state.get(url)
    if row is None or not row.html or row.processed or row.status != 200 \
            or row.run_id is None or row.run_id == run_id:
        return None
    if row.run_id not in state.unfinished_runs():
        return None
    return row.pointer()


class UnprocessedOriginalMiddleware:
    """See the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.outputs = CrawlOutputs.from_crawler(crawler)
        if not self.outputs.state_enabled:
            raise NotConfigured("STATE_ENABLED is off")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnprocessedOriginalMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        pointer = request.meta.get(META_POINTER)
        if not pointer or pointer.get("warc_type") != "revisit":
            return response
        original = unprocessed_original(self.outputs.state, response.url,
                                        self.outputs.run_id)
        if original is None:
            return response
        request.meta[META_POINTER] = original
        self.stats.inc_value("frontier/resumed_from_revisit")
        logger.info("processing %s from %s on %s (archived by a worker that died before "
                    "processing it)", response.url, original["filename"], original.get("host"))
        return response
