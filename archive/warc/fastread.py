"""FastWARC's reading of our WARC files, for the files it reads exactly as warcio does.

The fast half of :mod:`archive.warc.reader` (``fast=True``; replay's two passes): about twice
warcio's speed (``bench/replay.py`` measures it). warcio stays the reference, and the fast path
raises :class:`FallBack` (the caller reads the file with warcio) whenever FastWARC could read a
file differently: any error, a block not of its Content-Length, a tail that is not one whole
gzip member, anything but one gzip member per record, uncompressed and ARC files. Records come
out as :class:`FastRecord`, the subset of warcio's ``ArcWarcRecord`` replay uses. Two
shortcuts: the crawl's CDXJ beside a file, when it fits exactly, lets the scan read responses
only as far as their heads; plain WARC heads are parsed here and inflated with ISA-L. Both are
checked against the whole-file scan and warcio by ``tests/test_fastread.py``; the rules in
full: docs/warc.md, "Reading WARC files". ``NEWSARCHIVE_WARC_READER=warcio`` turns it off.
Over 400 lines on purpose: the whole-file and the indexed scans share the record building and
the fall-back rules, and tests/test_fastread.py checks them against each other here.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from archive.warc.records import RecordAt, unwrap_target_uri

log = logging.getLogger(__name__)

#: environment variable: ``warcio`` forces warcio everywhere
READER_ENV = "NEWSARCHIVE_WARC_READER"

_GZIP_MAGIC = b"\x1f\x8b"


class FallBack(Exception):
    """FastWARC cannot be trusted to read this file as warcio would: read it with warcio."""


def enabled() -> bool:
    """Whether FastWARC is installed and not turned off by :data:`READER_ENV`."""
    if os.environ.get(READER_ENV, "").strip().lower() == "warcio":
        return False
    try:
        import fastwarc.warc  # noqa: F401
    except ImportError:
        return False
    return True


class Headers:
    """The subset of warcio's ``StatusAndHeaders`` that replay uses."""

    __slots__ = ("headers", "statusline", "protocol", "_index")

    def __init__(self, headers: list[tuple[str, str]], statusline: str = "",
                 protocol: str = "") -> None:
        self.headers = headers
        self.statusline = statusline
        self.protocol = protocol
        self._index: dict[str, str] | None = None

    def get_header(self, name: str, default: str | None = None) -> str | None:
        """The first header called ``name`` (any case), as warcio's ``get_header``."""
        if self._index is None:
            index: dict[str, str] = {}
            for key, value in self.headers:
                index.setdefault(key.lower(), value)
            self._index = index
        return self._index.get(name.lower(), default)

    def replace_header(self, name: str, value: str) -> None:
        """Set the first header called ``name`` (any case) to ``value``, or add it."""
        for i, (key, _old) in enumerate(self.headers):
            if key.lower() == name.lower():
                self.headers[i] = (key, value)
                break
        else:
            self.headers.append((name, value))
        self._index = None

    def get_statuscode(self) -> str:
        """The status code of an HTTP status line (``200 OK`` -> ``200``)."""
        return self.statusline.split(" ", 1)[0]


class FastRecord:
    """One record read by FastWARC, shaped like warcio's ``ArcWarcRecord`` for replay."""

    __slots__ = ("rec_type", "rec_headers", "http_headers", "raw_stream", "body_dropped")

    def __init__(self, rec_type: str | None, rec_headers: Headers, http_headers: Headers | None,
                 body: bytes, body_dropped: bool = False) -> None:
        self.rec_type = rec_type
        self.rec_headers = rec_headers
        self.http_headers = http_headers
        self.raw_stream: IO[bytes] = io.BytesIO(body)
        #: True when :func:`scan` was told not to keep this record's content
        self.body_dropped = body_dropped


