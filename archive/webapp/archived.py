"""The page as archived, served from the output root's own WARCs and nothing else.

:class:`Captures` maps every archived URL to its captures from the CDXJ indexes beside the WARC
files (``<file>.cdxj``, written when a crawl closes a file; a file without one is indexed on
first use). :func:`rewrite_html` and :func:`rewrite_css` point every reference of an archived
page (stylesheets and what they import, images and ``srcset``, fonts, frames, links) at the
same replay route, at the page's capture time, so the browser asks the reading room for each
of them; a resource that was never archived is a 404 there. The reading room sends every
replayed response with a Content-Security-Policy that allows no other origin and no script
(``SANDBOX_CSP``), so whatever the rewriting misses cannot reach the live web: the page is
shown exactly as far as the archive holds it.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from archive.warc.indexer import write_index_for
from archive.warc.inputs import find_warc
from archive.warc.reader import record_at

#: no origin but ours, no script, no form posting anywhere, no plugin
SANDBOX_CSP = ("default-src 'self' data: blob:; script-src 'none'; object-src 'none'; "
               "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; "
               "style-src 'self' 'unsafe-inline' data:; img-src 'self' data: blob:; "
               "font-src 'self' data:; connect-src 'none'")


@dataclass(frozen=True)
class ArchivedCapture:
    """One archived response (or revisit) of a URL."""

    timestamp: str
    url: str
    filename: str
    offset: int
    length: int
    status: str
    mime: str
    digest: str


class Captures:
    """URL -> captures, from the CDXJ indexes of ``root/warc`` (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._by_url: dict[str, list[ArchivedCapture]] = {}
        self._by_digest: dict[str, ArchivedCapture] = {}
        self._loaded: set[str] = set()
        self._lock = threading.Lock()

    def _load(self) -> None:
        warc_dir = self.root / "warc"
        if not warc_dir.is_dir():
            return
        for warc in sorted(warc_dir.glob("*.warc*")):
            if warc.name.endswith((".cdxj", ".open")) or warc.name in self._loaded:
                continue
            index = warc.with_name(warc.name + ".cdxj")
            if not index.exists() or index.stat().st_mtime < warc.stat().st_mtime:

                try:
                    index = write_index_for(warc)
                except (OSError, ValueError):
                    continue
            self._loaded.add(warc.name)
            for line in index.read_text("utf-8").splitlines():
                self._add(line)
        for captures in self._by_url.values():
            captures.sort(key=lambda c: c.timestamp)

    def _add(self, line: str) -> None:
        try:
            _, timestamp, data = line.split(" ", 2)
            fields = json.loads(data)
        except ValueError:
            return
        if "status" not in fields and fields.get("mime") != "warc/revisit":
            return  # a metadata or resource line (the index has them as pywb does): no page
        capture = ArchivedCapture(timestamp, fields.get("url", ""), fields.get("filename", ""),
                          int(fields.get("offset", 0)), int(fields.get("length", 0)),
                          str(fields.get("status", "")), fields.get("mime", ""),
                          fields.get("digest", ""))
        self._by_url.setdefault(_norm(capture.url), []).append(capture)
        if capture.mime != "warc/revisit" and capture.digest:
            self._by_digest.setdefault(capture.digest, capture)

    def find(self, url: str, timestamp: str) -> ArchivedCapture | None:
        """The capture of ``url`` closest to ``timestamp`` (14 digits); a revisit resolved to
        the response it repeats."""
        with self._lock:
            if not self._loaded:
                self._load()
            captures = self._by_url.get(_norm(url))
            if not captures:
                self._load()  # a crawl may have closed a file since
                captures = self._by_url.get(_norm(url))
            if not captures:
                return None
            stamps = [c.timestamp for c in captures]
            at = bisect.bisect_left(stamps, timestamp)
            nearby = captures[max(0, at - 1):at + 1]
            best = min(nearby, key=lambda c: abs(int(c.timestamp) - int(timestamp or 0)))
            if best.mime == "warc/revisit":
                return self._by_digest.get(best.digest, best)
            return best


def _norm(url: str) -> str:
    """URLs that name the same capture: scheme and a trailing slash do not matter."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{(parts.hostname or '').lower()}{path.rstrip('/') or '/'}" + (
        f"?{parts.query}" if parts.query else "")


def replay_url(prefix: str, timestamp: str, url: str) -> str:
    return f"{prefix}/{timestamp}/{url}"


_URL_ATTRS = {"src", "href", "poster", "data", "background", "action"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""", re.I)


