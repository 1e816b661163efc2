"""The Wayback Machine's URL forms and CDX API (what a site that lives in web archives needs).

* Raw capture (the original bytes, no rewriting, no toolbar): ``https://web.archive.org/web/
  <timestamp>id_/<original-url>``. A timestamp with no exact capture redirects to the nearest
  one; historical redirects come back as real 3xx responses in ``id_`` mode.
* CDX API: ``https://web.archive.org/cdx/search/cdx?url=...&output=json`` returns a JSON array
  whose first row names the fields; with ``showResumeKey=true`` the array ends with an empty
  row and a one-element row holding the resume key (pass it back as ``resumeKey``).

URL helpers: :func:`parse_wayback_url`, :func:`raw_capture_url`, :func:`cdx_query_url`,
:func:`is_cdx_url`, :func:`raw_mode_url`, :func:`normalise_original`, :func:`capture_time`,
:func:`with_resume_key`. The crawl's side (download slots at the service's rate limits,
``Retry-After``) is :mod:`crawler.waybackslots`.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

logger = logging.getLogger(__name__)

WAYBACK_HOST = "web.archive.org"
CDX_ENDPOINT = "https://web.archive.org/cdx/search/cdx"
CDX_SLOT = "web.archive.org/cdx"
CAPTURE_SLOT = "web.archive.org/web"
CDX_DELAY = 1.25  # seconds between CDX requests (0.8/s)
CAPTURE_DELAY = 0.125  # seconds between capture requests (8/s)

_WAYBACK_URL = re.compile(
    r"^https?://web\.archive\.org/web/(?P<ts>\d{1,14})(?P<mode>[a-z]{2}_)?/(?P<orig>.+)$"
)


@dataclass(frozen=True)
class WaybackCapture:
    """A parsed Wayback URL."""

    timestamp: str
    mode: str  #: ``id_``, ``js_``... or '' for the rewritten view
    original: str


def parse_wayback_url(url: str) -> WaybackCapture | None:
    """Split a ``web.archive.org/web/<ts><mode>/<orig>`` URL; None for anything else."""
    m = _WAYBACK_URL.match(url)
    if not m:
        return None
    orig = m["orig"]
    if not re.match(r"^[a-z][a-z0-9+.-]*:", orig, re.I):
        orig = "http://" + orig
    # the archive collapses "//" after the scheme when links are rewritten
    orig = re.sub(r"^(https?):/(?!/)", r"\1://", orig)
    return WaybackCapture(m["ts"], m["mode"] or "", orig)


def original_url(url: str) -> str:
    """The original URL behind a Wayback URL, or ``url`` itself."""
    capture = parse_wayback_url(url)
    return capture.original if capture else url


def raw_capture_url(original: str, timestamp: str = "2") -> str:
    """The ``id_`` URL of the capture nearest ``timestamp`` (``2`` = the earliest after 2000)."""
    return f"https://{WAYBACK_HOST}/web/{timestamp}id_/{original}"


def cdx_query_url(url: str, **params: str | int | list[str]) -> str:
    """A CDX API query URL. ``params`` may repeat keys through lists (``filter=[...]``)."""
    query: list[tuple[str, str]] = [("url", url), ("output", "json")]
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        query.extend((key, str(v)) for v in values)
    return CDX_ENDPOINT + "?" + urlencode(query)


def parse_cdx_json(body: bytes | str) -> tuple[list[dict[str, str]], str | None]:
    """Rows of a JSON CDX answer as dicts (keyed by the header row) and the resume key, if any.

    Raises ValueError for a body that is not a CDX JSON array.
    """
    data = json.loads(body or "[]")
    if not isinstance(data, list):
        raise ValueError("CDX answer is not a JSON array")
    if not data:
        return [], None
    resume = None
    if len(data) >= 2 and data[-2] == [] and isinstance(data[-1], list) and len(data[-1]) == 1:
        resume = str(data[-1][0])
        data = data[:-2]
    header = [str(h) for h in data[0]]
    rows = [dict(zip(header, map(str, row), strict=False)) for row in data[1:] if row]
    return rows, resume


# -- more URL helpers -------------------------------------------------------------------------

CDX_PATH = "/cdx/search/cdx"
#: fields of a CDX answer when the query gives no ``fl``
CDX_DEFAULT_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest",
                      "length")


def is_cdx_url(url: str) -> bool:
    """Is ``url`` a query of the Wayback CDX API?"""
    parts = urlsplit(url)
    return (parts.hostname or "").lower() == WAYBACK_HOST and parts.path.rstrip("/") == CDX_PATH


def normalise_original(url: str) -> str:
    """An original URL as the archive lists it, made comparable: lower-case scheme and host,
    no default port (the CDX often lists ``http://host:80/...``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host
    if port and port != {"http": 80, "https": 443}.get(parts.scheme.lower()):
        netloc = f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def raw_mode_url(url: str) -> str:
    """A Wayback capture URL in any mode (view, ``js_``...) as its ``id_`` (raw bytes) form;
    anything else unchanged."""
    capture = parse_wayback_url(url)
    if capture is None or capture.mode == "id_":
        return url
    return raw_capture_url(capture.original, capture.timestamp)


def capture_time(timestamp: str) -> str | None:
    """``20131103012345`` -> ``2013-11-03T01:23:45+00:00`` (Wayback timestamps are UTC).
    Shorter timestamps are padded with the earliest values; None if it is not a date."""
    if not re.fullmatch(r"\d{4,14}", timestamp or ""):
        return None
    padded = timestamp.ljust(14, "0")
    if padded[4:6] == "00":
        padded = padded[:4] + "01" + padded[6:]
    if padded[6:8] == "00":
        padded = padded[:6] + "01" + padded[8:]
    try:
        dt = datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return dt.isoformat(timespec="seconds")


def with_resume_key(query_url: str, resume_key: str) -> str:
    """The CDX query ``query_url`` continued from ``resume_key`` (any earlier key replaced)."""
    parts = urlsplit(query_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k != "resumeKey"]
    query.append(("resumeKey", resume_key))
    return urlunsplit(parts._replace(query=urlencode(query)))
