"""The fixture web: a loopback forward proxy that stands in for the internet.

The test suite and the offline demo start it; the real spiders reach it, unchanged, for their
real URLs through the standard ``http_proxy`` / ``https_proxy`` environment variables (Scrapy's
``HttpProxyMiddleware`` honours them).  It never opens a connection to anything: every answer
comes from files on disk.

What it speaks
--------------
* Proxy requests in absolute form (``GET http://host/path?q HTTP/1.1``): answered from the data.
* ``CONNECT host:port``: answered ``200 Connection established``; if the client then starts TLS
  (first byte 0x16) the socket is wrapped with a throwaway self-signed certificate generated at
  start-up (SANs: every fixture host and ``*.host``, ``localhost``, ``127.0.0.1``), otherwise the
  tunnel carries plain HTTP.  Requests inside the tunnel (origin form + ``Host``) are served with
  scheme ``https`` (``http`` for a plain tunnel).  CONNECT to an unknown host is still
  established; the requests inside it get the 502.
* Origin-form requests sent directly to the server (``GET /path`` + ``Host: example.test``), and
  direct TLS connections, so a test can use ``urllib`` without a proxy.
* HTTP/1.1 keep-alive and HTTP/1.0 (keep-alive only on ``Connection: keep-alive``), GET, HEAD,
  POST (body read and ignored, served like GET); ``If-None-Match`` / ``If-Modified-Since`` -> 304.

Data layout
-----------
``roots`` is a list of directories, searched in order; the first root that has the requested
file (or its sidecar) wins, a root without it falls through to the next one (so a test can put
its own pages on top of the bundled :meth:`FixtureWeb.default_root`).  Files and JSON are
re-read when their mtime changes, so a running server sees edits.

``<root>/<host>/...``
    One directory per host, named by the lower-cased host without port (``www.rt.com`` and
    ``rt.com`` are different hosts).  A host is *known* if any root has its directory; requests
    for unknown hosts get ``502`` with a short text body (and are logged).
URL path -> file
    The path is percent-decoded to bytes and then to a file name (UTF-8 on Linux, so
    ``/tagsearch/%E3%83%AD%E3%82%B7%E3%82%A2`` -> ``<host>/tagsearch/ロシア``).  Empty and ``.``
    segments are dropped; any ``..`` segment, NUL, or a target that resolves (symlinks
    included) outside the host directory -> 404.  ``/a/b.html`` -> ``<host>/a/b.html``;
    ``/`` and ``/a/`` -> ``index.html`` in that directory; ``/a`` -> ``<host>/a`` if that is a
    file or has a sidecar, else ``<host>/a/index.html`` if ``a`` is a directory.  The query
    string is ignored (``?utm_source=rss`` still hits the article) unless a route matches.
    ``*.meta.json``, ``_routes.json`` and ``_host.json`` are never served (404).
``<root>/<host>/_routes.json`` (optional)
    ``{"<request target>": "<file path relative to the host dir>" | {options}}``.  Targets are
    compared after percent-decoding the path and parsing the query into a sorted list of
    (name, value) pairs (blank values kept), so parameter order and encoding do not matter;
    a route with no query only matches requests with no query.  Options: ``"file"`` (looked up
    through all roots like a request path, but not percent-decoded), ``"body"`` (inline text),
    plus any sidecar key below, which override the file's own sidecar.  Routes of upper roots
    are tried first.
``<file>.meta.json`` sidecar (optional; may exist without ``<file>``)
    ``status`` (default 200), ``reason`` (default: the standard phrase), ``headers`` (replace the
    defaults by case-insensitive name; ``null`` removes a header; a list gives repeated
    headers; ``Content-Length`` / ``Transfer-Encoding`` / ``Connection`` are always computed by
    the server and ignored here),
    ``gzip`` (compress on the fly, ``Content-Encoding: gzip`` + ``Vary``, only if the request's
    ``Accept-Encoding`` allows gzip; skipped if ``headers`` sets ``Content-Encoding``),
    ``chunked`` (``Transfer-Encoding: chunked``, ``chunk_size`` default 1024; HTTP/1.0 clients
    get a close-delimited body instead), ``delay_ms`` (added to the server and host delays),
    ``etag`` (``false`` = none, a string = that value, default = the first 16 hex digits of
    the file's sha1, quoted; the same for the gzip variant),
    ``last_modified`` (HTTP date string, ``false`` = none, default = file mtime),
    ``body`` (inline text when there is no file), ``fault`` (see below).
    Without a file or ``body``: statuses >= 400 get ``"<status> <reason>\\n"`` as text/plain,
    others an empty body.
Default headers
    ``Date``, ``Server: fixtureweb``, ``Content-Type`` by extension (``.html``/``.htm`` and
    extension-less files -> ``text/html`` with NO charset, so pages whose charset is only in
    ``<meta>`` stay that way; ``.xml`` -> ``application/xml``; ``.rss`` ->
    ``application/rss+xml``; ``.json`` -> ``application/json``; ``.txt`` -> ``text/plain``;
    others via :mod:`mimetypes`, else ``application/octet-stream``), ``ETag``,
    ``Last-Modified``, ``Content-Length`` or ``Transfer-Encoding``.
Conditional requests
    Only for 200 responses to GET/HEAD.  ``If-None-Match`` (weak comparison, ``*`` allowed)
    wins over ``If-Modified-Since`` (304 when Last-Modified <= the given date).
``<root>/<host>/_host.json`` (optional; keys of upper roots override lower ones)
    ``robots``: ``"allow-all"`` / ``"disallow-all"`` synthesise ``/robots.txt`` when no
    ``robots.txt`` file exists (without it a missing robots.txt is a 404);
    ``redirect_to``: ``"https://www.rt.com"`` sends every request on this host to that prefix +
    the original path and query (``redirect_status``, default 301);
    ``headers``: extra default headers for every response of the host; ``delay_ms``.

Faults
------
A sidecar or route ``"fault": "<name>"`` (or ``{"name": "<name>", ...args}``) hands the
finished response to ``FAULTS[name]`` instead of writing it normally.  Register more with
:func:`register_fault`.  Built in: ``reset_mid_body`` (headers with the full Content-Length,
half the body - or ``keep_bytes`` - then a TCP RST), ``truncate`` (same but a clean close, so
the declared Content-Length is longer than what was sent), ``empty_reply`` (close without
sending a byte).  Faults always use Content-Length framing.

Server-wide ``delay_ms`` sleeps before every response (benchmarks use 0 and 100 ms).

Request log
-----------
Every request (CONNECTs included, ``method == "CONNECT"``, ``mode == "connect"``, ``path`` =
the port) becomes a :class:`LoggedRequest` in ``FixtureWeb.requests`` - recorded just before
the response bytes are written, so a client that has its response finds it there - and, with
``log_path``, one JSON line (plus ``url``) appended to that file.

API
---
``with FixtureWeb(roots=[...], delay_ms=0, log_path=None) as web:`` (binds 127.0.0.1, port 0);
``web.proxy_url``, ``web.env()``, ``web.requests``, ``web.urls()``, ``web.clear_log()``,
``web.cert_pem``, ``FixtureWeb.default_root()``.  ``python -m fixtureweb --root DIR [--root
DIR2] [--port N] [--delay-ms N] [--log FILE]`` prints the proxy URL as its first stdout line.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import hashlib
import http.server
import ipaddress
import json
import logging
import mimetypes
import os
import re
import socket
import socketserver
import ssl
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

__all__ = [
    "FAULTS",
    "FixtureResponse",
    "FixtureStore",
    "FixtureWeb",
    "LoggedRequest",
    "make_certificate",
    "register_fault",
]

logger = logging.getLogger("fixtureweb")

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".htm": "text/html",
    "": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".txt": "text/plain",
}
HIDDEN_NAMES = frozenset({"_routes.json", "_host.json"})
SIDECAR_SUFFIX = ".meta.json"
# Framing headers are always computed by the server.
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})
ROBOTS_BODIES = {
    "allow-all": "User-agent: *\nDisallow:\n",
    "disallow-all": "User-agent: *\nDisallow: /\n",
}


# --------------------------------------------------------------------------- log records


@dataclass
class LoggedRequest:
    """One request as the fixture web saw it (``path``/``query`` are raw, not decoded)."""

    time: float
    method: str
    scheme: str
    host: str
    path: str
    query: str
    headers: dict[str, str]
    status: int
    bytes_sent: int
    conditional: bool
    #: "proxy" (absolute form), "tunnel" (inside CONNECT), "direct", or "connect" (the CONNECT)
    mode: str = "direct"
    #: the file that answered, if any
    file: str | None = None
    #: fault name, "unknown host", ... (empty when nothing special happened)
    note: str = ""

    @property
    def url(self) -> str:
        if self.method == "CONNECT":
            return f"{self.host}:{self.path}"
        return f"{self.scheme}://{self.host}{self.path}" + (f"?{self.query}" if self.query else "")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["url"] = self.url
        return data


# --------------------------------------------------------------------------- responses


@dataclass
class FixtureResponse:
    """A response before framing: the server adds Content-Length / chunking / Connection."""

    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunked: bool = False
    chunk_size: int = 1024
    delay_ms: float = 0.0
    fault: dict[str, Any] | None = None
    file: Path | None = None
    note: str = ""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _text_response(status: int, text: str, note: str = "") -> FixtureResponse:
    return FixtureResponse(
        status=status,
        reason=_reason(status),
        headers=[
            ("Date", email.utils.formatdate(usegmt=True)),
            ("Server", "fixtureweb"),
            ("Content-Type", "text/plain; charset=utf-8"),
        ],
        body=text.encode("utf-8"),
        note=note,
    )


def _merge_headers(
    base: list[tuple[str, str]], overrides: Mapping[str, Any] | None
) -> list[tuple[str, str]]:
    """Replace headers of ``base`` by case-insensitive name; ``None`` removes; lists repeat."""
    if not overrides:
        return base
    lowered = {k.lower() for k in overrides}
    merged = [(k, v) for k, v in base if k.lower() not in lowered]
    for name, value in overrides.items():
        if name.lower() in FRAMING_HEADERS or value is None:
            continue
        values = value if isinstance(value, list) else [value]
        merged.extend((name, str(v)) for v in values)
    return merged


def _accepts_gzip(accept_encoding: str | None) -> bool:
    if not accept_encoding:
        return False
    star: bool | None = None
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        q = 1.0
        for param in params.split(";"):
            pname, _, pvalue = param.strip().partition("=")
            if pname.strip().lower() == "q":
                try:
                    q = float(pvalue)
                except ValueError:
                    q = 0.0
        if coding in ("gzip", "x-gzip"):
            return q > 0
        if coding == "*":
            star = q > 0
    return bool(star)


def _etag_matches(if_none_match: str, etag: str) -> bool:
    def strip(tag: str) -> str:
        tag = tag.strip()
        return tag[2:] if tag.startswith("W/") else tag

    wanted = strip(etag)
    return any(t.strip() == "*" or strip(t) == wanted for t in if_none_match.split(","))


def _normalise_target(path: str, query: str) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    pairs = parse_qsl(query, keep_blank_values=True) if query else []
    return unquote_to_bytes(path or "/"), tuple(sorted(pairs))


def _split_host(host: str) -> str:
    """``Example.Test:8080`` -> ``example.test``; ``[::1]:80`` -> ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