def _absolute(base: str, ref: str) -> str | None:
    ref = ref.strip()
    if not ref or ref.startswith(("#", "data:", "javascript:", "mailto:", "tel:", "about:")):
        return None
    url = urljoin(base, ref)
    return url if url.startswith(("http://", "https://")) else None


def rewrite_css(css: str, base: str, prefix: str, timestamp: str) -> str:
    """``url(...)`` and ``@import`` of a stylesheet pointed at the replay route."""
    def url_sub(m: re.Match[str]) -> str:
        absolute = _absolute(base, m.group(2))
        return f"url({m.group(1)}{replay_url(prefix, timestamp, absolute)}{m.group(1)})" \
            if absolute else m.group(0)

    def import_sub(m: re.Match[str]) -> str:
        absolute = _absolute(base, m.group(2))
        return f"@import {m.group(1)}{replay_url(prefix, timestamp, absolute)}{m.group(1)}" \
            if absolute else m.group(0)

    return _CSS_URL.sub(url_sub, _CSS_IMPORT.sub(import_sub, css))


def _srcset(value: str, base: str, prefix: str, timestamp: str) -> str:
    out = []
    for candidate in value.split(","):
        bits = candidate.strip().split(None, 1)
        if not bits:
            continue
        absolute = _absolute(base, bits[0])
        bits[0] = replay_url(prefix, timestamp, absolute) if absolute else bits[0]
        out.append(" ".join(bits))
    return ", ".join(out)


def rewrite_html(text: str, base: str, prefix: str, timestamp: str) -> str:
    """The page with every reference pointed at the replay route (scripts removed: the
    reading room shows the page as it was stored, and runs none of its code)."""
    try:
        tree = lxml_html.document_fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    for base_el in tree.iter("base"):
        href = base_el.get("href")
        if href:
            base = urljoin(base, href)
        base_el.drop_tree()
    for el in list(tree.iter("script", "noscript")):
        el.drop_tree()
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in list(el.attrib.items()):
            lname = name.lower()
            if lname.startswith("on"):
                del el.attrib[name]
            elif lname in _URL_ATTRS:
                absolute = _absolute(base, value)
                if absolute:
                    el.set(name, replay_url(prefix, timestamp, absolute))
                elif value.strip().lower().startswith("javascript:"):
                    el.set(name, "#")  # no code of the page runs here
            elif lname in ("srcset", "imagesrcset"):
                el.set(name, _srcset(value, base, prefix, timestamp))
            elif lname == "style":
                el.set(name, rewrite_css(value, base, prefix, timestamp))
        if el.tag == "style" and el.text:
            el.text = rewrite_css(el.text, base, prefix, timestamp)
        if el.tag == "meta" and (
                el.get("charset") is not None
                or (el.get("http-equiv") or "").lower() in (
                    "refresh", "content-security-policy", "content-type")):
            el.drop_tree()  # the reading room sends the page as UTF-8, under its own policy
    return lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def read_capture(root: Path, capture: ArchivedCapture) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, content-decoded payload) of a capture's record."""

    path = find_warc(root, capture.filename)
    with record_at(path, capture.offset) as record:
        headers: dict[str, Any] = {}
        status = 200
        if record.http_headers is not None:
            try:
                status = int(record.http_headers.get_statuscode() or 200)
            except ValueError:
                status = 200
            headers = {k.lower(): v for k, v in record.http_headers.headers}
        body = record.content_stream().read()
    return status, headers, body
