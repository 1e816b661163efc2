"""WARC response record -> the Scrapy response the spider saw, by Scrapy's own code.

More: docs/modules.md, ``crawler/responses.py``.
"""

from __future__ import annotations

import io
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import (
    HttpCompressionMiddleware,
    _DecompressionMaxSizeExceeded,
)
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from warcio.bufferedreaders import ChunkedDataReader

MAX_BODY = 64 * 1024 * 1024
#: response flag: the body was stored decoded under a Content-Encoding it does not have
STORED_DECODED = "stored-decoded"


class _Decompressor(HttpCompressionMiddleware):
    """Scrapy's middleware, usable outside a running crawl (no stats, fixed size limit)."""

    def __init__(self, max_size: int = MAX_BODY) -> None:  # noqa: D107 - no super(): no crawler
        self.stats = None
        self._max_size = max_size
        self._warn_size = max_size


_DECOMPRESSOR = _Decompressor()


def dechunk(body: bytes) -> bytes:
    """Remove HTTP/1.1 chunk framing; a malformed framing returns the body unchanged."""
    try:
        reader = ChunkedDataReader(io.BytesIO(body), decomp_type=None)
        out = reader.read()
    except Exception:  # noqa: BLE001 - warcio raises several types on bad framing
        return body
    return out if reader.all_chunks_read or out else body


#: how data in an encoding begins, for the encodings that have a magic number
_MAGIC = {b"gzip": b"\x1f\x8b", b"x-gzip": b"\x1f\x8b", b"zstd": b"\x28\xb5\x2f\xfd"}


def stored_decoded(headers: Headers, body: bytes) -> bool:
    """Whether ``body`` was stored already decoded although ``headers`` declare a
    Content-Encoding (see the module docstring): it does not decode by that encoding, and it
    does not begin with the encoding's magic number."""
    to_decode, _keep = HttpCompressionMiddleware._split_encodings(
        headers.getlist(b"Content-Encoding"))
    if not to_decode or not body:
        return False
    magic = _MAGIC.get(to_decode[0])
    if magic is not None and body.startswith(magic):
        return False  # encoded (maybe damaged): not a decoded body
    try:
        for encoding in to_decode:
            body = HttpCompressionMiddleware._decode(body, encoding, MAX_BODY)
    except _DecompressionMaxSizeExceeded:
        return False
    except Exception:  # noqa: BLE001 - zlib, OSError, brotli, zstd: it does not decode
        return True
    return False


def build_response(
    url: str,
    status: int,
    headers: list[tuple[str, str]] | Headers,
    body: bytes,
    *,
    request: Request | None = None,
    flags: list[str] | None = None,
    protocol: str | None = None,
) -> Response:
    """A Scrapy response as the spider would have received it (see the module docstring)."""
    hdrs = headers if isinstance(headers, Headers) else Headers()
    if not isinstance(headers, Headers):
        for name, value in headers:
            hdrs.appendlist(name, value)
    te = (hdrs.get(b"Transfer-Encoding") or b"").lower()
    if b"chunked" in te:
        body = dechunk(body)
        del hdrs[b"Transfer-Encoding"]
    flags = list(flags or [])
    if hdrs.get(b"Content-Encoding") and stored_decoded(hdrs, body):
        del hdrs[b"Content-Encoding"]
        flags.append(STORED_DECODED)
    cls = responsetypes.from_args(headers=hdrs, url=url, body=body)
    response = cls(
        url=url, status=status, headers=hdrs, body=body, flags=flags, protocol=protocol,
    )
    request = request or Request(url)
    if hdrs.get(b"Content-Encoding"):
        response = _DECOMPRESSOR.process_response(request, response)
    return response


def response_from_record(record: Any, url: str | None = None) -> Response | None:
    """Rebuild the response of a warcio ``response`` record (None for other record types)."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    http = record.http_headers
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        return None
    target = url or record.rec_headers.get_header("WARC-Target-URI") or ""
    target = target.strip("<>")
    body = record.raw_stream.read()
    return build_response(
        target, status, list(http.headers), body, flags=["warc-replay"],
        protocol=http.protocol or None,
    )