def _record(rec: Any, want_body: Callable[[str | None, Headers], bool] | None = None
            ) -> FastRecord:
    """The FastRecord of a FastWARC record read with ``parse_http=False`` (its whole block is
    read here: FallBack when that is not Content-Length bytes); its content only when
    ``want_body`` (if given) says so."""
    block = rec.reader.read()
    if len(block) != rec.content_length:
        raise FallBack(f"record at {rec.stream_pos}: {len(block)} bytes, Content-Length "
                       f"{rec.content_length}")
    return _assemble(Headers([(k, v) for k, v in rec.headers.items()]), block, want_body)


def _assemble(rec_headers: Headers, block: bytes,
              want_body: Callable[[str | None, Headers], bool] | None) -> FastRecord:
    """The FastRecord of a record's WARC headers and block (the whole block, or for a record
    whose content is dropped, at least its HTTP head), as warcio reads them."""
    uri = rec_headers.get_header("WARC-Target-URI") or ""
    fixed = unwrap_target_uri(uri) or ""
    if fixed != uri:
        rec_headers.replace_header("WARC-Target-URI", fixed)
    rec_type = rec_headers.get_header("WARC-Type")  # as warcio: the header, as written
    http, start = None, 0
    # as warcio: HTTP headers of responses, requests and revisits with an http(s) URI and a
    # block
    if block and rec_type in ("response", "request", "revisit") and fixed.startswith(
            ("http:", "https:")):
        http, start = _http_head(block, rec_type)
    if want_body is not None and not want_body(rec_type, rec_headers):
        return FastRecord(rec_type, rec_headers, http, b"", body_dropped=True)
    return FastRecord(rec_type, rec_headers, http, block[start:] if start else block)


def _http_head(block: bytes, rec_type: str) -> tuple[Headers | None, int]:
    """(HTTP status line and headers, where the payload starts) of a record's block, exactly
    as warcio's parser (not verifying, as its ``ArchiveIterator``) reads them: plain heads
    (ASCII, no folded lines, every header line with a colon) here, the rest by warcio."""
    end = block.find(b"\r\n\r\n")
    if end > 0:
        head = block[:end]
        lines = head.split(b"\r\n")
        if (lines[0] and head.isascii() and head.count(b"\n") == len(lines) - 1
                and b"\r" not in head.replace(b"\r\n", b"")
                and all(b":" in line and line[:1] not in (b" ", b"\t") for line in lines[1:])):
            first = lines[0].decode("ascii").split(" ", 1)
            headers = []
            for line in lines[1:]:
                name, value = line.decode("ascii").split(":", 1)
                headers.append((name.rstrip(" \t"), value.lstrip()))
            status = first[1].strip() if len(first) > 1 else ""
            return Headers(headers, status, first[0]), end + 4
    from warcio.statusandheaders import StatusAndHeadersParser

    stream = io.BytesIO(block)
    try:
        parsed = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False).parse(stream)
    except EOFError:
        if rec_type == "revisit":
            return None, 0
        raise
    return Headers(list(parsed.headers), parsed.statusline, parsed.protocol), stream.tell()


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == _GZIP_MAGIC


def scan(path: str | os.PathLike[str],
         want_body: Callable[[str | None, Headers], bool] | None = None) -> list[RecordAt]:
    """Every record of ``path`` as ``(offset, length, FastRecord)``, read by FastWARC.

    ``want_body(rec_type, rec_headers)`` says which records' content is kept (all when None);
    the others are read to their end (to check their length) and dropped. Raises
    :class:`FallBack` when warcio should read the file instead (see the module docstring).
    The whole file is read before anything is returned, so a fall-back never leaves the
    caller with half a file.
    """
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    path = Path(path)
    size = path.stat().st_size
    if size == 0 or not _is_gzip(path):
        raise FallBack("not a gzip file")
    if want_body is not None:
        index = _index_beside(path)
        if index:
            try:
                return _scan_indexed(path, size, index, want_body)
            except FallBack as exc:  # the index does not describe the file: read it whole
                log.debug("%s: index not used (%s)", path, exc)
    found: list[tuple[int, FastRecord]] = []
    lengths: list[int] = []
    try:
        for rec in ArchiveIterator(str(path), record_types=WarcRecordType.any_type,
                                   parse_http=False, fsspec_args=False):
            offset = rec.stream_pos
            if found and offset <= found[-1][0]:
                raise FallBack(f"record offsets do not increase at {offset}")
            record = _record(rec, want_body)
            found.append((offset, record))
            lengths.append(rec.content_length)
    except FallBack:
        raise
    except Exception as exc:  # noqa: BLE001 - any FastWARC error: warcio decides
        raise FallBack(f"{type(exc).__name__}: {exc}") from exc
    if not found or found[0][0] != 0:
        raise FallBack("no record at offset 0")
    ends = [offset for offset, _record in found[1:]] + [size]
    last_offset = found[-1][0]
    if not _ends_at(path, last_offset, size):
        raise FallBack("the last record does not end where the file ends")
    _one_member_each(path, ends, lengths)
    return [RecordAt(offset, end - offset, record)
            for (offset, record), end in zip(found, ends, strict=True)]