# --------------------------------------------------------------------------- the data


class FixtureStore:
    """Maps (scheme, host, path, query, request headers) to a :class:`FixtureResponse`.

    Pure file-system logic, independent of sockets; JSON files are cached by mtime, file bodies
    by (mtime, size), so edits made while the server runs are picked up.
    """

    def __init__(self, roots: Sequence[str | os.PathLike[str]]) -> None:
        if not roots:
            raise ValueError("FixtureStore needs at least one root directory")
        self.roots = [Path(r).resolve() for r in roots]
        self._json_cache: dict[Path, tuple[int, Any]] = {}
        self._body_cache: dict[Path, tuple[int, int, bytes, str]] = {}
        self._gzip_cache: dict[tuple[Path, int], bytes] = {}
        self._routes_cache: dict[Path, tuple[Any, dict[tuple[Any, ...], dict[str, Any]]]] = {}

    # ---- discovery

    def hosts(self) -> list[str]:
        found: set[str] = set()
        for root in self.roots:
            if root.is_dir():
                found.update(p.name for p in root.iterdir() if p.is_dir())
        return sorted(found)

    def host_dirs(self, host: str) -> list[Path]:
        if not host or host in (".", "..") or "/" in host or "\\" in host or "\0" in host:
            return []
        return [root / host for root in self.roots if (root / host).is_dir()]

    # ---- cached reads

    def _json(self, path: Path) -> Any:
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return None
        cached = self._json_cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            logger.error("fixtureweb: bad JSON in %s: %s", path, exc)
            data = None
        self._json_cache[path] = (mtime, data)
        return data

    def _body(self, path: Path) -> tuple[bytes, str, int]:
        """File bytes, default ETag, mtime_ns."""
        st = path.stat()
        cached = self._body_cache.get(path)
        if cached and cached[0] == st.st_mtime_ns and cached[1] == st.st_size:
            return cached[2], cached[3], st.st_mtime_ns
        body = path.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        self._body_cache[path] = (st.st_mtime_ns, st.st_size, body, etag)
        return body, etag, st.st_mtime_ns

    def _gzip(self, path: Path | None, mtime: int, body: bytes) -> bytes:
        if path is None:
            return gzip.compress(body, mtime=0)
        key = (path, mtime)
        data = self._gzip_cache.get(key)
        if data is None:
            data = gzip.compress(body, mtime=0)
            if len(self._gzip_cache) > 512:
                self._gzip_cache.clear()
            self._gzip_cache[key] = data
        return data

    def host_config(self, host: str) -> dict[str, Any]:
        config: dict[str, Any] = {}
        for host_dir in reversed(self.host_dirs(host)):
            data = self._json(host_dir / "_host.json")
            if isinstance(data, dict):
                config.update(data)
        return config

    def _routes(self, host_dir: Path) -> dict[tuple[Any, ...], dict[str, Any]]:
        path = host_dir / "_routes.json"
        routes = self._json(path)
        if not isinstance(routes, dict):
            return {}
        cached = self._routes_cache.get(path)
        if cached is not None and cached[0] is routes:
            return cached[1]
        table: dict[tuple[Any, ...], dict[str, Any]] = {}
        for target, spec in routes.items():
            rpath, _, rquery = target.partition("?")
            table[_normalise_target(rpath, rquery)] = (
                {"file": spec} if isinstance(spec, str) else dict(spec)
            )
        self._routes_cache[path] = (routes, table)
        return table

    def find_route(self, host: str, path: str, query: str) -> dict[str, Any] | None:
        """The first route (upper roots first) whose normalised target equals the request's."""
        wanted = _normalise_target(path, query)
        for host_dir in self.host_dirs(host):
            spec = self._routes(host_dir).get(wanted)
            if spec is not None:
                return dict(spec)
        return None

    # ---- path -> file

    @staticmethod
    def _segments(raw_path: str) -> list[str] | None:
        """Percent-decoded path segments, or None for anything unsafe."""
        try:
            decoded = os.fsdecode(unquote_to_bytes(raw_path))
        except (UnicodeError, ValueError):
            return None
        if "\0" in decoded or "\\" in decoded:
            return None
        segments = [s for s in decoded.split("/") if s not in ("", ".")]
        if any(s == ".." for s in segments):
            return None
        return segments

    def find_file(
        self, host: str, segments: list[str], trailing_slash: bool
    ) -> tuple[Path | None, dict[str, Any]] | None:
        """Layered lookup: (body file or None, sidecar dict), or None if nothing matches."""
        if segments and (
            segments[-1].endswith(SIDECAR_SUFFIX)
            or (len(segments) == 1 and segments[0] in HIDDEN_NAMES)
        ):
            return None
        for host_dir in self.host_dirs(host):
            base = host_dir.joinpath(*segments)
            if not segments or trailing_slash:
                candidate = base / "index.html"
            elif base.is_file() or base.with_name(base.name + SIDECAR_SUFFIX).is_file():
                candidate = base
            elif base.is_dir():
                candidate = base / "index.html"
            else:
                continue
            sidecar = candidate.with_name(candidate.name + SIDECAR_SUFFIX)
            has_file, has_sidecar = candidate.is_file(), sidecar.is_file()
            if not (has_file or has_sidecar):
                continue
            for checked in (candidate, sidecar):
                if checked.exists() and not checked.resolve().is_relative_to(host_dir.resolve()):
                    logger.warning("fixtureweb: %s escapes %s", checked, host_dir)
                    return None
            meta = self._json(sidecar) if has_sidecar else None
            return (candidate if has_file else None), (meta if isinstance(meta, dict) else {})
        return None

    # ---- the whole answer

    def resolve(
        self,
        method: str,
        scheme: str,
        host: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
    ) -> FixtureResponse:
        host = _split_host(host)
        if not self.host_dirs(host):
            return _text_response(
                502, f"fixtureweb: no fixture host {host!r}\n", note="unknown host"
            )
        host_cfg = self.host_config(host)
        if host_cfg.get("redirect_to"):
            status = int(host_cfg.get("redirect_status", 301))
            location = str(host_cfg["redirect_to"]).rstrip("/") + (path or "/")
            resp = FixtureResponse(status, _reason(status), note="host redirect")
            resp.headers = [
                ("Date", email.utils.formatdate(usegmt=True)),
                ("Server", "fixtureweb"),
                ("Location", location + (f"?{query}" if query else "")),
            ]
            return self._finish(resp, {}, host_cfg, headers, method, None, 0)

        options: dict[str, Any] = {}
        found: tuple[Path | None, dict[str, Any]] | None
        route = self.find_route(host, path, query)
        if route is not None:
            target = route.get("file")
            if target:
                segs = [s for s in str(target).split("/") if s not in ("", ".")]
                if ".." in segs:
                    return _text_response(500, f"fixtureweb: bad route target {target!r}\n")
                found = self.find_file(host, segs, str(target).endswith("/"))
                if found is None:
                    return _text_response(
                        500, f"fixtureweb: route target {target!r} missing\n", note="bad route"
                    )
            else:
                found = (None, {})
            options = route
        else:
            segments = self._segments(path or "/")
            if segments is None:
                return _text_response(404, "404 Not Found\n", note="rejected path")
            found = self.find_file(host, segments, (path or "/").endswith("/"))
            if found is None:
                robots = host_cfg.get("robots")
                if segments == ["robots.txt"] and robots in ROBOTS_BODIES:
                    resp = _text_response(200, ROBOTS_BODIES[robots], note="synthetic robots.txt")
                    resp.headers[-1] = ("Content-Type", "text/plain")
                    return self._finish(resp, {}, host_cfg, headers, method, None, 0)
                return _text_response(404, "404 Not Found\n", note="no such file")

        body_file, sidecar = found
        meta = {**(sidecar or {}), **{k: v for k, v in options.items() if k != "file"}}
        if "headers" in options and sidecar and "headers" in sidecar:
            meta["headers"] = {**sidecar["headers"], **options["headers"]}

        status = int(meta.get("status", 200))
        resp = FixtureResponse(status=status, reason=str(meta.get("reason") or _reason(status)))
        resp.file = body_file
        resp.headers = [
            ("Date", email.utils.formatdate(usegmt=True)),
            ("Server", "fixtureweb"),
        ]
        mtime_ns = 0
        if body_file is not None:
            body, etag, mtime_ns = self._body(body_file)
            suffix = body_file.suffix.lower()
            ctype = CONTENT_TYPES.get(suffix) or (
                mimetypes.guess_type(body_file.name)[0] or "application/octet-stream"
            )
            resp.headers.append(("Content-Type", ctype))
            etag_opt = meta.get("etag", True)
            if etag_opt is True:
                resp.headers.append(("ETag", etag))
            elif isinstance(etag_opt, str):
                resp.headers.append(("ETag", etag_opt))
            lm = meta.get("last_modified", True)
            if lm is True:
                lm = email.utils.formatdate(mtime_ns / 1e9, usegmt=True)
            if lm:
                resp.headers.append(("Last-Modified", str(lm)))
        elif "body" in meta:
            body = str(meta["body"]).encode("utf-8")
            resp.headers.append(("Content-Type", "text/plain; charset=utf-8"))
        elif status >= 400:
            body = f"{status} {resp.reason}\n".encode()
            resp.headers.append(("Content-Type", "text/plain; charset=utf-8"))
        else:
            body = b""
        resp.body = body
        return self._finish(resp, meta, host_cfg, headers, method, body_file, mtime_ns)

    def _finish(
        self,
        resp: FixtureResponse,
        meta: Mapping[str, Any],
        host_cfg: Mapping[str, Any],
        req_headers: Mapping[str, str],
        method: str,
        body_file: Path | None,
        mtime_ns: int,
    ) -> FixtureResponse:
        resp.headers = _merge_headers(resp.headers, host_cfg.get("headers"))
        resp.headers = _merge_headers(resp.headers, meta.get("headers"))
        resp.delay_ms = float(host_cfg.get("delay_ms", 0)) + float(meta.get("delay_ms", 0))
        resp.chunked = bool(meta.get("chunked", False))
        resp.chunk_size = max(1, int(meta.get("chunk_size", 1024)))
        fault = meta.get("fault")
        if fault:
            resp.fault = {"name": fault} if isinstance(fault, str) else dict(fault)

        if resp.status == 200 and method in ("GET", "HEAD"):
            etag = resp.header("ETag")
            inm = req_headers.get("If-None-Match")
            ims = req_headers.get("If-Modified-Since")
            not_modified = False
            if inm is not None:
                not_modified = bool(etag) and _etag_matches(inm, etag or "")
            elif ims is not None and resp.header("Last-Modified"):
                try:
                    lm_date = email.utils.parsedate_to_datetime(resp.header("Last-Modified") or "")
                    ims_date = email.utils.parsedate_to_datetime(ims)
                    if lm_date.tzinfo is None:
                        lm_date = lm_date.replace(tzinfo=dt.UTC)
                    if ims_date.tzinfo is None:
                        ims_date = ims_date.replace(tzinfo=dt.UTC)
                    not_modified = lm_date <= ims_date
                except (TypeError, ValueError):
                    not_modified = False
            if not_modified:
                keep = {"date", "server", "etag", "last-modified", "cache-control", "vary"}
                resp.status, resp.reason = 304, _reason(304)
                resp.headers = [h for h in resp.headers if h[0].lower() in keep]
                resp.body = b""
                resp.chunked = False
                resp.note = resp.note or "not modified"
                return resp

        if (
            meta.get("gzip")
            and resp.body
            and resp.header("Content-Encoding") is None
            and _accepts_gzip(req_headers.get("Accept-Encoding"))
        ):
            resp.body = self._gzip(body_file, mtime_ns, resp.body)
            resp.headers.append(("Content-Encoding", "gzip"))
        if meta.get("gzip") and resp.header("Vary") is None:
            resp.headers.append(("Vary", "Accept-Encoding"))
        return resp


