"""Rotating WARC writer: one gzip member per record, ``.open`` while written, pointers out.

Over 400 lines on purpose: records, digests, rotation and crash-safe writes share one lock.

More: docs/modules.md, ``archive/warc/writer.py``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import re
import socket
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders

from archive.warc.indexer import cdxj_line, write_index_lines

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
#: zlib level of each record's gzip member (the WARC_GZIP_LEVEL setting). On 100 KB news
#: pages level 3 costs 0.78 ms/page against 1.41 ms at gzip's default 6, for files about 11 %
#: larger (0.258 vs 0.233 of the raw size): compression is the largest part of archiving's
#: CPU on the crawl's one reactor thread, disk is cheap.
GZIP_LEVEL = 3
#: which deflate implementation compresses the members (the WARC_GZIP_ENGINE setting):
#: ``isal`` (Intel's ISA-L igzip, the ``isal`` package: about 5 x faster than zlib at the same
#: size on news pages) or ``zlib``. Both write standard gzip members any WARC reader inflates.
GZIP_ENGINE = "isal"
GZIP_ENGINES = ("isal", "zlib")


def isal_level(zlib_level: int) -> int | None:
    """ISA-L's level (0-3) closest in output size to zlib's ``zlib_level`` on news pages, or
    None for level 0 (zlib's stored blocks: ISA-L has no such level). On the bench site's 100 KB
    pages (``python -m bench.compression --pages 400``, compressed / raw): zlib 1 0.269, 3
    0.258, 6 0.233, 9 0.230; ISA-L 1 0.258, 2 0.254, 3 0.248 (its smallest: where files must
    be as small as zlib 6-9 makes them, use the zlib engine)."""
    if zlib_level <= 0:
        return None
    if zlib_level <= 2:
        return 1
    return 2 if zlib_level <= 5 else 3


def _isal_zlib() -> Any:
    try:
        from isal import isal_zlib
    except ImportError:  # a platform without the isal wheel: zlib does the same job
        return None
    return isal_zlib


WARC_1_1 = "WARC/1.1"
WARC_1_0 = "WARC/1.0"


def check_options(warc_version: str, gzip_level: int, gzip_engine: str, *,
                  names: tuple[str, str, str] = ("WARC version", "gzip level", "gzip engine"),
                  ) -> str:
    """The WARC version as records state it (``WARC/1.1``), after refusing (``ValueError``)
    a version, gzip level or engine the writer cannot use. ``names``: what the message calls
    the three (a crawl names its settings, so that it can refuse them before it starts)."""
    version = str(warc_version)
    if version in ("1.1", "1.0"):
        version = "WARC/" + version
    if version not in (WARC_1_1, WARC_1_0):
        raise ValueError(f"{names[0]} must be 1.1 or 1.0, not {warc_version!r}")
    if not 0 <= gzip_level <= 9:
        raise ValueError(f"{names[1]} must be 0-9, not {gzip_level}")
    if gzip_engine not in GZIP_ENGINES:
        raise ValueError(f"{names[2]} must be one of {', '.join(GZIP_ENGINES)}, "
                         f"not {gzip_engine!r}")
    return version


@dataclass(frozen=True)
class RecordPointer:
    """Where a record lives: enough to seek to it and to prove which bytes a text came from."""

    filename: str  #: base name of the closed file (never the ``.open`` name)
    offset: int  #: byte offset of the record's gzip member (or record) in the file
    length: int  #: bytes the record occupies in the file (compressed)
    record_id: str  #: ``<urn:uuid:...>``
    warc_type: str
    target_uri: str
    warc_date: str
    payload_digest: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as written to ``articles.jsonl``."""
        return {"filename": self.filename, "offset": self.offset, "length": self.length,
                "record_id": self.record_id, "warc_type": self.warc_type,
                "target_uri": self.target_uri, "warc_date": self.warc_date,
                "payload_digest": self.payload_digest}


def sha1_digest(data: bytes) -> str:
    """``sha1:<BASE32>``, the digest form used by Heritrix, warcio and pywb."""
    return _sha1_label(hashlib.sha1(data))


def _sha1_label(sha1: Any) -> str:
    return "sha1:" + base64.b32encode(sha1.digest()).decode("ascii")


def http_mime_status(head: bytes) -> tuple[str | None, str | None]:
    """(media type of the Content-Type header, status code) of an HTTP response head, as
    warcio reads them (header text as UTF-8, else Latin-1), for the CDXJ index."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("iso-8859-1")
    lines = text.split("\r\n")
    first = lines[0].split(" ", 2)
    status = first[1] if len(first) > 1 else None
    mime = None
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == "content-type":
            mime = re.split(r"[;\s]", value.strip(), maxsplit=1)[0].strip()
            break
    return mime, status


def warc_date(timestamp: float | None = None, version: str = WARC_1_1) -> str:
    """A WARC-Date: microseconds in WARC/1.1, whole seconds in WARC/1.0."""
    dt = datetime.fromtimestamp(timestamp if timestamp is not None else _now(), UTC)
    if version == WARC_1_1:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> float:
    return datetime.now(UTC).timestamp()


def new_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` record id."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def http_head(first_line: str, headers: Iterable[tuple[bytes | str, bytes | str]]) -> bytes:
    """Serialise an HTTP status/request line and headers, byte for byte, ending in CRLF CRLF."""
    out = bytearray(first_line.encode("latin-1") + b"\r\n")
    for name, value in headers:
        out += _b(name) + b": " + _b(value) + b"\r\n"
    out += b"\r\n"
    return bytes(out)


def _b(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1", "replace")


class WarcWriter:
    """Writes the WARC files of one crawl process. See the module docstring."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        prefix: str = "newsarchive",
        max_size: int = 1_000_000_000,
        warc_version: str = WARC_1_1,
        gzip: bool = True,
        fsync: bool = False,
        warcinfo: Mapping[str, str] | None = None,
        hostname: str | None = None,
        on_close: Callable[[Path], None] | None = None,
        gzip_level: int | None = None,
        index: bool = False,
        gzip_engine: str = GZIP_ENGINE,
    ) -> None:
        level = GZIP_LEVEL if gzip_level is None else int(gzip_level)
        warc_version = check_options(warc_version, level, gzip_engine)
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = max_size
        self.warc_version = warc_version
        self.gzip = gzip
        self.fsync = fsync
        self.warcinfo_fields = dict(warcinfo or {})
        self.hostname = hostname or socket.gethostname()
        self.on_close = on_close
        self.gzip_level = level
        #: the module whose ``compress`` makes each member, and the level it is given
        self._deflate: Any = zlib
        self._deflate_level = self.gzip_level
        if gzip_engine == "isal" and isal_level(self.gzip_level) is not None:
            isal_zlib = _isal_zlib()
            if isal_zlib is None:
                logger.warning("WARC gzip engine isal: the isal package is not installed; "
                               "compressing with zlib")
            else:
                self._deflate, self._deflate_level = isal_zlib, isal_level(self.gzip_level)
        self.gzip_engine = "isal" if self._deflate is not zlib else "zlib"
        #: write ``<file>.cdxj`` beside each file as it closes, from lines made while writing
        self.index = index
        self._index_lines: list[str] = []
        self.closed_files: list[Path] = []
        self._lock = threading.RLock()
        self._serial = 0
        self._fh: io.RawIOBase | None = None
        self._path: Path | None = None  # final name; the file on disk has OPEN_SUFFIX
        self._batch: list[bytes] | None = None  # records held by _together()
        self._held = 0

    # -- file management -------------------------------------------------------------------

    @property
    def current_path(self) -> Path | None:
        """Final path of the file being written (it exists on disk with ``.open`` appended)."""
        return self._path

    def _file_name(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
        ext = ".warc.gz" if self.gzip else ".warc"
        host = "".join(c if c.isalnum() or c in "-." else "-" for c in self.hostname)
        return f"{self.prefix}-{stamp}-{self._serial:05d}-{os.getpid()}~{host}{ext}"

    def _ensure_file(self) -> None:
        if self._fh is not None and self._fh.tell() >= self.max_size:
            self._close_current()
        if self._fh is None:
            self._serial += 1
            path = self.directory / self._file_name()
            while path.exists() or Path(str(path) + OPEN_SUFFIX).exists():
                self._serial += 1
                path = self.directory / self._file_name()
            # unbuffered: a failed write leaves nothing behind in a buffer (see _write_all)
            self._fh = open(str(path) + OPEN_SUFFIX, "xb", buffering=0)  # noqa: SIM115
            self._path = path
            self._write_warcinfo()

    def _close_current(self) -> None:
        fh, path = self._fh, self._path
        self._fh = self._path = None
        if fh is None or path is None:
            return
        fh.flush()
        os.fsync(fh.fileno())
        empty = fh.tell() == 0
        fh.close()
        if empty:  # not even its warcinfo could be written (full disk): nothing to keep
            os.unlink(str(path) + OPEN_SUFFIX)
            return
        os.replace(str(path) + OPEN_SUFFIX, path)
        self.closed_files.append(path)
        lines, self._index_lines = self._index_lines, []
        if self.index:

            try:
                write_index_lines(path, lines)
            except Exception as exc:  # noqa: BLE001 - a full disk: the WARC itself is intact
                logger.error("could not index %s: %s (the WARC is intact; run `python -m "
                             "archive index`)", path, exc)
        if self.on_close is not None:
            self.on_close(path)

    def close(self) -> None:
        """Flush, fsync, close and rename the current file. Safe to call twice."""
        with self._lock:
            self._close_current()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- records ---------------------------------------------------------------------------

    def _write(
        self,
        warc_type: str,
        target_uri: str | None,
        block: bytes | tuple[bytes, ...],
        *,
        content_type: str,
        date: str,
        record_id: str | None = None,
        payload_digest: str | None = None,
        extra: Iterable[tuple[str, str]] = (),
        index: tuple[str | None, str | None] | None = None,
    ) -> RecordPointer:
        """Write one record whose block is ``block`` exactly (bytes, or parts to be written one
        after the other without joining them). Caller holds the lock. ``index`` = (mime,
        status) makes the record an entry of the file's CDXJ index."""
        assert self._fh is not None and self._path is not None
        parts = block if isinstance(block, tuple) else (block,)
        record_id = record_id or new_record_id()
        headers: list[tuple[str, str]] = [("WARC-Type", warc_type), ("WARC-Record-ID", record_id)]
        headers.append(("WARC-Date", date))
        if target_uri is not None:
            headers.append(("WARC-Target-URI", target_uri))
        headers.extend(extra)
        block_sha1 = hashlib.sha1()
        for part in parts:
            block_sha1.update(part)
        headers.append(("WARC-Block-Digest", _sha1_label(block_sha1)))
        if payload_digest:
            headers.append(("WARC-Payload-Digest", payload_digest))
        headers.append(("Content-Type", content_type))
        headers.append(("Content-Length", str(sum(len(p) for p in parts))))
        head = StatusAndHeaders("", headers, protocol=self.warc_version).to_bytes(
            encoding="utf-8"
        )
        pieces = (head, *parts, b"\r\n\r\n")
        if self.gzip:
            # one call per record (the GIL is handed back and forth once, not once per piece)
            data = self._deflate.compress(b"".join(pieces), self._deflate_level,
                                          zlib.MAX_WBITS + 16)
        else:
            data = b"".join(pieces)
        offset = self._fh.tell() + self._held
        if self._batch is not None:
            self._batch.append(data)
            self._held += len(data)
        else:
            self._write_all(data, offset)
            if self.fsync:
                os.fsync(self._fh.fileno())
        if self.index and index is not None and target_uri:

            mime, status = index
            # a record without WARC-Payload-Digest (metadata) is indexed with its block's
            # sha1, as the indexers compute it
            line = cdxj_line(target_uri, date, mime=mime, status=status,
                             digest=payload_digest or _sha1_label(block_sha1),
                             length=len(data), offset=offset, filename=self._path.name)
            if line is not None:
                self._index_lines.append(line)
        return RecordPointer(
            filename=self._path.name,
            offset=offset,
            length=len(data),
            record_id=record_id,
            warc_type=warc_type,
            target_uri=target_uri or "",
            warc_date=date,
            payload_digest=payload_digest,
        )

    @contextmanager
    def _together(self) -> Iterator[None]:
        """Records written inside go to the file in one write (a response and its request):
        a full disk never leaves half an exchange, and a killed process rarely can."""
        assert self._fh is not None
        self._batch, self._held = [], 0
        indexed = len(self._index_lines)
        try:
            yield
            data = b"".join(self._batch)
        finally:
            self._batch, self._held = None, 0
        try:
            self._write_all(data, self._fh.tell())
        except BaseException:
            del self._index_lines[indexed:]  # those records are not in the file
            raise
        if self.fsync:
            os.fsync(self._fh.fileno())

    def _write_all(self, data: bytes, offset: int) -> None:
        """Write all of ``data`` at ``offset``; on failure cut the file back to ``offset``."""
        assert self._fh is not None
        view = memoryview(data)
        try:
            while view:
                written = self._fh.write(view)
                if not written:
                    raise OSError("short write: no bytes written")
                view = view[written:]
        except BaseException:
            try:
                os.ftruncate(self._fh.fileno(), offset)
                self._fh.seek(offset)
            except OSError:
                pass  # the partial record stays at the tail; `archive check --repair` cuts it
            raise

    def _write_warcinfo(self) -> None:
        assert self._path is not None
        fields = {
            "software": self.warcinfo_fields.get("software", "newsarchive"),
            "format": f"WARC File Format {self.warc_version[5:]}",
            "conformsTo": (
                "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
                if self.warc_version == WARC_1_1
                else "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf"
            ),
            "hostname": self.hostname,
        }
        fields.update((k, v) for k, v in self.warcinfo_fields.items() if k != "software")
        body = "".join(f"{k}: {_one_line(v)}\r\n" for k, v in fields.items()).encode("utf-8")
        self._write(
            "warcinfo",
            None,
            body,
            content_type="application/warc-fields",
            date=warc_date(version=self.warc_version),
            extra=[("WARC-Filename", self._path.name)],
        )

    def write_exchange(
        self,
        *,
        url: str,
        response_head: bytes,
        body: bytes,
        request_head: bytes,
        request_body: bytes = b"",
        timestamp: float | None = None,
        ip_address: str | None = None,
        truncated: str | None = None,
        extra_response_headers: Iterable[tuple[str, str]] = (),
        payload_digest: str | None = None,
    ) -> RecordPointer:
        """Write a ``response`` record and its ``request`` record; return the response's pointer.

        ``response_head``/``request_head`` are complete HTTP heads (see :func:`http_head`);
        ``truncated`` is a WARC-Truncated reason (``length``, ``time``, ``disconnect``...) when
        the body is known to be incomplete; ``payload_digest`` is ``sha1_digest(body)`` when the
        caller has it already.
        """
        date = warc_date(timestamp, self.warc_version)
        extra = list(extra_response_headers)
        if ip_address:
            extra.insert(0, ("WARC-IP-Address", ip_address))
        if truncated:
            extra.append(("WARC-Truncated", truncated))
        with self._lock:
            self._ensure_file()
            with self._together():
                pointer = self._write(
                    "response",
                    url,
                    (response_head, body),
                    content_type="application/http; msgtype=response",
                    date=date,
                    payload_digest=payload_digest or sha1_digest(body),
                    extra=extra,
                    index=http_mime_status(response_head),
                )
                self._write(
                    "request",
                    url,
                    (request_head, request_body),
                    content_type="application/http; msgtype=request",
                    date=date,
                    payload_digest=sha1_digest(request_body),
                    extra=[("WARC-Concurrent-To", pointer.record_id)],
                )
        return pointer

    def write_metadata(
        self,
        url: str,
        fields: Iterable[tuple[str, str]] | bytes,
        *,
        refers_to: str | None = None,
        content_type: str = "application/warc-fields",
        timestamp: float | None = None,
    ) -> RecordPointer:
        """Write a ``metadata`` record with target URI ``url`` (warc-fields lines, or raw bytes).

        A record about a page that is not ``application/warc-fields`` belongs under a URI of
        its own (:func:`archive.warc.targeturi.about`), not the page's: it is indexed (here as
        well, like pywb and cdxj-indexer index it) and a replay tool would serve it."""
        if isinstance(fields, bytes):
            block = fields
        else:
            block = "".join(f"{k}: {_one_line(v)}\r\n" for k, v in fields).encode("utf-8")
        extra = [("WARC-Refers-To", refers_to)] if refers_to else []
        mime = content_type.split(";")[0].strip()
        with self._lock:
            self._ensure_file()
            return self._write(
                "metadata",
                url,
                block,
                content_type=content_type,
                date=warc_date(timestamp, self.warc_version),
                extra=extra,
                index=None if mime == "application/warc-fields" else (mime, None),
            )

    def write_revisit(
        self,
        *,
        url: str,
        response_head: bytes,
        payload_digest: str,
        profile: str,
        refers_to: str,
        refers_to_uri: str,
        refers_to_date: str,
        request_head: bytes,
        timestamp: float | None = None,
        ip_address: str | None = None,
    ) -> RecordPointer:
        """Write a ``revisit`` record (HTTP head only) and its request; return its pointer.

        ``profile`` is ``identical-payload-digest`` or ``server-not-modified``; the profile URI
        follows the file's WARC version.
        """
        version = self.warc_version[5:]
        profile_uri = f"http://netpreserve.org/warc/{version}/revisit/{profile}"
        extra = [
            ("WARC-Profile", profile_uri),
            ("WARC-Refers-To", refers_to),
            ("WARC-Refers-To-Target-URI", refers_to_uri),
            ("WARC-Refers-To-Date", refers_to_date),
        ]
        if ip_address:
            extra.insert(0, ("WARC-IP-Address", ip_address))
        date = warc_date(timestamp, self.warc_version)
        with self._lock:
            self._ensure_file()
            with self._together():
                pointer = self._write(
                    "revisit",
                    url,
                    response_head,
                    content_type="application/http; msgtype=response",
                    date=date,
                    payload_digest=payload_digest,
                    extra=extra,
                    index=("warc/revisit", http_mime_status(response_head)[1]),
                )
                self._write(
                    "request",
                    url,
                    request_head,
                    content_type="application/http; msgtype=request",
                    date=date,
                    payload_digest=sha1_digest(b""),
                    extra=[("WARC-Concurrent-To", pointer.record_id)],
                )
        return pointer


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