def _one_member_each(path: Path, ends: list[int], lengths: list[int]) -> None:
    """FallBack unless each record plausibly is one gzip member: the member that ends where
    the next record starts must have inflated to the record's header, its Content-Length
    bytes and the closing CRLFs (its trailer's ISIZE). FastWARC reads a record across gzip
    members where warcio stops at the first member's end (a Content-Length too long for its
    member: warcio reports the record short, FastWARC takes the next members' bytes)."""
    with open(path, "rb") as fh:
        for end, length in zip(ends, lengths, strict=True):
            fh.seek(end - 4)
            isize = int.from_bytes(fh.read(4), "little")
            header = isize - length - 4
            if not 0 < header <= _MAX_WARC_HEAD:
                raise FallBack(f"the gzip member ending at {end} does not hold one whole record")


#: a WARC header longer than this is no header (as the checker's limit)
_MAX_WARC_HEAD = 1 << 18


def _ends_at(path: Path, offset: int, size: int) -> bool:
    """Whether exactly one complete gzip member starts at ``offset`` and ends at ``size``."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read(size - offset)
    inflater = zlib.decompressobj(31)
    try:
        inflater.decompress(data)
    except zlib.error:
        return False
    return inflater.eof and not inflater.unused_data


def scan_members(path: str | os.PathLike[str]) -> list[RecordAt]:
    """Every record of a gzip WARC with plain heads, read whole member by member as the
    indexed scan reads the records it keeps (heads parsed here, members inflated by ISA-L):
    what ``bench/replay.py`` times. Raises :class:`FallBack` where the scan would."""
    path = Path(path)
    return _scan_indexed(path, path.stat().st_size, {}, lambda _type, _headers: True)


def record_at(path: str | os.PathLike[str], offset: int) -> FastRecord:
    """The record that starts at ``offset`` of a gzip WARC, read by FastWARC (content kept).

    Raises :class:`FallBack` when FastWARC cannot read it or its block does not have the
    length its Content-Length says.
    """
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            if fh.read(2) != _GZIP_MAGIC:
                raise FallBack("not a gzip member")
            try:  # a plain head: inflated and parsed here (FastWARC's set-up costs more)
                return _whole_record(fh, offset, os.fstat(fh.fileno()).st_size, None)[0]
            except FallBack:
                pass
            fh.seek(offset)
            for rec in ArchiveIterator(fh, record_types=WarcRecordType.any_type,
                                       parse_http=False, fsspec_args=False):
                if rec.stream_pos not in (0, offset):
                    raise FallBack(f"no record at offset {offset}")
                return _record(rec)
    except FallBack:
        raise
    except Exception as exc:  # noqa: BLE001 - any FastWARC error: warcio decides
        raise FallBack(f"{type(exc).__name__}: {exc}") from exc
    raise FallBack(f"no record at offset {offset}")



# -- the scan with the file's own index ---------------------------------------------------
#
# A crawl writes ``<file>.cdxj`` beside each WARC when it closes it: the offset and length of
# every response and revisit record (and of the metadata records, which are not used here:
# replay wants their content, so they are read whole). Replay's scan keeps no response
# content (it reads each page again in the worker that extracts it), so with such an index it
# reads a response's member only as far as its WARC and HTTP heads and jumps to the next
# member, instead of inflating the whole page. The index is used only when it describes this
# very file: newer than the file, its lines name this file, each listed HTTP capture is a
# response or revisit at exactly that offset with the listed URL and digest, and the next
# member starts exactly where the listed length ends (or the file does). Anything else, and
# the file is scanned whole as before. The other records (warcinfo, request, metadata:
# small) are read whole, one member at a time. Records with plain WARC heads
# (:func:`_warc_head`: ours, wget's) are parsed here and inflated by ISA-L (FastWARC's set-up
# per record costs more than reading a small one); any other head makes the whole-file scan
# read the file.

#: compressed bytes read at the start of an indexed member, and at most how many bytes of it
#: are inflated for its WARC and HTTP heads (longer heads: the whole-file scan)
_HEAD_BYTES = 8192
_HEAD_BLOCK = 16384
_WINDOW = 1 << 16


def _index_beside(path: Path) -> dict[int, tuple[int, str, str | None]] | None:
    """``offset -> (length, url, digest)`` from the CDXJ written beside ``path`` for it, or
    None (no index, older than the file, unreadable, or about other files)."""
    index_path = path.with_name(path.name + ".cdxj")
    try:
        if index_path.stat().st_mtime < path.stat().st_mtime:
            return None  # the file changed after its index was written (a repair, a copy)
        text = index_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    entries: dict[int, tuple[int, str, str | None]] = {}
    try:
        for line in text.splitlines():
            if not line.strip():
                continue
            fields = json.loads(line.split(" ", 2)[2])
            if fields.get("filename") != path.name:
                return None
            if "status" not in fields and fields.get("mime") != "warc/revisit":
                continue  # not an HTTP capture (a metadata or resource record): read whole
            offset, length = int(fields["offset"]), int(fields["length"])
            if offset < 0 or length <= 0 or offset in entries:
                return None
            entries[offset] = (length, str(fields["url"]), fields.get("digest"))
    except (IndexError, KeyError, TypeError, ValueError):
        return None
    return entries


def _scan_indexed(path: Path, size: int, index: dict[int, tuple[int, str, str | None]],
                  want_body: Callable[[str | None, Headers], bool]) -> list[RecordAt]:
    """:func:`scan` with the file's index (see above); FallBack when it does not fit."""
    found: list[RecordAt] = []
    with open(path, "rb") as fh:
        pos = 0
        while pos < size:
            entry = index.get(pos)
            if entry is not None:
                length = entry[0]
                if pos + length > size:
                    raise FallBack(f"indexed record at {pos} ends after the file")
                fh.seek(pos)
                record = _head_only(fh.read(min(length, _HEAD_BYTES)), entry, want_body)
                if pos + length < size:
                    fh.seek(pos + length)
                    if fh.read(2) != _GZIP_MAGIC:
                        raise FallBack(f"no gzip member where the record at {pos} ends")
            else:
                record, length = _whole_record(fh, pos, size, want_body)
            found.append(RecordAt(pos, length, record))
            pos += length
    if not set(index) <= {record.offset for record in found}:
        raise FallBack("the index lists records the file does not have")
    return found


