"""Serve every response of a crawl from WARC files: ``scrapy crawl <spider> -s WARC_REPLAY=...``.

The spider runs unchanged; no request reaches the network. Each request is looked up in the
archive (:class:`archive.warc.replayindex.ReplayIndex`: the ``.cdxj`` beside each WARC, SURT
matching as pywb does, revisits resolved) and answered with the archived response.

More: docs/modules.md, ``crawler/middlewares/warcreplay.py``.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from archive.warc.inputs import expand_spec
from archive.warc.replayindex import PICKS, ArchivedResponse, ReplayIndex
from crawler.middlewares.incremental import META_ENABLED as META_INCREMENTAL
from crawler.middlewares.warccapture import META_POINTER
from crawler.responses import STORED_DECODED, dechunk, stored_decoded

logger = logging.getLogger(__name__)

WARC_REPLAY_PRIORITY = 960
REPLAY_FLAG = "warc-replay"
#: request.meta key set on a request the archive could not answer
META_MISS = "warc_replay_miss"

#: headers Twisted's HTTP client parser keeps out of the response headers (its
#: CONNECTION_CONTROL_HEADERS), so a downloaded Scrapy response never has them
_CONNECTION_HEADERS = frozenset({
    b"content-length", b"connection", b"keep-alive", b"te", b"trailers",
    b"transfer-encoding", b"upgrade", b"proxy-connection",
})
#: notes the capture middleware adds for framing headers it could not keep as they were
_CAPTURE_NOTES = frozenset({b"x-crawler-transfer-encoding", b"x-crawler-content-length"})
#: WARC-Truncated -> the response flag the live download had (inverse of warccapture's map)
_TRUNCATED_FLAGS = {"disconnect": "dataloss", "unspecified": "download_stopped"}


def downloaded_response(archived: ArchivedResponse, request: Request) -> Response:
    """The Scrapy response the HTTP/1.1 handler produced for ``archived`` (still encoded)."""
    chunked = False
    recorded_length: bytes | None = None
    declared_length: bytes | None = None  # X-Crawler-Content-Length: what the server said
    kept: list[tuple[bytes, bytes]] = []
    for name, value in archived.headers:
        bname, bvalue = name.encode("latin-1"), value.encode("latin-1", "replace")
        lname = bname.lower()
        if lname in (b"transfer-encoding", b"x-crawler-transfer-encoding") and (
                b"chunked" in bvalue.lower()):
            chunked = True
        elif lname == b"content-length":
            recorded_length = bvalue.strip()
        elif lname == b"x-crawler-content-length":
            declared_length = bvalue.strip()
        if lname in _CONNECTION_HEADERS or lname in _CAPTURE_NOTES:
            continue
        kept.append((bname, bvalue))
    # our records hold de-chunked bodies; other tools' (wget) may keep the chunk framing
    body = dechunk(archived.body) if b"chunked" in _te(archived) else archived.body
    # Scrapy's handler puts Twisted's idea of the body length first (see
    # HTTP11DownloadHandler._headers_from_twisted_response): 0 for HEAD and 204/304 (a HEAD
    # response then gets the server's Content-Length, an entity header there), none for a
    # chunked body, else the declared Content-Length. A close-delimited body (no length, no
    # chunking) cannot be told from the record; it gets its length like a declared one.
    length = declared_length or recorded_length
    headers = Headers()
    if request.method == "HEAD":
        headers[b"Content-Length"] = length or b"0"
    elif archived.status in (204, 304):
        headers[b"Content-Length"] = b"0"
    elif not chunked and length is not None:
        headers[b"Content-Length"] = length
    for bname, bvalue in kept:
        headers.appendlist(bname, bvalue)
    flags = [REPLAY_FLAG]
    if headers.get(b"Content-Encoding") and stored_decoded(headers, body):
        del headers[b"Content-Encoding"]
        flags.append(STORED_DECODED)
    truncated_flag = _TRUNCATED_FLAGS.get((archived.truncated or "").strip().lower())
    if archived.truncated:
        flags.append(truncated_flag or "dataloss")
    ip = None
    if archived.ip_address:
        try:
            ip = ipaddress.ip_address(archived.ip_address.strip())
        except ValueError:
            ip = None
    cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return cls(
        url=request.url, status=archived.status, headers=headers, body=body, flags=flags,
        request=request, ip_address=ip, protocol=archived.protocol,
    )


def _te(archived: ArchivedResponse) -> bytes:
    """The record's own Transfer-Encoding (other tools keep the chunk framing with it)."""
    return b",".join(v.lower().encode("latin-1", "replace") for n, v in archived.headers
                     if n.lower() == "transfer-encoding")