# --------------------------------------------------------------------------- TLS


def make_certificate(hostnames: Iterable[str]) -> tuple[bytes, bytes]:
    """A throwaway self-signed certificate (PEM cert, PEM key) for ``hostnames`` + wildcards."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fixtureweb")])
    sans: list[x509.GeneralName] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    seen: set[str] = set()
    for host in hostnames:
        host = host.lower()
        if host in seen or not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?", host):
            continue
        seen.add(host)
        sans += [x509.DNSName(host), x509.DNSName("*." + host)]
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def _server_ssl_context(cert_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory(prefix="fixtureweb-") as tmp:
        cert_path, key_path = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_path.write_bytes(cert_pem)
        key_path.write_bytes(key_pem)
        ctx.load_cert_chain(cert_path, key_path)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


# --------------------------------------------------------------------------- faults

#: fault(handler, response, is_head, options): writes whatever it likes with ``handler.send``
#: (first call logs the request), may call ``handler.abort_connection()``; the connection is
#: closed afterwards.  ``options`` is the sidecar/route ``fault`` object (``name`` + arguments).
FaultFn = Callable[["_Handler", FixtureResponse, bool, Mapping[str, Any]], None]
FAULTS: dict[str, FaultFn] = {}


def register_fault(name: str) -> Callable[[FaultFn], FaultFn]:
    """Decorator: make ``"fault": name`` in a sidecar or route call the decorated function."""

    def decorate(fn: FaultFn) -> FaultFn:
        FAULTS[name] = fn
        return fn

    return decorate


def _cut_body(
    handler: _Handler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    """Headers declaring the full Content-Length, then only ``keep_bytes`` (default: half)."""
    keep = int(opts.get("keep_bytes", len(resp.body) // 2))
    keep = max(0, min(keep, max(len(resp.body) - 1, 0)))
    head_bytes = handler.header_block(resp, content_length=len(resp.body), close=True)
    handler.send(head_bytes + (b"" if head else resp.body[:keep]))


@register_fault("reset_mid_body")
def _fault_reset_mid_body(
    handler: _Handler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    _cut_body(handler, resp, head, opts)
    handler.abort_connection()


@register_fault("truncate")
def _fault_truncate(
    handler: _Handler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    _cut_body(handler, resp, head, opts)


@register_fault("empty_reply")
def _fault_empty_reply(
    handler: _Handler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    return None


# --------------------------------------------------------------------------- the server


class _SocketWriter:
    """Unbuffered writer (what socketserver uses for ``wbufsize == 0``), for TLS sockets too."""

    closed = False

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def write(self, data: bytes) -> int:
        self._sock.sendall(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fixtureweb"
    timeout = 120  # idle keep-alive connections are dropped after this
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.tls = False
        self._pending: LoggedRequest | None = None
        self.tunnel_host: str | None = None
        self.aborted = False
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.server.track(self.connection)

    def handle(self) -> None:
        try:
            if self._client_starts_tls():
                self._start_tls()
        except (OSError, ssl.SSLError) as exc:
            logger.debug("fixtureweb: TLS setup failed: %s", exc)
            return
        super().handle()

    def finish(self) -> None:
        try:
            super().finish()
        except Exception as exc:  # never leave the connection open because of a late error
            logger.debug("fixtureweb: finish: %s", exc)
        self.server.untrack(self.connection)
        if self.tls and not self.aborted:
            try:
                self.connection.settimeout(0.2)
                self.connection.unwrap()
            except (OSError, ValueError):
                pass
            try:
                self.connection.close()
            except OSError:
                pass

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fixtureweb: " + format, *args)

    # ---- TLS

    def _client_starts_tls(self) -> bool:
        first = self.connection.recv(1, socket.MSG_PEEK)
        return first == b"\x16"

    def _start_tls(self) -> None:
        ssl_sock = self.server.ssl_context.wrap_socket(self.connection, server_side=True)
        self.server.untrack(self.connection)
        self.server.track(ssl_sock)
        try:
            self.rfile.close()
        except OSError:
            pass
        self.connection = self.request = ssl_sock
        self.rfile = ssl_sock.makefile("rb", self.rbufsize)
        self.wfile = _SocketWriter(ssl_sock)  # type: ignore[assignment]
        self.tls = True

    def abort_connection(self) -> None:
        """Close with a TCP RST (SO_LINGER 0)."""
        self.aborted = True
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            # close the fd right now (no TLS close_notify), even while rfile still refers to it
            self.server.untrack(self.connection)
            os.close(self.connection.detach())
        except OSError:
            pass

    # ---- methods

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 0:
            self.rfile.read(length)
        self._serve()

    def do_CONNECT(self) -> None:
        match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^:\[\]/\s]+)(?::(\d{1,5}))?", self.path.strip())
        if match is None:
            self.send_error(400, "bad CONNECT target")
            return
        host, port = _split_host(match[1]), match[2] or "443"
        msg = b"HTTP/1.1 200 Connection established\r\n\r\n"
        self.server.record(
            LoggedRequest(
                time=time.time(),
                method="CONNECT",
                scheme="",
                host=host,
                path=port,
                query="",
                headers=dict(self.headers.items()),
                status=200,
                bytes_sent=len(msg),
                conditional=False,
                mode="connect",
                note="" if self.server.store.host_dirs(host) else "unknown host",
            )
        )
        self.wfile.write(msg)
        self.tunnel_host = host
        self.close_connection = False
        try:
            if self._client_starts_tls():
                self._start_tls()
        except (OSError, ssl.SSLError) as exc:
            logger.debug("fixtureweb: TLS in tunnel to %s failed: %s", host, exc)
            self.close_connection = True

    # ---- serving

    def _target(self) -> tuple[str, str, str, str, str]:
        """(scheme, host, path, query, mode) of the current request."""
        raw = self.path.partition("#")[0]
        lower = raw[:8].lower()
        if lower.startswith("http://") or lower.startswith("https://"):
            parts = urlsplit(raw)
            mode = "tunnel" if self.tunnel_host else "proxy"
            return parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, mode
        path, _, query = raw.partition("?")
        host = self.headers.get("Host") or self.tunnel_host or ""
        scheme = "https" if self.tls else "http"
        return scheme, host, path or "/", query, ("tunnel" if self.tunnel_host else "direct")

    def _serve(self) -> None:
        method = self.command
        scheme, netloc, path, query, mode = self._target()
        host = _split_host(netloc)
        req_headers = dict(self.headers.items())
        resp = self.server.store.resolve(method, scheme, host, path, query, self.headers)
        if resp.note == "unknown host":
            logger.warning("fixtureweb: %s %s://%s%s for unknown host", method, scheme, host, path)
        delay = self.server.delay_ms + resp.delay_ms
        if delay > 0:
            time.sleep(delay / 1000.0)
        if self.server.holds:
            url = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
            for hold in list(self.server.holds):
                if hold.matches(url) and not hold._released.is_set():
                    hold.wait()
        head = method == "HEAD"
        fn: FaultFn | None = None
        note = resp.note
        if resp.fault is not None:
            name = str(resp.fault.get("name"))
            fn = FAULTS.get(name)
            if fn is None:
                resp = _text_response(500, f"fixtureweb: unknown fault {name!r}\n", "bad fault")
            else:
                note = f"fault:{name}"
        # The entry is recorded by send(), just before the bytes go out, so a client that has
        # read its response always finds the request in the log.
        self._pending = LoggedRequest(
            time=time.time(),
            method=method,
            scheme=scheme,
            host=host,
            path=path,
            query=query,
            headers=req_headers,
            status=resp.status,
            bytes_sent=0,
            conditional="If-None-Match" in self.headers or "If-Modified-Since" in self.headers,
            mode=mode,
            file=str(resp.file) if resp.file else None,
            note=note,
        )
        try:
            if fn is not None and resp.fault is not None:
                self.close_connection = True
                fn(self, resp, head, resp.fault)
            else:
                self.send_fixture_response(resp, head)
        finally:
            if self._pending is not None:  # nothing was sent (e.g. empty_reply)
                self.server.record(self._pending)
                self._pending = None

    def send(self, payload: bytes) -> None:
        """Write ``payload``; the first call also records the request in the log."""
        entry, self._pending = self._pending, None
        if entry is not None:
            entry.bytes_sent = len(payload)
            self.server.record(entry)
        self.wfile.write(payload)

    def header_block(
        self,
        resp: FixtureResponse,
        *,
        content_length: int | None = None,
        chunked: bool = False,
        close: bool = False,
    ) -> bytes:
        lines = [f"HTTP/1.1 {resp.status} {resp.reason}"]
        lines += [f"{k}: {v}" for k, v in resp.headers]
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        elif content_length is not None:
            lines.append(f"Content-Length: {content_length}")
        if close:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        out = bytearray()
        for line in lines:
            try:
                out += line.encode("latin-1")
            except UnicodeEncodeError:
                out += line.encode("utf-8")
            out += b"\r\n"
        return bytes(out + b"\r\n")

    def send_fixture_response(self, resp: FixtureResponse, head: bool) -> None:
        """Frame ``resp`` for this connection and :meth:`send` it."""
        http10 = self.request_version == "HTTP/1.0"
        no_body = resp.status in (204, 304) or 100 <= resp.status < 200
        body = b"" if no_body else resp.body
        chunked = resp.chunked and not no_body and not http10
        close = self.close_connection
        if no_body:
            block = self.header_block(resp, close=close)
        elif chunked:
            block = self.header_block(resp, chunked=True, close=close)
        elif resp.chunked:  # HTTP/1.0 client: close-delimited body
            close = self.close_connection = True
            block = self.header_block(resp, close=True)
        else:
            block = self.header_block(resp, content_length=len(body), close=close)
        if head or no_body:
            payload = block
        elif chunked:
            size = resp.chunk_size
            parts = [block]
            for i in range(0, len(body), size):
                piece = body[i : i + size]
                parts += [f"{len(piece):x}\r\n".encode(), piece, b"\r\n"]
            parts.append(b"0\r\n\r\n")
            payload = b"".join(parts)
        else:
            payload = block + body
        self.send(payload)


class Hold:
    """Requests whose URL contains ``url_part`` wait, before their answer is sent, until
    :meth:`release` (tests that need a crawl still running use this instead of a clock).
    ``arrived`` is set when the first such request comes in; ``count`` counts them."""

    #: a held request is answered after this long even without a release (a test that
    #: forgot to release must not hang the suite)
    LIMIT = 300.0

    def __init__(self, url_part: str) -> None:
        self.url_part = url_part
        self.arrived = threading.Event()
        self.count = 0
        self._released = threading.Event()

    def matches(self, url: str) -> bool:
        return self.url_part in url

    def wait(self) -> None:
        """Called by the request's handler thread."""
        self.count += 1
        self.arrived.set()
        self._released.wait(self.LIMIT)

    def wait_arrived(self, timeout: float = 60.0) -> bool:
        """Wait until a matching request has come in."""
        return self.arrived.wait(timeout)

    def release(self) -> None:
        """Answer the held requests, and any later ones at once."""
        self._released.set()

    def __enter__(self) -> Hold:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 512

    def __init__(
        self,
        address: tuple[str, int],
        store: FixtureStore,
        ssl_context: ssl.SSLContext,
        delay_ms: float,
        record: Callable[[LoggedRequest], None],
    ) -> None:
        self.store = store
        self.ssl_context = ssl_context
        self.delay_ms = delay_ms
        self.record = record
        self.holds: list[Hold] = []
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, sock: socket.socket) -> None:
        with self._conns_lock:
            self._conns.add(sock)

    def untrack(self, sock: socket.socket) -> None:
        with self._conns_lock:
            self._conns.discard(sock)

    def close_all_connections(self) -> None:
        with self._conns_lock:
            conns, self._conns = list(self._conns), set()
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ssl.SSLError)):
            logger.debug("fixtureweb: connection error from %s: %s", client_address, exc)
        else:
            logger.exception("fixtureweb: error handling request from %s", client_address)


