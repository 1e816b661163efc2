"""Serve every response of a crawl from WARC files: ``scrapy crawl <spider> -s WARC_REPLAY=...``.

The spider runs unchanged; no request reaches the network. Each request is looked up in the
archive (:class:`archive.warc.replayindex.ReplayIndex`: the ``.cdxj`` beside each WARC, SURT
matching as pywb does, revisits resolved) and answered with the archived response.

Why a downloader middleware (and not a download handler)
    The middleware sits at ``WARC_REPLAY_PRIORITY`` = 960, next to the capture middleware (950)
    and closer to the downloader than every built-in middleware. Its ``process_request``
    returns the archived response, so:

    * every other ``process_request`` has run as live (User-Agent, cookies, Accept-Encoding,
      robots.txt checks, depth...), and every ``process_response`` runs on the archived
      response exactly as on a downloaded one: HttpCompressionMiddleware (590) decodes the
      still content-encoded body, RedirectMiddleware (600) follows archived 3xx responses to
      their archived targets, RetryMiddleware and HttpErrorMiddleware see the archived status,
      robots.txt (RobotsTxtMiddleware fetches it through the same downloader) is served from
      the archive too;
    * the response never enters a downloader slot, so ``DOWNLOAD_DELAY``, AutoThrottle and
      the per-domain concurrency limits, which exist to spare live servers, cost nothing;
    * there is no code path to the network: a request the archive cannot answer raises
      IgnoreRequest here instead of falling through to the handler. As a tripwire the
      ``request_reached_downloader`` signal is watched: a request that got past this
      middleware anyway (another middleware placed above 960 that returns requests, say) is
      logged as an error and counted in ``warc_replay/network_requests``.

    A download handler would have to re-implement none of this, but it would sit behind the
    slots (delays, concurrency) and it would only cover the schemes it is registered for.

The rebuilt response is the one Scrapy's HTTP/1.1 handler would have produced, not the one the
spider saw: the body **still content-encoded** (so it must not go through
:func:`crawler.responses.build_response`, which also decodes), chunk framing removed when
another tool's record kept it, Scrapy's response class chosen by ``responsetypes`` from the
headers and body as the handler does, the connection headers Twisted keeps to itself
(``Connection``, ``Transfer-Encoding``, ``Keep-Alive``...) and this project's ``X-Crawler-*``
notes removed, ``Content-Length`` first and set as Scrapy's handler sets it (the length the
server declared; none for a chunked body; 0 for 204/304), ``protocol`` and ``ip_address``
from the record, flags
``dataloss`` / ``download_stopped`` restored from ``WARC-Truncated``, plus flag
``warc-replay`` (so the capture middleware does not archive it again). A body that another
tool stored already decoded under the server's ``Content-Encoding`` (ClueWeb09, wabac.js:
:func:`crawler.responses.stored_decoded`) loses that header and gets the flag
``stored-decoded``, so the compression middleware passes it on as it is, as warcio and pywb
serve it, instead of dropping the page as undecodable. The response URL is the
request's URL, as for a download, even when the capture matched through SURT folding.

``request.meta["warc"]`` is set to the pointer of the archived record (``RecordPointer``
fields: filename, offset, length, record_id, warc_type, target_uri, warc_date,
payload_digest), so ``articles.jsonl`` rows of a replay point at the records the texts came
from in the replayed archive. The text pipeline still writes texts, rows and ``metadata``
records (in a new WARC under ``OUTPUT_DIR``, ``WARC-Refers-To`` the replayed records).

A replay is a full re-run: every scheduled request gets ``meta["incremental"] = False``, so the
incremental middleware (:mod:`crawler.middlewares.incremental`, 920) neither skips pages the
output root's crawl state already has nor resumes them from that root's own WARCs. Replayed
into the root of the crawl being replayed, every page is processed again and the text pipeline
writes only texts that changed (as new versions; see :mod:`pipelines.crawl.textoutput`).

A miss (no capture for that method and URL, or a revisit whose original is not in the archive)
logs ``WARC_REPLAY miss: <METHOD> <url>`` once per request, counts ``warc_replay/miss`` and
raises IgnoreRequest: not retried (RetryMiddleware ignores it), never archived, the request's
errback gets it and the crawl goes on. A miss for ``/robots.txt`` therefore means "no
robots.txt": RobotsTxtMiddleware allows everything on that host, silently, as it does for any
IgnoreRequest. (When the live crawl obeyed robots.txt, its robots.txt response, 404 included,
is in the archive and is served like any page.)

Offline means offline: with ``WARC_REPLAY`` set, the address guard
(:mod:`crawler.middlewares.addressguard`) resolves no host name, and the public suffix list
that Scrapy's cookie middleware consults (tldextract) is not downloaded: the copy that ships
with tldextract (or its cache) is used. A replay runs in a network namespace with nothing but
a loopback interface (``tests/test_warcreplay.py``).

Settings:

* ``WARC_REPLAY`` [None: off] - WARC files, directories (searched recursively) or globs,
  comma-separated. Set, the crawl never touches the network; a value that names no WARC
  stops the crawl at start-up rather than silently crawling live.
* ``WARC_REPLAY_PICK`` [``last``] - which capture of a URL archived several times:
  ``last`` (latest WARC-Date) or ``first``.

Stats: ``warc_replay/hit``, ``warc_replay/miss``, ``warc_replay/revisit`` (hits served through
a revisit record), ``warc_replay/network_requests`` (must stay absent), ``warc_replay/captures``
(captures in the index).
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