def _no_suffix_list_download() -> None:
    """Keep tldextract from downloading the public suffix list during a replay.

    Scrapy's cookie middleware asks a module-level ``TLDExtract`` whether a cookie's domain is
    a public suffix; on first use it fetches https://publicsuffix.org/list/ unless a cached
    copy exists. Without download URLs it uses the snapshot bundled with tldextract.
    """
    try:
        import tldextract.tldextract as tld
        from scrapy.downloadermiddlewares import cookies
    except ImportError:  # pragma: no cover - both ship with Scrapy
        return
    for extractor in (getattr(cookies, "_split_domain", None),
                      getattr(tld, "TLD_EXTRACTOR", None)):
        if extractor is not None and hasattr(extractor, "suffix_list_urls"):
            extractor.suffix_list_urls = ()


#: the index of the last WARC_REPLAY value, built once per process: the pre-flight check
#: (:func:`preflight`) builds it before the crawl starts, the middleware then serves from it
_BUILT: dict[tuple[Any, ...], ReplayIndex] = {}


def replay_index(spec: list[str], pick: str) -> ReplayIndex:
    """The index of the archives ``spec`` names (built once per process, again if a file
    changed). Raises FileNotFoundError or ValueError when they name nothing or hold no HTTP
    response."""
    files = []
    for path in expand_spec(spec):
        stat = path.stat()
        files.append((str(path), stat.st_mtime_ns, stat.st_size))
    key = (tuple(files), pick)
    index = _BUILT.get(key)
    if index is None:
        index = ReplayIndex.from_spec(spec, pick=pick)
        if not len(index):
            why = f" ({'; '.join(index.problems)})" if index.problems else ""
            raise ValueError(f"WARC_REPLAY: no responses in {', '.join(spec)}{why}")
        _BUILT.clear()
        _BUILT[key] = index
    return index


def preflight(settings: Any) -> list[str]:
    """Why ``WARC_REPLAY`` cannot serve a crawl, as one-line problems (none when it is off):
    :mod:`crawler.preflight` refuses the crawl with them before Scrapy starts, instead of a
    start-up traceback. The index built here is the one the middleware serves from."""
    spec = settings.getlist("WARC_REPLAY")
    pick = str(settings.get("WARC_REPLAY_PICK") or "last").lower()
    if not spec or pick not in PICKS:  # a bad pick is the settings check's to report
        return []
    quiet = logging.getLogger("archive.warc.records")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # what the reader met is in the one line below
    try:
        replay_index(spec, pick)
    except (OSError, ValueError) as exc:
        return [str(exc)]
    finally:
        quiet.setLevel(level)
    return []


class WarcReplayMiddleware:
    """Answer every request from the archive named by ``WARC_REPLAY``; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        spec = settings.getlist("WARC_REPLAY")
        if not spec:
            raise NotConfigured("WARC_REPLAY is not set")
        pick = str(settings.get("WARC_REPLAY_PICK") or "last").lower()
        if pick not in PICKS:
            raise ValueError(f"WARC_REPLAY_PICK must be one of {', '.join(PICKS)}, not {pick!r}")
        self.crawler = crawler
        self.stats = crawler.stats
        # FileNotFoundError / ValueError here stop the crawl: never fall back to the network
        self.index = replay_index(spec, pick)
        logger.info(
            "WARC_REPLAY: serving %d captures of %d URLs from %d WARC files (%d indexed in "
            "memory), pick=%s; no request goes to the network",
            len(self.index), self.index.url_count, len(self.index.files),
            len(self.index.built), pick,
        )
        if self.stats is not None:
            self.stats.set_value("warc_replay/captures", len(self.index))
        _no_suffix_list_download()
        crawler.signals.connect(self._reached_downloader, signal=signals.request_reached_downloader)
        crawler.signals.connect(self._scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcReplayMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Response:
        try:
            archived = self.index.fetch(request.url, request.method)
        except (OSError, ValueError) as exc:  # unreadable record: a miss, with the reason
            logger.error("WARC_REPLAY: cannot read the capture of %s: %s", request.url, exc)
            archived = None
        if archived is None:
            self._inc("warc_replay/miss")
            request.meta[META_MISS] = True
            logger.warning("WARC_REPLAY miss: %s %s", request.method, request.url)
            raise IgnoreRequest(f"WARC_REPLAY miss: {request.method} {request.url}")
        self._inc("warc_replay/hit")
        if archived.original is not None:
            self._inc("warc_replay/revisit")
        request.meta[META_POINTER] = archived.pointer
        return downloaded_response(archived, request)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)

    def _scheduled(self, request: Request, spider: object = None) -> None:
        # A replay re-runs the whole crawl: the incremental middleware (920, before us) must
        # neither skip pages the output root's crawl state knows nor resume them from there.
        request.meta.setdefault(META_INCREMENTAL, False)

    def _reached_downloader(self, request: Request, spider: object = None) -> None:
        self._inc("warc_replay/network_requests")
        logger.error("WARC_REPLAY: %s %s got past the replay middleware to the downloader",
                     request.method, request.url)