def _whole_record(fh: IO[bytes], pos: int, size: int,
                  want_body: Callable[[str | None, Headers], bool] | None
                  ) -> tuple[FastRecord, int]:
    """(the record, its compressed length) of the gzip member at ``pos``, inflated whole (its
    CRC checked) and its block checked against its Content-Length."""
    data, length = _member_at(fh, pos, size)
    rec_headers, content_length, start = _warc_head(data)
    block = data[start:-4]
    if len(block) != content_length or not data.endswith(b"\r\n\r\n"):
        raise FallBack(f"record at {pos}: {len(block)} bytes, Content-Length "
                       f"{content_length}")
    return _assemble(rec_headers, block, want_body), length


def _inflater() -> Any:
    """A gzip member inflater: ISA-L's (about 2.5 x zlib's speed) when installed."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib.decompressobj(31)
    return isal_zlib.decompressobj(31)


def _member_at(fh: IO[bytes], pos: int, size: int) -> tuple[bytes, int]:
    """(the inflated content, the compressed length) of the complete gzip member at ``pos``."""
    fh.seek(pos)
    inflater = _inflater()
    out: list[bytes] = []
    read = 0
    try:
        while not inflater.eof:
            chunk = fh.read(min(_WINDOW, size - pos - read))
            if not chunk:
                raise FallBack(f"gzip member at {pos} is cut short")
            read += len(chunk)
            out.append(inflater.decompress(chunk))
    except FallBack:
        raise
    except Exception as exc:  # noqa: BLE001 - zlib.error, isal's IsalError: a damaged member
        raise FallBack(f"gzip member at {pos}: {exc}") from exc
    return b"".join(out), read - len(inflater.unused_data)


#: a WARC head this reader takes as unambiguous: the version line, then header lines of a
#: token, a colon, a space and a value of printable ASCII without surrounding whitespace
#: (anything else: the whole-file scan reads the file)
_PLAIN_HEAD = re.compile(r"WARC/1\.[01](?:\r\n[!#$%&'*+.^_`|~0-9A-Za-z-]+: [!-~](?:[ -~]*[!-~])?)*")


def _warc_head(data: bytes) -> tuple[Headers, int, int]:
    """(WARC headers, Content-Length, where the block starts) of a record's first bytes, for
    the plain heads a WARC writer such as ours writes (``WARC/1.x``, ASCII, one header per
    line); FallBack for anything else."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        raise FallBack("no end of WARC head in the bytes read")
    head = data[:end]
    if not head.isascii() or _PLAIN_HEAD.fullmatch(text := head.decode("ascii")) is None:
        raise FallBack("a WARC head this reader leaves to FastWARC")
    rec_headers = Headers([tuple(line.split(": ", 1))  # type: ignore[misc]
                           for line in text.split("\r\n")[1:]])
    try:
        content_length = int(rec_headers.get_header("Content-Length") or "")
    except ValueError:
        raise FallBack("no valid Content-Length") from None
    return rec_headers, content_length, end + 4


