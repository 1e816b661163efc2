"""Binary bodies labelled as text, and empty bodies (downloader middleware, 580).

After decompression (590):

* a body labelled as text (``text/html``...) that is binary (NUL bytes or mostly control
  characters, and not UTF-16/32) becomes a plain, non-text response, so spiders archive it but
  never parse or extract it (``fault/binary_as_text``);
* an empty ``200`` body is counted (``fault/empty_body``).

Which fault is handled where: docs/reliability.md.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

logger = logging.getLogger(__name__)

#: bytes looked at to decide whether a body labelled as text is binary
SNIFF_BYTES = 8192
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x0b\x1b")
#: control bytes that do not occur in text (deleted by bytes.translate to count them fast)
_BINARY_CONTROLS = bytes(b for b in [*range(0x20), 0x7F] if b not in _TEXT_CONTROLS)


def looks_binary(body: bytes, encoding: str | None = None) -> bool:
    """Is ``body`` binary data rather than text? NUL bytes or > 10 % control characters in
    the first :data:`SNIFF_BYTES` (UTF-16/32 text, which has NULs, is text)."""
    head = body[:SNIFF_BYTES]
    if not head:
        return False
    enc = (encoding or "").lower().replace("_", "-")
    if "16" in enc or "32" in enc or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _BINARY_CONTROLS))
    return controls > len(head) // 10


def _stat(crawler: Crawler, key: str, count: int = 1) -> None:
    if crawler.stats is not None:
        crawler.stats.inc_value(key, count)



class ContentCheckMiddleware:
    """Binary bodies labelled as text, empty bodies; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentCheckMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.method == "HEAD":
            return response
        if response.status == 200 and not response.body:
            _stat(self.crawler, "fault/empty_body")
            logger.info("empty body: %s (archived; nothing to extract)", response.url)
            return response
        if isinstance(response, TextResponse):
            declared = response.headers.get(b"Content-Type", b"").decode("latin-1")
            if looks_binary(response.body, _charset(declared)):
                _stat(self.crawler, "fault/binary_as_text")
                logger.warning("binary body labelled %r: %s (archived; not parsed or "
                               "extracted)", declared or "text", response.url)
                return Response(
                    response.url, status=response.status, headers=response.headers,
                    body=response.body, flags=[*response.flags, "binary-body"],
                    request=response.request, certificate=response.certificate,
                    ip_address=response.ip_address, protocol=response.protocol)
        return response


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'")
    return None
