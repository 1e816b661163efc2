"""Scrapy's HttpCompressionMiddleware, with undecodable bodies counted instead of crashing.

More: docs/modules.md, ``crawler/middlewares/compression.py``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

logger = logging.getLogger(__name__)


class SafeHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Decode Content-Encoding; count bombs and undecodable bodies (see module docstring)."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest:
            if self.stats is not None:
                self.stats.inc_value("fault/decompression_limit")
            raise
        except Exception as exc:  # noqa: BLE001 - zlib, OSError, brotli, zstd... all alike
            if self.stats is not None:
                self.stats.inc_value("fault/bad_encoding")
            encoding = b",".join(response.headers.getlist("Content-Encoding")).decode(
                "latin-1", "replace")
            logger.warning("cannot decode the %s body of %s (%s: %s); archived as received, "
                           "not processed", encoding, response.url, type(exc).__name__,
                           str(exc).splitlines()[0] if str(exc) else "")
            raise IgnoreRequest(f"undecodable {encoding} body: {response.url}") from exc