def _head_only(prefix: bytes, entry: tuple[int, str, str | None],
               want_body: Callable[[str | None, Headers], bool]) -> FastRecord:
    """The record the index lists at this member, its content dropped, from the member's first
    bytes. FallBack when it is not the record the index lists, or its content is wanted, or its
    heads are longer than what was read."""
    inflater = zlib.decompressobj(31)
    try:
        data = inflater.decompress(prefix, 4096)  # enough for the heads of most records
        if data.count(b"\r\n\r\n") < 2 and inflater.unconsumed_tail:
            data += inflater.decompress(inflater.unconsumed_tail, _HEAD_BLOCK - len(data))
    except zlib.error as exc:
        raise FallBack(f"indexed member: {exc}") from exc
    rec_headers, content_length, start = _warc_head(data)
    rec_type = rec_headers.get_header("WARC-Type")
    if want_body(rec_type, rec_headers):
        raise FallBack("an indexed record whose content is wanted")
    block = data[start:start + content_length]
    if len(block) < content_length and b"\r\n\r\n" not in block:
        raise FallBack("an HTTP head longer than the bytes read")
    _length, url, digest = entry
    uri = rec_headers.get_header("WARC-Target-URI") or ""
    payload_digest = rec_headers.get_header("WARC-Payload-Digest") or ""
    if (rec_type not in ("response", "revisit") or url not in (uri, unwrap_target_uri(uri))
            or (digest and payload_digest.removeprefix("sha1:") != digest)):
        raise FallBack("the record at an indexed offset is not the one the index lists")
    return _assemble(rec_headers, block, want_body)
