"""Path-safe output names: derived from a hash and a readable slug, never from raw URL text.

``text_relpath(url, title)`` -> ``text/<host>/<hash16>-<slug>.txt`` relative to the output root.

* ``<host>`` is the URL's host name reduced to ``[a-z0-9.-]`` (IDNA for non-ASCII hosts), or
  ``_`` when nothing remains; a leading dot is impossible, so ``.`` and ``..`` cannot occur.
  A first label that Windows reserves for a device (``con``, ``nul``, ``com1``... which it
  reserves whatever follows the first dot) gets a ``-`` appended: ``con.example`` ->
  ``con-.example``.
* ``<hash16>`` is the first 16 hex digits of sha1 of the URL: unique per URL, and it makes the
  name start with a hex digit, so no reserved device name (``CON``, ``NUL``...) can occur.
* ``<slug>`` comes from the title: NFKC-normalised, letters and digits of any script kept,
  every other run of characters turned into one ``-``, cut to 60 characters and 120 UTF-8
  bytes. It is decoration only; the hash makes the name unique.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import urlsplit

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_HOST_BAD = re.compile(r"[^a-z0-9.-]+")
#: names Windows reserves for devices, whatever extension follows
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                       *(f"lpt{i}" for i in range(10))})
MAX_SLUG_CHARS = 60
MAX_SLUG_BYTES = 120


def url_hash(url: str) -> str:
    """First 16 hex digits of sha1(url)."""
    return hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def slugify(text: str | None) -> str:
    """A short readable slug of ``text`` (may be empty)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    slug = _NON_WORD.sub("-", text).strip("-").lower()[:MAX_SLUG_CHARS]
    while len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        slug = slug[:-1]
    return slug.strip("-")


def safe_host(url: str) -> str:
    """The URL's host reduced to a safe directory name."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    host = _HOST_BAD.sub("-", host.lower()).strip(".-")
    host = re.sub(r"\.{2,}", ".", host)[:100].strip(".-")
    first, dot, rest = host.partition(".")
    if first in _RESERVED:
        host = f"{first}-{dot}{rest}"
    return host or "_"


def text_relpath(url: str, title: str | None, suffix: str = "") -> PurePosixPath:
    """Relative path of an article's text file; ``suffix`` distinguishes versions (``.v2``)."""
    slug = slugify(title)
    name = url_hash(url) + (f"-{slug}" if slug else "") + suffix + ".txt"
    return PurePosixPath("text", safe_host(url), name)