class FixtureWeb:
    """The fixture web server; use as a context manager (or ``start()`` / ``stop()``).

    >>> with FixtureWeb(roots=[my_pages, FixtureWeb.default_root()]) as web:   # doctest: +SKIP
    ...     subprocess.run([...], env=web.env())
    ...     assert any(r.url == "https://example.test/" for r in web.requests)
    """

    def __init__(
        self,
        roots: Sequence[str | os.PathLike[str]] | None = None,
        delay_ms: float = 0,
        log_path: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.store = FixtureStore(list(roots) if roots else [self.default_root()])
        self.delay_ms = float(delay_ms)
        self.log_path = Path(log_path) if log_path is not None else None
        self.bind_host = host
        self.bind_port = port
        self._log: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._log_file: TextIO | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._holds: list[Hold] = []
        self.cert_pem: bytes = b""

    @staticmethod
    def default_root() -> Path:
        """The bundled fixture data: ``fixtureweb/web``."""
        return Path(__file__).resolve().parent / "web"

    # ---- lifecycle

    def start(self) -> FixtureWeb:
        if self._server is not None:
            return self
        cert_pem, key_pem = make_certificate(self.store.hosts())
        self.cert_pem = cert_pem
        ctx = _server_ssl_context(cert_pem, key_pem)
        if self.log_path is not None:
            self._log_file = self.log_path.open("a", encoding="utf-8")
        self._server = _Server(
            (self.bind_host, self.bind_port), self.store, ctx, self.delay_ms, self._record
        )
        self._server.holds = self._holds
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"fixtureweb:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def hold(self, url_part: str) -> Hold:
        """Hold every request whose URL contains ``url_part`` until the returned
        :class:`Hold` is released (``with web.hold(...)``: at the end of the block; at the
        latest at :meth:`stop`); see :class:`Hold`."""
        self._holds[:] = [h for h in self._holds if not h._released.is_set()]
        hold = Hold(url_part)
        self._holds.append(hold)
        return hold

    def release_all(self) -> None:
        """Release and forget every hold."""
        holds, self._holds[:] = list(self._holds), []
        for hold in holds:
            hold.release()

    def stop(self) -> None:
        self.release_all()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_all_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self._log_lock:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None

    def __enter__(self) -> FixtureWeb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- addresses

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("FixtureWeb is not running")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def port(self) -> int:
        return self.address[1]

    @property
    def proxy_url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """``base`` (default ``os.environ``) with every proxy variable pointing here.

        ``no_proxy``/``NO_PROXY`` (and ``all_proxy``/``ALL_PROXY``) are set to "" so nothing
        bypasses the fixture web.
        """
        env = dict(os.environ if base is None else base)
        url = self.proxy_url
        for name in ("http_proxy", "https_proxy"):
            env[name] = env[name.upper()] = url
        for name in ("no_proxy", "all_proxy"):
            env[name] = env[name.upper()] = ""
        return env

    # ---- the request log

    def _record(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self._log.append(entry)
            if self._log_file is not None:
                self._log_file.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")
                self._log_file.flush()

    @property
    def requests(self) -> list[LoggedRequest]:
        """A snapshot of the request log (CONNECTs included, with ``method == "CONNECT"``)."""
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def urls(self) -> list[str]:
        """URLs of all non-CONNECT requests, in order."""
        return [r.url for r in self.requests if r.method != "CONNECT"]
