"""The bundled web on disk: (scheme, host, path, query, headers) -> a :class:`FixtureResponse`.

Pure file-system logic, independent of sockets. The data layout (host directories,
``_routes.json``, ``*.meta.json`` sidecars, ``_host.json``), default headers and conditional
requests are described in docs/fixtureweb.md.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import hashlib
import json
import logging
import mimetypes
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from fixtureweb.fixtureresponse import FixtureResponse, reason_phrase, text_response
from fixtureweb.httpheaders import accepts_gzip, etag_matches, merge_headers, split_host

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
ROBOTS_BODIES = {
    "allow-all": "User-agent: *\nDisallow:\n",
    "disallow-all": "User-agent: *\nDisallow: /\n",
}


def normalise_target(path: str, query: str) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    pairs = parse_qsl(query, keep_blank_values=True) if query else []
    return unquote_to_bytes(path or "/"), tuple(sorted(pairs))



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
            table[normalise_target(rpath, rquery)] = (
                {"file": spec} if isinstance(spec, str) else dict(spec)
            )
        self._routes_cache[path] = (routes, table)
        return table

    def find_route(self, host: str, path: str, query: str) -> dict[str, Any] | None:
        """The first route (upper roots first) whose normalised target equals the request's."""
        wanted = normalise_target(path, query)
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
        host = split_host(host)
        if not self.host_dirs(host):
            return text_response(
                502, f"fixtureweb: no fixture host {host!r}\n", note="unknown host"
            )
        host_cfg = self.host_config(host)
        if host_cfg.get("redirect_to"):
            status = int(host_cfg.get("redirect_status", 301))
            location = str(host_cfg["redirect_to"]).rstrip("/") + (path or "/")
            resp = FixtureResponse(status, reason_phrase(status), note="host redirect")
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
                    return text_response(500, f"fixtureweb: bad route target {target!r}\n")
                found = self.find_file(host, segs, str(target).endswith("/"))
                if found is None:
                    return text_response(
                        500, f"fixtureweb: route target {target!r} missing\n", note="bad route"
                    )
            else:
                found = (None, {})
            options = route
        else:
            segments = self._segments(path or "/")
            if segments is None:
                return text_response(404, "404 Not Found\n", note="rejected path")
            found = self.find_file(host, segments, (path or "/").endswith("/"))
            if found is None:
                robots = host_cfg.get("robots")
                if segments == ["robots.txt"] and robots in ROBOTS_BODIES:
                    resp = text_response(200, ROBOTS_BODIES[robots], note="synthetic robots.txt")
                    resp.headers[-1] = ("Content-Type", "text/plain")
                    return self._finish(resp, {}, host_cfg, headers, method, None, 0)
                return text_response(404, "404 Not Found\n", note="no such file")

        body_file, sidecar = found
        meta = {**(sidecar or {}), **{k: v for k, v in options.items() if k != "file"}}
        if "headers" in options and sidecar and "headers" in sidecar:
            meta["headers"] = {**sidecar["headers"], **options["headers"]}

        status = int(meta.get("status", 200))
        resp = FixtureResponse(status=status,
                               reason=str(meta.get("reason") or reason_phrase(status)))
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
        resp.headers = merge_headers(resp.headers, host_cfg.get("headers"))
        resp.headers = merge_headers(resp.headers, meta.get("headers"))
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
                not_modified = bool(etag) and etag_matches(inm, etag or "")
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
                resp.status, resp.reason = 304, reason_phrase(304)
                resp.headers = [h for h in resp.headers if h[0].lower() in keep]
                resp.body = b""
                resp.chunked = False
                resp.note = resp.note or "not modified"
                return resp

        if (
            meta.get("gzip")
            and resp.body
            and resp.header("Content-Encoding") is None
            and accepts_gzip(req_headers.get("Accept-Encoding"))
        ):
            resp.body = self._gzip(body_file, mtime_ns, resp.body)
            resp.headers.append(("Content-Encoding", "gzip"))
        if meta.get("gzip") and resp.header("Vary") is None:
            resp.headers.append(("Vary", "Accept-Encoding"))
        return resp
