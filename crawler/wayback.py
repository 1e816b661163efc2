"""The Wayback Machine's URL forms and CDX API, shared by every spider that reads web archives.

* Raw capture (the original bytes, no rewriting, no toolbar): ``https://web.archive.org/web/
  <timestamp>id_/<original-url>``. A timestamp with no exact capture redirects to the nearest
  one; historical redirects come back as real 3xx responses in ``id_`` mode.
* CDX API: ``https://web.archive.org/cdx/search/cdx?url=...&output=json`` returns a JSON array
  whose first row names the fields; with ``showResumeKey=true`` the array ends with an empty
  row and a one-element row holding the resume key (pass it back as ``resumeKey``).
* Rate limits the service asks clients to respect (as used by EDGI's client, at 80 % of the
  hard limits): CDX 0.8 requests/s, captures 8 requests/s; on 429 without Retry-After wait
  60 s. Spiders give ``web.archive.org`` CDX and capture requests their own download slots.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

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
class Capture:
    """A parsed Wayback URL."""

    timestamp: str
    mode: str  #: ``id_``, ``js_``... or '' for the rewritten view
    original: str


def parse_wayback_url(url: str) -> Capture | None:
    """Split a ``web.archive.org/web/<ts><mode>/<orig>`` URL; None for anything else."""
    m = _WAYBACK_URL.match(url)
    if not m:
        return None
    orig = m["orig"]
    if not re.match(r"^[a-z][a-z0-9+.-]*:", orig, re.I):
        orig = "http://" + orig
    # the archive collapses "//" after the scheme when links are rewritten
    orig = re.sub(r"^(https?):/(?!/)", r"\1://", orig)
    return Capture(m["ts"], m["mode"] or "", orig)


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
