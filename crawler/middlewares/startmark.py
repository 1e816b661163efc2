"""Spider middleware: mark the requests a spider's ``start()`` yields.

A start URL that cannot be fetched (a typo that still parses, a moved listing, a dead feed)
makes a scheduled run *degraded* rather than silently empty, so the run report
(:mod:`crawler.extensions.runreport`) needs to know which requests were start requests: they
carry ``request.meta["start_request"] = True`` (kept across redirects and retries, which
copy the meta).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request

from crawler.extensions.runreport import META_START


class StartMarkMiddleware:
    """Sets ``start_request`` in the meta of every start request."""

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item_or_request in start:
            if isinstance(item_or_request, Request):
                item_or_request.meta.setdefault(META_START, True)
            yield item_or_request
