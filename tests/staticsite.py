"""A static web server for one folder on 127.0.0.1, with byte ranges, as a plain web server
(nginx, ``http-server``) serves ReplayWeb.page and a WACZ: ReplayWeb.page reads a WACZ by
range requests (its index blocks, then each record), not as a whole.

``http.server`` answers ``Range`` with the whole file; this handler answers a single
``bytes=`` range with ``206 Partial Content`` and says ``Accept-Ranges: bytes``. Every request
is noted in :attr:`StaticSite.requests` (method, path, range, status).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path
from typing import Any

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


class _Handler(http.server.SimpleHTTPRequestHandler):
    site: StaticSite

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".wacz": "application/wacz",
                      ".json": "application/json"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self) -> Any:
        wanted = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if not wanted or not path.is_file():
            self.site.requests.append((self.command, self.path, None, 200))
            return super().send_head()
        size = path.stat().st_size
        m = _RANGE.match(wanted.strip())
        if not m or m.groups() == ("", ""):
            self.site.requests.append((self.command, self.path, wanted, 416))
            self.send_error(416, "Range Not Satisfiable")
            return None
        first, last = m.groups()
        if first == "":  # the last N bytes
            start, end = max(size - int(last), 0), size - 1
        else:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        if start >= size or start > end:
            self.site.requests.append((self.command, self.path, wanted, 416))
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        fh = open(path, "rb")  # noqa: SIM115 - closed by copyfile's caller (do_GET)
        fh.seek(start)
        self.site.requests.append((self.command, self.path, wanted, 206))
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return _Slice(fh, end - start + 1)


class _Slice:
    """A file object that ends ``length`` bytes after where it stands."""

    def __init__(self, fh: Any, length: int) -> None:
        self.fh, self.left = fh, length

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.fh.read(n)
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.fh.close()


class StaticSite:
    """Serve ``root`` on 127.0.0.1 (a free port) while in a ``with`` block."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[tuple[str, str, str | None, int]] = []
        handler = type("Handler", (_Handler,), {"site": self})
        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StaticSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)
