"""Strict WARC validation: the engine behind ``python -m archive check``.

``warcio check`` only verifies digests of records that warcio's lenient reader manages to
parse. This checker walks the file itself, byte by byte, so that it can say exactly where and
why a file is broken. Every problem carries the file, the byte offset of the record (in the
file as stored, i.e. the offset of the record's gzip member for ``.warc.gz``), the record id
when the header was readable, and a message. What is checked:

Framing (``kind="framing"``/``"gzip"``/``"file"``)
    * the file is gzip (detected by its magic bytes, not its name) or plain WARC, and not empty;
    * gzip is walked member by member, tracking the compressed offset of each member: the
      RFC 1952 header is parsed here, the deflate data inflated with ``zlib.decompressobj``
      (raw, so that the data before a bad trailer is still seen) and the CRC32/ISIZE trailer
      checked here. A member cut short (EOF in its header, data or trailer), a corrupt member
      (zlib error, CRC or ISIZE mismatch) and non-gzip bytes between or after members
      ("garbage after the last record") are reported; after a corrupt member the walk resumes
      at the next plausible member (gzip magic whose first bytes inflate to ``WARC/``);
    * each gzip member must hold exactly one record (the layout every WARC tool writes and
      CDX indexes rely on); a record running past its member is a Content-Length problem;
    * each record starts with ``WARC/<version>``, has a header ended by an empty line, then
      exactly Content-Length bytes of block, then exactly ``\\r\\n\\r\\n``, then the next record
      or the end of the member/file. A mismatch is diagnosed by looking for where the next
      record really starts: "Content-Length N too long/too short: the block is M bytes". A
      record shorter than its Content-Length at the end of the data is "truncated".
    * After a framing error the walk resynchronises at the next record start (next gzip
      member, or the next ``WARC/1.x`` line in a plain file) so later problems are reported too.

Header fields (``kind="header"``)
    * mandatory WARC-Record-ID, WARC-Date, WARC-Type, Content-Length, each exactly once;
    * version ``WARC/1.0`` or ``WARC/1.1``;
    * WARC-Date (and WARC-Refers-To-Date): ``YYYY-MM-DDThh:mm:ssZ``; WARC/1.1 also allows a
      fraction of a second (1-9 digits); the date must exist on the calendar;
    * record ids (WARC-Record-ID, WARC-Concurrent-To, WARC-Refers-To, WARC-Warcinfo-ID) are
      ``<uri>``; header lines end in CRLF and have a ``name: value`` form;
    * WARC-Target-URI present on response/request/revisit/resource/conversion records (a
      ``<...>`` wrapped URI, as wget writes, is accepted and unwrapped);
    * revisit records have a WARC-Profile, and identical-payload-digest revisits a
      WARC-Payload-Digest.

Digests (``kind="digest"``)
    * ``algo:value`` with algo sha1, sha256, sha512 or md5 and the value in base32 (the usual
      form), base16 or base64;
    * WARC-Block-Digest is over the whole block (all Content-Length bytes), revisits included;
    * WARC-Payload-Digest is over the payload: for ``application/http`` blocks, the bytes after
      the HTTP header's empty line *as stored* (not decompressed); otherwise the whole block.
      Revisit payload digests name the original's payload and are not recomputed. If the
      stored HTTP headers still say ``Transfer-Encoding: chunked`` the stored bytes include the
      chunk framing; warcio, wget and (older) Heritrix digest those bytes as stored, while the
      WARC 1.1 text says "with any transfer-encoding removed". We accept either: the digest
      must equal the stored-bytes digest (warcio's convention) or the de-chunked digest; a
      mismatch message shows both computed values. (A body stored already de-chunked under a
      leftover ``Transfer-Encoding: chunked`` header, as newsarchive's writer stores it,
      matches the stored-bytes digest.) WARC-Segment-Number records' payloads are not checked.

References across all the given files (``kind="reference"``)
    * duplicate WARC-Record-IDs;
    * every http(s) response is paired with a request (a request whose WARC-Concurrent-To names
      the response, or the response's WARC-Concurrent-To naming a request, as wget writes it),
      and every request with a response or revisit;
    * WARC-Refers-To / WARC-Concurrent-To of other records, and WARC-Warcinfo-ID, name a
      record present in the given files;
    * a revisit's original exists: WARC-Refers-To if present (and its target URI, date and,
      for identical-payload-digest, payload digest agree with the revisit's WARC-Refers-To-*
      fields), else a response for WARC-Refers-To-Target-URI (or the revisit's own target)
      with the same payload digest (identical-payload-digest) or WARC-Refers-To-Date
      (server-not-modified).

Leftovers (``kind="file"``)
    * ``*.open`` files (given, found beside a given file, or in a given directory): the writer
      died or is still running. Their records are checked like any other.

Nothing raises: any unexpected exception while checking a file becomes a problem.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import json
import os
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b\x08"
ARC_MAGIC = b"filedesc://"
#: other compressions a WARC is sometimes found in: named, not walked as plain bytes
_OTHER_COMPRESSION = ((b"\x04\x22\x4d\x18", "LZ4 (frame format)"),
                      (b"\x28\xb5\x2f\xfd", "zstd"), (b"BZh", "bzip2"),
                      (b"\xfd7zXZ", "xz"))
CHUNK = 1 << 16
MAX_HEADER = 1 << 18  # a WARC record header larger than 256 KiB is treated as garbage
MAX_HTTP_HEADER = 1 << 20
WARC_VERSIONS = ("WARC/1.0", "WARC/1.1")
#: drafts before the ISO standard, still in old archives (Heritrix 1.x wrote 0.17 and 0.18);
#: their records are laid out as in 1.0, and warcio and pywb read them as such
OLD_WARC_VERSIONS = ("WARC/0.17", "WARC/0.18")
ERROR = "error"
WARNING = "warning"
NEEDS_TARGET = ("response", "request", "revisit", "resource", "conversion", "continuation")
MANDATORY = ("WARC-Record-ID", "WARC-Date", "WARC-Type", "Content-Length")
SINGLE = MANDATORY + ("WARC-Block-Digest", "WARC-Payload-Digest", "WARC-Target-URI",
                      "WARC-Refers-To", "WARC-Profile")
ID_FIELDS = ("WARC-Concurrent-To", "WARC-Refers-To", "WARC-Warcinfo-ID")
DIGEST_ALGOS = {"sha1": "sha1", "sha-1": "sha1", "sha256": "sha256", "sha-256": "sha256",
                "sha512": "sha512", "sha-512": "sha512", "md5": "md5"}
RECORD_ID_RE = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>]+>")
DATE_10_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
DATE_11_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z")
RECORD_START_RE = re.compile(rb"WARC/\d+\.\d+\r?\n")
OPEN_SUFFIX = ".open"
WARC_SUFFIXES = (".warc", ".warc.gz")


# --------------------------------------------------------------------------------------------
# results


@dataclass
class Problem:
    """One thing wrong with one file: where (file, byte offset, record id) and what."""

    file: str
    offset: int | None
    record_id: str | None
    message: str
    kind: str = "framing"
    record_type: str | None = None
    #: ``error`` (damaged, or against the WARC standard: fails the check) or ``warning``
    #: (legal but notable: reported, fails only ``check --strict``); see docs/warc.md
    severity: str = ERROR

    def __post_init__(self) -> None:
        if self.offset is not None and self.offset < 0:  # never print a negative offset
            self.offset = None

    @property
    def is_error(self) -> bool:
        """Whether this problem fails the check (warnings fail only ``--strict``)."""
        return self.severity == ERROR

    def format(self) -> str:
        """``file: offset N: <record id>: message`` (``-`` when there is no record id), with
        ``warning: `` before the message of a warning."""
        offset = "-" if self.offset is None else str(self.offset)
        level = "" if self.is_error else f"{self.severity}: "
        return f"{self.file}: offset {offset}: {self.record_id or '-'}: {level}{self.message}"

    def to_json(self) -> str:
        """The problem as one JSON object on one line."""
        return json.dumps({
            "file": self.file, "offset": self.offset, "record_id": self.record_id,
            "record_type": self.record_type, "kind": self.kind, "message": self.message,
            "severity": self.severity,
        }, sort_keys=True)


@dataclass
class RecordInfo:
    """What the cross-file checks and the repairer need to know about one record."""

    file: str
    offset: int  # offset in the stored file (gzip member start for .warc.gz)
    d_start: int  # offset in the decompressed stream
    d_end: int = 0  # decompressed offset just after the record's trailing CRLFCRLF
    c_end: int | None = None  # stored offset just after the record (end of its gzip member)
    aligned: bool = True  # the record is exactly one gzip member (always true for plain files)
    complete: bool = False  # header, block and trailer all present and framed correctly
    record_id: str | None = None
    rec_type: str | None = None
    target: str | None = None
    date: str | None = None
    payload_digest: tuple[str, bytes] | None = None
    concurrent_to: list[str] = field(default_factory=list)
    refers_to: str | None = None
    refers_to_target: str | None = None
    refers_to_date: str | None = None
    profile: str | None = None
    warcinfo_id: str | None = None


@dataclass
class Dropped:
    """A stretch of a file that is not a complete record (what a repair would drop)."""

    offset: int
    length: int
    reason: str
    record_id: str | None = None
    rec_type: str | None = None


@dataclass
class FileReport:
    """Everything learned about one file."""

    path: str
    size: int = 0
    gzipped: bool = False
    version: str | None = None
    records: list[RecordInfo] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    incomplete_tail: bool = False
    unclosed: bool = False
    readable: bool = True
    #: ``ARC`` for an ARC file (read record by record, see archive/warc/arcchecker.py), else None
    format: str | None = None
    #: the WACZ package the file was taken from (extracted: it cannot be repaired in place)
    package: str | None = None
    #: the file on disk when it is not ``path`` (a WACZ member, extracted)
    source: str | None = None

    @property
    def errors(self) -> list[Problem]:
        """The problems that fail the check."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The problems reported as warnings."""
        return [p for p in self.problems if not p.is_error]

    def failed(self, strict: bool = False) -> bool:
        """Whether this file fails the check (with ``strict``, warnings fail it too)."""
        return bool(self.problems if strict else self.errors)

    @property
    def complete_records(self) -> list[RecordInfo]:
        """Records that are structurally whole (what a repair keeps)."""
        return [r for r in self.records if r.complete]

    def type_counts(self) -> Counter[str]:
        """How many records of each WARC-Type (``?`` for records without a readable type)."""
        return Counter(r.rec_type or "?" for r in self.records)

    def summary(self) -> str:
        """One line: record count, types counted, format."""
        counts = self.type_counts()
        types = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        fmt = "gzip" if self.gzipped else "uncompressed"
        errors, warnings = len(self.errors), len(self.warnings)
        status = f"{errors} error(s)" if errors else "OK"
        if warnings:
            status += f", {warnings} warning(s)"
        version = f", {self.format or self.version}" if self.format or self.version else ""
        return (f"{self.path}: {status}: {len(self.records)} records ({types or 'none'})"
                f"{version}, {fmt}, {self.size} bytes")


# --------------------------------------------------------------------------------------------
# the byte stream: plain bytes, or gzip members one after another


class _Stream:
    """Decompressed view of a WARC file that knows where each gzip member starts and ends.

    Reads never cross the end of a gzip member (except at ``cross_at``, the start of the
    record being read), so a record that runs past its member shows up as a short read whose
    cause ``end_status`` tells: member ended cleanly ("ok"), "truncated" (EOF inside the
    member) or "corrupt" (zlib error). For plain files, offsets are file offsets.
    """

    def __init__(self, fh: BinaryIO, gzipped: bool, size: int) -> None:
        self.fh = fh
        self.gzipped = gzipped
        self.size = size
        self.pos = 0
        self.cross_at = 0
        self._buf = bytearray()
        self._bstart = 0
        self._done = False
        self._d: zlib._Decompress | None = None  # type: ignore[name-defined]
        self._cpos = 0
        self._cbuf = b""
        self._mstart_c = 0
        self._crc = 0
        self._isize = 0
        self._starts: list[tuple[int, int]] = []  # (d_start, c_start), sorted
        self._ends: list[int] = []  # sorted d offsets where a member ends
        self.end_info: dict[int, tuple[str, int, int, str]] = {}  # d -> status, c0, c1, detail
        self.skipped: dict[int, int] = {}  # c_start -> length of non-gzip bytes
        self.damaged: dict[int, tuple[int, str]] = {}  # c_start -> (d_end, detail)

    # -- producing data

    @property
    def _bend(self) -> int:
        return self._bstart + len(self._buf)

    def _peek_c(self, n: int) -> bytes:
        if len(self._cbuf) < n:
            self.fh.seek(self._cpos + len(self._cbuf))
            self._cbuf += self.fh.read(max(n - len(self._cbuf), CHUNK))
        return self._cbuf[:n]

    def _plausible_member(self, c: int) -> bool:
        self.fh.seek(c)
        data = self.fh.read(CHUNK)
        try:
            out = zlib.decompressobj(31).decompress(data, 8)
        except zlib.error:
            return False
        return out.startswith(b"WARC/") if len(out) >= 5 else b"WARC/".startswith(out)

    def _find_member(self, start: int) -> int | None:
        pos = start
        while pos < self.size:
            self.fh.seek(pos)
            chunk = self.fh.read(CHUNK + 2)
            if len(chunk) < 3:
                return None
            i = chunk.find(GZIP_MAGIC)
            while i != -1:
                if self._plausible_member(pos + i):
                    return pos + i
                i = chunk.find(GZIP_MAGIC, i + 1)
            pos += max(1, len(chunk) - 2)
        return None

    def _finish_member(self, status: str, detail: str) -> None:
        d = self._bend
        if d not in self.end_info:
            bisect.insort(self._ends, d)
        self.end_info[d] = (status, self._mstart_c, self._cpos, detail)
        if status != "ok":
            self.damaged[self._mstart_c] = (d, detail)
        self._d = None

    def _header_length(self) -> int | str:
        """Length of the gzip member header at _cpos (RFC 1952), "truncated" if the file ends
        inside it, or a reason why it is not a valid header."""
        head = self._peek_c(10)
        if len(head) < 10:
            return "truncated"
        if head[2] != 8:
            return f"unknown gzip compression method {head[2]}"
        flags = head[3]
        if flags & 0xE0:
            return f"reserved gzip header flags set ({flags:#x})"
        n = 10
        if flags & 4:  # FEXTRA
            extra = self._peek_c(n + 2)
            if len(extra) < n + 2:
                return "truncated"
            n += 2 + int.from_bytes(extra[n:n + 2], "little")
        for flag in (8, 16):  # FNAME, FCOMMENT: zero-terminated
            if flags & flag:
                data = self._peek_c(n + MAX_HEADER)
                end = data.find(b"\0", n)
                if end == -1:
                    return "truncated" if len(data) < n + MAX_HEADER else "gzip header too long"
                n = end + 1
        if flags & 2:  # FHCRC
            n += 2
        return n if len(self._peek_c(n)) == n else "truncated"

    def _start_member(self) -> bool:
        head = self._peek_c(3)
        if not head:
            self._done = True
            return False
        if head != GZIP_MAGIC:
            nxt = self._find_member(self._cpos + 1)
            stop = self.size if nxt is None else nxt
            self.skipped[self._cpos] = stop - self._cpos
            self._cbuf = b""
            self._cpos = stop
            if nxt is None:
                self._done = True
                return False
        self._mstart_c = self._cpos
        entry = (self._bend, self._cpos)
        i = bisect.bisect_left(self._starts, entry)
        if i == len(self._starts) or self._starts[i] != entry:
            self._starts.insert(i, entry)
        hlen = self._header_length()
        if hlen == "truncated":
            self._cpos, self._cbuf = self.size, b""
            self._finish_member("truncated", f"gzip member at offset {self._mstart_c} is "
                                "truncated (end of file inside its gzip header)")
            self._done = True
            return True
        if isinstance(hlen, str):
            self._finish_member("corrupt", f"gzip member at offset {self._mstart_c} is corrupt: "
                                f"{hlen}")
            self._resync()
            return True
        self._cpos += hlen
        self._cbuf = self._cbuf[hlen:]
        self._d = zlib.decompressobj(-zlib.MAX_WBITS)
        self._crc = 0
        self._isize = 0
        return True

    def _resync(self) -> None:
        """After a corrupt member: continue at the next plausible member, if any."""
        nxt = self._find_member(self._mstart_c + 1)
        self._d = None
        self._cbuf = b""
        if nxt is None:
            if self._mstart_c + 1 < self.size:
                self._cpos = self.size
            self._done = True
        else:
            self._cpos = nxt

    def _end_of_deflate(self) -> None:
        """The deflate stream ended: check the 8-byte gzip trailer (CRC32, ISIZE)."""
        trailer = self._peek_c(8)
        if len(trailer) < 8:
            self._cpos += len(trailer)
            self._cbuf = b""
            self._finish_member("truncated", f"gzip member at offset {self._mstart_c} is "
                                f"truncated (end of file inside its 8-byte gzip trailer)")
            self._done = True
            return
        self._cpos += 8
        self._cbuf = self._cbuf[8:]
        crc = int.from_bytes(trailer[:4], "little")
        isize = int.from_bytes(trailer[4:], "little")
        if crc != self._crc:
            self._finish_member("corrupt", f"gzip member at offset {self._mstart_c} is corrupt: "
                                f"CRC32 mismatch (trailer {crc:08x}, data {self._crc:08x})")
        elif isize != self._isize & 0xFFFFFFFF:
            self._finish_member("corrupt", f"gzip member at offset {self._mstart_c} is corrupt: "
                                f"ISIZE {isize} but {self._isize} bytes inflated")
        else:
            self._finish_member("ok", "")

    def _produce(self) -> bool:
        """Decompress/read some more; False when nothing more will ever come."""
        if self._done:
            return False
        if not self.gzipped:
            self.fh.seek(self._bend)
            data = self.fh.read(CHUNK)
            if not data:
                self._done = True
                return False
            self._buf += data
            return True
        if self._d is None:
            return self._start_member()
        data = self._cbuf
        if not data:
            self.fh.seek(self._cpos)
            data = self.fh.read(CHUNK)
        if not data:
            self._finish_member(
                "truncated",
                f"gzip member at offset {self._mstart_c} is truncated (end of file after "
                f"{self._cpos - self._mstart_c} compressed bytes, before the gzip trailer)")
            self._done = True
            return True
        try:
            out = self._d.decompress(data, CHUNK)
        except zlib.error as exc:
            self._finish_member(
                "corrupt", f"gzip member at offset {self._mstart_c} is corrupt: {exc}")
            self._resync()
            return True
        eof = self._d.eof
        leftover = self._d.unused_data if eof else self._d.unconsumed_tail
        consumed = len(data) - len(leftover)
        self._cpos += consumed
        self._cbuf = leftover
        self._buf += out
        self._crc = zlib.crc32(out, self._crc)
        self._isize += len(out)
        if eof:
            self._d = None
            self._end_of_deflate()
        elif not out and not consumed:  # pragma: no cover - zlib always progresses
            self._finish_member("corrupt", f"gzip member at offset {self._mstart_c} stalls")
            self._done = True
        return True

    # -- reading

    def _next_end(self, d: int) -> int | None:
        i = bisect.bisect_right(self._ends, d)
        return self._ends[i] if i < len(self._ends) else None

    def _avail(self) -> int:
        """Bytes readable at pos without crossing a member end (0: stop here)."""
        while True:
            bend = self._bend
            if self.pos < bend:
                end = self._next_end(self.pos)
                return (bend if end is None else min(end, bend)) - self.pos
            if self.pos in self.end_info and self.pos != self.cross_at:
                return 0
            if not self._produce():
                return 0

    def _prune(self) -> None:
        keep_from = self.pos - 4 * CHUNK
        if keep_from - self._bstart > 4 * CHUNK:
            del self._buf[: keep_from - self._bstart]
            self._bstart = keep_from

    def read(self, n: int) -> bytes:
        """Up to n bytes, stopping early at a member end or EOF."""
        out = bytearray()
        while len(out) < n:
            avail = self._avail()
            if not avail:
                break
            i = self.pos - self._bstart
            take = min(avail, n - len(out))
            out += self._buf[i:i + take]
            self.pos += take
        self._prune()
        return bytes(out)

    def readline(self, limit: int) -> bytes:
        """One line including its LF, or less at a member end, EOF or after limit bytes."""
        out = bytearray()
        while len(out) < limit:
            avail = self._avail()
            if not avail:
                break
            i = self.pos - self._bstart
            seg = self._buf[i:i + min(avail, limit - len(out))]
            j = seg.find(b"\n")
            if j != -1:
                seg = seg[:j + 1]
            out += seg
            self.pos += len(seg)
            if j != -1:
                break
        self._prune()
        return bytes(out)

    def peek(self, n: int) -> bytes:
        """Like read, without consuming."""
        pos = self.pos
        data = self.read(n)
        self.seek(pos)
        return data

    def seek(self, d: int) -> None:
        """Go to decompressed offset d (re-inflating from the member start if needed)."""
        if self._bstart <= d <= self._bend:
            self.pos = d
            return
        if not self.gzipped:
            self._buf = bytearray()
            self._bstart = self.pos = d
            self._done = False
            return
        i = bisect.bisect_right(self._starts, (d, self.size + 1)) - 1
        d0, c0 = self._starts[max(i, 0)] if self._starts else (0, 0)
        self._d = None
        self._cpos, self._cbuf = c0, b""
        self._buf = bytearray()
        self._bstart = self.pos = d0
        self._done = False
        while self.pos < d:
            self.cross_at = self.pos
            avail = self._avail()
            if not avail:
                break
            self.pos += min(avail, d - self.pos)
            self._prune()

    # -- where are we

    def end_status(self) -> tuple[str, int, int, str]:
        """Why a read stopped at pos: ("ok"|"truncated"|"corrupt", c_start, c_end, detail) at
        a member end, or ("eof", size, size, "") at the end of a plain file."""
        return self.end_info.get(self.pos, ("eof", self.size, self.size, ""))

    def at_member_end(self) -> bool:
        """True when pos is the end of a gzip member."""
        return self.pos in self.end_info

    def member_of(self, d: int) -> tuple[int, bool]:
        """(stored offset of the member holding decompressed offset d, d is the member start)."""
        if not self.gzipped:
            return d, True
        i = bisect.bisect_right(self._starts, (d, self.size + 1)) - 1
        if i < 0:
            return 0, d == 0
        d0, c0 = self._starts[i]
        return c0, d0 == d

    def stored_offset(self, d: int | None) -> int:
        """Best stored-file offset for decompressed offset d (None: end of file)."""
        if d is None:
            return self.size
        if not self.gzipped:
            return d
        if d in self.end_info:
            return self.end_info[d][2]
        return self.member_of(d)[0]


# --------------------------------------------------------------------------------------------
# digests


def parse_digest(value: str) -> tuple[str, bytes, str]:
    """Parse ``algo:value`` into (hashlib name, raw digest, encoding).

    Encoding is "base32", "base16" or "base64", recognised by length and alphabet.
    Raises ValueError with a readable reason.
    """
    algo, sep, text = value.strip().partition(":")
    if not sep:
        raise ValueError(f"malformed digest {value!r}: expected algorithm:value")
    name = DIGEST_ALGOS.get(algo.lower())
    if name is None:
        raise ValueError(f"unsupported digest algorithm {algo!r} in {value!r}")
    size = hashlib.new(name).digest_size
    text = text.strip()
    if len(text) == 2 * size and re.fullmatch(r"[0-9A-Fa-f]+", text):
        return name, bytes.fromhex(text), "base16"
    b32 = text.upper().rstrip("=")
    if re.fullmatch(r"[A-Z2-7]+", b32) and len(b32) == -(-size * 8 // 5):
        raw = base64.b32decode(b32 + "=" * (-len(b32) % 8))
        return name, raw, "base32"
    try:
        alt = b"-_" if ("-" in text or "_" in text) else None
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=alt, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == size:
        return name, raw, "base64"
    raise ValueError(f"malformed digest value in {value!r}: not base32, base16 or base64 "
                     f"of a {name} digest")


def format_digest(algo: str, raw: bytes, encoding: str = "base32") -> str:
    """``algo:value`` in the given encoding (base32 without padding for sha1, as WARCs use)."""
    if encoding == "base16":
        text = raw.hex()
    elif encoding == "base64":
        text = base64.b64encode(raw).decode()
    else:
        text = base64.b32encode(raw).decode()
    return f"{algo}:{text}"


class _Dechunker:
    """Incremental HTTP/1.1 chunked transfer-coding decoder feeding a hash."""

    def __init__(self, sink: hashlib._Hash) -> None:  # type: ignore[name-defined]
        self.sink = sink
        self.state = "size"
        self.line = bytearray()
        self.left = 0
        self.error = False

    def feed(self, data: bytes) -> None:
        i, n = 0, len(data)
        while i < n and not self.error and self.state != "done":
            if self.state in ("size", "crlf", "trailer"):
                j = data.find(b"\n", i)
                part = data[i:] if j == -1 else data[i:j]
                self.line += part
                if len(self.line) > 4096:
                    self.error = True
                    return
                if j == -1:
                    return
                i = j + 1
                line = bytes(self.line).strip()
                self.line.clear()
                if self.state == "crlf":
                    if line:
                        self.error = True
                    self.state = "size"
                elif self.state == "trailer":
                    if not line:
                        self.state = "done"
                else:
                    size_text = line.split(b";", 1)[0].strip()
                    try:
                        self.left = int(size_text, 16)
                    except ValueError:
                        self.error = True
                        return
                    self.state = "data" if self.left else "trailer"
            else:  # data
                take = min(self.left, n - i)
                self.sink.update(data[i:i + take])
                self.left -= take
                i += take
                if not self.left:
                    self.state = "crlf"


class _BlockHashes:
    """Hashes of one block as it streams by: block, payload as stored, payload de-chunked."""

    def __init__(self, block_algo: str | None, payload_algo: str | None, http: bool) -> None:
        self.block = hashlib.new(block_algo) if block_algo else None
        self.payload_algo = payload_algo
        self.payload = hashlib.new(payload_algo) if payload_algo else None
        self.dechunked: hashlib._Hash | None = None  # type: ignore[name-defined]
        self._dechunker: _Dechunker | None = None
        self.http = http
        self._hdr: bytearray | None = bytearray() if http else None
        self._searched = 0
        self.http_headers: bytes | None = None
        self.chunked = False

    def _payload(self, data: bytes) -> None:
        if self.payload is not None and data:
            self.payload.update(data)
        if self._dechunker is not None and data:
            self._dechunker.feed(data)

    def _headers_done(self, head: bytes, body: bytes) -> None:
        self.http_headers = head
        self._hdr = None
        for line in head.split(b"\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
                self.chunked = True
        if self.chunked and self.payload_algo:
            self.dechunked = hashlib.new(self.payload_algo)
            self._dechunker = _Dechunker(self.dechunked)
        self._payload(body)

    def feed(self, data: bytes) -> None:
        """Add the next piece of the block."""
        if self.block is not None:
            self.block.update(data)
        if self._hdr is None:
            self._payload(data)
            return
        self._hdr += data
        start = max(0, self._searched - 3)
        ends = [(i, 4) for i in [self._hdr.find(b"\r\n\r\n", start)] if i != -1]
        ends += [(i, 2) for i in [self._hdr.find(b"\n\n", start)] if i != -1]
        if ends:
            i, k = min(ends)
            buf = bytes(self._hdr)
            self._headers_done(buf[:i + k], buf[i + k:])
        elif len(self._hdr) > MAX_HTTP_HEADER:
            self._headers_done(bytes(self._hdr), b"")
        else:
            self._searched = len(self._hdr)

    def finish(self) -> None:
        """End of block: HTTP headers never terminated count as all-header, empty payload."""
        if self._hdr is not None:
            self._headers_done(bytes(self._hdr), b"")


# --------------------------------------------------------------------------------------------
# walking one file


def _unwrap(uri: str | None) -> str | None:
    if uri and uri.startswith("<") and uri.endswith(">"):
        return uri[1:-1]
    return uri


def _parse_date(value: str, version: str | None) -> datetime | None:
    """A WARC-Date as datetime, or None when malformed for the record's WARC version."""
    pattern = DATE_10_RE if version == "WARC/1.0" else DATE_11_RE
    if not pattern.fullmatch(value):
        return None
    try:
        return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None


def _show(data: bytes, n: int = 24) -> str:
    return repr(bytes(data[:n])) + ("..." if len(data) > n else "")


class _Walker:
    """Checks the records of one file in order; fills a FileReport."""

    def __init__(self, fh: BinaryIO, report: FileReport) -> None:
        self.fh = fh
        self.report = report
        self.name = report.path
        self.s: _Stream | None = None
        self.multi_noted: set[int] = set()
        self.events: list[tuple[int, int, int, str]] = []  # (offset, d, seq, "rec"|"drop")
        self._values: dict[str, list[str]] = {}
        self.versions_noted: set[str] = set()

    def problem(self, offset: int | None, message: str, kind: str = "framing",
                rec: RecordInfo | None = None, severity: str = ERROR) -> None:
        self.report.problems.append(Problem(
            self.name, offset, rec.record_id if rec else None, message, kind,
            rec.rec_type if rec else None, severity))

    def walk(self) -> None:
        fh = self.fh
        fh.seek(0, os.SEEK_END)
        size = self.report.size = fh.tell()
        fh.seek(0)
        if size == 0:
            self.problem(0, "empty file: not a WARC file", "file")
            return
        magic = fh.read(4)
        for prefix, what in _OTHER_COMPRESSION:
            if magic.startswith(prefix):
                self.problem(0, f"compressed with {what}, which WARC readers do not read (only "
                             "gzip, one member per record): decompress it first", "file")
                return
        magic = magic[:3]
        gz = self.report.gzipped = magic == GZIP_MAGIC
        if self.name.removesuffix(OPEN_SUFFIX).endswith(".gz") and not gz:
            self.problem(0, "named .gz but not gzip data", "file")
        s = self.s = _Stream(fh, gz, size)
        if s.peek(len(ARC_MAGIC)) == ARC_MAGIC:
            from archive.warc.arcchecker import ArcWalker

            ArcWalker(self).walk()
            self.finish()
            return
        while True:
            s.cross_at = s.pos
            if not s.peek(1):
                break
            start = s.pos
            resync = self.record(start)
            if resync is False:
                continue
            if resync is None:
                break
            s.seek(max(int(resync), start + 1))
        self.finish()

    def finish(self) -> None:
        s = self.s
        assert s is not None
        seen = {r.offset for r in self.report.records} | {d.offset for d in self.report.dropped}
        for c, (_d, detail) in sorted(s.damaged.items()):
            if c not in seen:  # a damaged member that yielded no record at all
                length = s.end_info.get(_d, ("", c, c, ""))[2] - c
                self.problem(c, detail, "gzip")
                self.report.dropped.append(Dropped(c, max(length, 0), detail))
                self.events.append((c, 1 << 62, len(self.events), "drop"))
        for c, length in sorted(s.skipped.items()):
            where = "after the last record" if c + length >= s.size else "between records"
            self.problem(c, f"garbage {where}: {length} bytes that are not a gzip member")
            self.report.dropped.append(Dropped(c, length, "not gzip data"))
            self.events.append((c, 1 << 62, len(self.events), "drop"))
        self.events.sort()
        self.report.incomplete_tail = bool(self.events) and self.events[-1][3] == "drop"
        self.report.dropped.sort(key=lambda d: d.offset)

    def drop(self, rec: RecordInfo, resync: int | None, reason: str) -> None:
        s = self.s
        assert s is not None
        end = s.stored_offset(resync)
        last = self.report.problems[-1] if self.report.problems else None
        if last is not None and last.offset == rec.offset and last.kind != "header":
            reason = last.message
        self.report.dropped.append(
            Dropped(rec.offset, max(0, end - rec.offset), reason, rec.record_id, rec.rec_type))
        self.events.append((rec.offset, rec.d_start, len(self.events), "drop"))

    def scan(self, d_from: int) -> tuple[int | None, bytes]:
        """Next record start at or after d_from without leaving the gzip member: (its
        decompressed offset, the 4 bytes before it). A cleanly ended member's end counts as a
        record start; a damaged member's end too (with no bytes before); None: end of file."""
        s = self.s
        assert s is not None
        s.seek(d_from)
        s.cross_at = -1
        carry = b""
        base = s.pos
        while True:
            data = s.read(CHUNK)
            if not data:
                if s.at_member_end():
                    return s.pos, (carry[-4:] if s.end_status()[0] == "ok" else b"")
                return None, carry[-4:]
            buf = carry + data
            m = RECORD_START_RE.search(buf)
            if m:
                return base + m.start(), buf[max(0, m.start() - 4):m.start()]
            keep = min(len(buf), 16)
            base += len(buf) - keep
            carry = buf[-keep:]

    def misframed(self, rec: RecordInfo, cl: int, block_start: int, got: int,
                  found: bytes) -> int | None:
        """The bytes after the header do not fit Content-Length. Report the most precise
        diagnosis and return where the next record starts (None: end of file).

        ``got`` is how many bytes after the header were present before the data stopped (or
        cl + 4 when they were all there but did not end in CRLFCRLF), ``found`` their tail.
        """
        s = self.s
        assert s is not None
        need = cl + 4
        if got < need:
            status, c0, _c1, detail = s.end_status()
            here = s.pos
            if status in ("truncated", "corrupt"):
                prefix = "record truncated: " if status == "truncated" else ""
                self.problem(rec.offset, f"{prefix}{detail}; {got} of the {need} bytes after the "
                             f"header present (Content-Length {cl})", "gzip", rec)
                return here
            if status == "ok":
                if found.endswith(b"\r\n\r\n") and got - 4 < cl:
                    msg = f"Content-Length {cl} too long: the block is {got - 4} bytes"
                else:
                    msg = (f"Content-Length {cl} runs past the end of the record's data "
                           f"({got} bytes after the header, ending {_show(found[-8:])})")
                self.problem(rec.offset, f"{msg} (gzip member at offset {c0} ends there)",
                             rec=rec)
                return here
        nxt, before = self.scan(block_start)
        if nxt is not None and before == b"\r\n\r\n" and nxt - 4 - block_start != cl:
            actual = nxt - 4 - block_start
            how = "too long" if actual < cl else "too short"
            self.problem(rec.offset, f"Content-Length {cl} {how}: the block is {actual} bytes "
                         "(where the next record starts)", rec=rec)
        elif nxt is None and got < need:
            self.problem(rec.offset, f"record truncated: the file ends {need - got} bytes early "
                         f"({got} of the {need} bytes Content-Length {cl} calls for, block "
                         "plus closing \\r\\n\\r\\n)", rec=rec)
        else:
            self.problem(rec.offset, f"Content-Length {cl} does not match the data: expected "
                         f"\\r\\n\\r\\n after the block, found {_show(found)}", rec=rec)
        return nxt

    def header_fail(self, rec: RecordInfo, message: str, kind: str = "framing",
                    garbage: bytes | None = None) -> int | None:
        """The record header is unusable: report, drop up to the next record start."""
        nxt, _ = self.scan(rec.d_start + 1)
        s = self.s
        assert s is not None
        if garbage is not None and nxt is None and rec.d_start > 0:
            length = s.size - rec.offset if rec.aligned else None
            size = f"{length} bytes" if length is not None else "data"
            message = f"garbage after the last record: {size} starting {_show(garbage)}"
        elif garbage is not None and not rec.aligned:
            message = f"{message} (inside the gzip member, after its first record)"
        self.problem(rec.offset, message, kind, rec)
        self.drop(rec, nxt, message)
        return nxt

    def record(self, start: int) -> int | None | bool:
        """Check the record at decompressed offset start. False: it was whole, carry on;
        otherwise the offset to resume at (None: nothing more)."""
        s = self.s
        assert s is not None
        report = self.report
        first = s.readline(MAX_HEADER)
        offset, member_start = s.member_of(start)
        rec = RecordInfo(file=self.name, offset=offset, d_start=start)
        rec.aligned = not s.gzipped or member_start
        if not first.startswith(b"WARC/"):
            if not first.endswith(b"\n") and s.at_member_end() and s.end_status()[0] != "ok":
                status, _c0, _c1, detail = s.end_status()
                prefix = "record truncated: " if status == "truncated" else ""
                return self.header_fail(rec, f"{prefix}{detail}", "gzip")
            if start == 0:
                what = "not a WARC file: it " + ("inflates to" if s.gzipped else "starts with")
                return self.header_fail(rec, f"{what} {_show(first)}", "file")
            return self.header_fail(
                rec, f"not a WARC record: expected WARC/1.x at the record start, found "
                f"{_show(first)}", garbage=first)
        if s.gzipped and not member_start and offset not in self.multi_noted:
            self.multi_noted.add(offset)
            self.problem(offset, "gzip member holds more than one record (write one gzip "
                         "member per record)", "gzip")
        version = first.rstrip(b"\r\n").decode("utf-8", "replace")
        crlf_ok = first.endswith(b"\r\n") and not first.endswith(b"\r\r\n")
        crcr = first.endswith(b"\r\r\n")
        lines: list[bytes] = []
        total = len(first)
        while True:
            line = s.readline(MAX_HEADER - total + 1)
            total += len(line)
            if not line.endswith(b"\n"):
                status, _c0, _c1, detail = s.end_status()
                if total > MAX_HEADER:
                    why = f"record header longer than {MAX_HEADER} bytes"
                elif status == "eof":
                    why = "record truncated: the file ends inside the record header"
                elif status == "ok":
                    why = "the gzip member ends inside the record header"
                elif status == "truncated":
                    why = f"record truncated inside the record header: {detail}"
                else:
                    why = f"{detail} (inside the record header)"
                self._parse_header(rec, version, lines, quiet=True)
                return self.header_fail(rec, why, "gzip" if status in ("truncated", "corrupt")
                                        else "framing")
            # a CR CR LF line end (a text-mode copy turned each LF into CR LF) still ends
            # the line, so that the rest of the record is checked and named for what it is
            if line in (b"\r\n", b"\n", b"\r\r\n"):
                crlf_ok = crlf_ok and line == b"\r\n"
                crcr = crcr or line == b"\r\r\n"
                break
            crlf_ok = crlf_ok and line.endswith(b"\r\n") and not line.endswith(b"\r\r\n")
            crcr = crcr or line.endswith(b"\r\r\n")
            lines.append(line)
        report.records.append(rec)
        if report.version is None:
            report.version = version
        cl = self._parse_header(rec, version, lines)
        if crcr:
            self.problem(rec.offset, "header lines end in CR CR LF (\\r\\r\\n), not CRLF: "
                         "the file went through a text-mode line-end conversion, which also "
                         "changes the blocks' lengths", "header", rec)
        elif not crlf_ok:
            self.problem(rec.offset, "header lines must end in CRLF", "header", rec)
        if cl is None:
            resync, _ = self.scan(s.pos)
            self.drop(rec, resync, "no usable Content-Length")
            return resync
        return self._block(rec, cl)

    def _parse_header(self, rec: RecordInfo, version: str, lines: list[bytes],
                      quiet: bool = False) -> int | None:
        """Fill rec from the header lines; report field problems; return Content-Length."""
        fields: list[tuple[str, str]] = []
        bad_lines: list[bytes] = []
        for raw in lines:
            text = raw.rstrip(b"\r\n").decode("utf-8", "replace")
            if raw[:1] in (b" ", b"\t") and fields:
                name, value = fields[-1]
                fields[-1] = (name, value + " " + text.strip())
                continue
            name, sep, value = text.partition(":")
            if not sep or not name.strip() or name != name.strip():
                bad_lines.append(raw)
                continue
            fields.append((name.strip(), value.strip()))
        values: dict[str, list[str]] = {}
        for name, value in fields:
            values.setdefault(name.lower(), []).append(value)

        def get(name: str) -> str | None:
            got = values.get(name.lower())
            return got[0] if got else None

        rec.record_id = get("WARC-Record-ID")
        rec.rec_type = get("WARC-Type")
        rec.target = _unwrap(get("WARC-Target-URI"))
        rec.date = get("WARC-Date")
        rec.concurrent_to = values.get("warc-concurrent-to", [])
        rec.refers_to = get("WARC-Refers-To")
        rec.refers_to_target = _unwrap(get("WARC-Refers-To-Target-URI"))
        rec.refers_to_date = get("WARC-Refers-To-Date")
        rec.profile = get("WARC-Profile")
        rec.warcinfo_id = get("WARC-Warcinfo-ID")
        cl_text = get("Content-Length")
        cl = int(cl_text) if cl_text is not None and cl_text.isdigit() else None
        self._values = values
        if quiet:
            return cl

        def bad(message: str, kind: str = "header") -> None:
            self.problem(rec.offset, message, kind, rec)

        if version in OLD_WARC_VERSIONS:
            if version not in self.versions_noted:  # once per file, not once per record
                self.versions_noted.add(version)
                self.problem(rec.offset, f"{version} is a draft from before the ISO standard "
                             "(WARC/1.0, 2009); its records are read as WARC/1.0 records",
                             "header", rec, severity=WARNING)
        elif version not in WARC_VERSIONS:
            bad(f"unknown WARC version {version!r} (expected WARC/1.0 or WARC/1.1)")
        for raw in bad_lines:
            bad(f"malformed header line {_show(raw, 60)}: expected 'Name: value'")
        for name in MANDATORY:
            if name.lower() not in values:
                bad(f"missing mandatory field {name}")
        for name in SINGLE:
            n = len(values.get(name.lower(), []))
            if n > 1:
                bad(f"field {name} appears {n} times")
        if cl_text is not None and cl is None:
            bad(f"malformed Content-Length {cl_text!r}: must be a non-negative integer")
        if rec.record_id is not None and not RECORD_ID_RE.fullmatch(rec.record_id):
            bad(f"malformed WARC-Record-ID {rec.record_id!r}: must be <uri>")
        for name in ID_FIELDS:
            for value in values.get(name.lower(), []):
                if not RECORD_ID_RE.fullmatch(value):
                    bad(f"malformed {name} {value!r}: must be <uri>")
        rule = ("YYYY-MM-DDThh:mm:ssZ" if version == "WARC/1.0"
                else "YYYY-MM-DDThh:mm:ss[.fraction]Z")
        for name, value in (("WARC-Date", rec.date), ("WARC-Refers-To-Date", rec.refers_to_date)):
            if value is not None and _parse_date(value, version) is None:
                bad(f"malformed {name} {value!r}: {version} requires {rule}")
        if rec.rec_type in NEEDS_TARGET and not rec.target:
            bad(f"missing WARC-Target-URI (mandatory for {rec.rec_type} records)")
        for name, uri in (("WARC-Target-URI", rec.target),
                          ("WARC-Refers-To-Target-URI", rec.refers_to_target)):
            if uri and any(c.isspace() for c in uri):
                bad(f"{name} {uri!r} contains white space, which no URI may (RFC 3986: "
                    "it must be percent-encoded as %20)")
        if rec.rec_type == "revisit":
            if not rec.profile:
                bad("revisit record without WARC-Profile")
            elif rec.profile.endswith("identical-payload-digest") and not get(
                    "WARC-Payload-Digest"):
                bad("identical-payload-digest revisit without WARC-Payload-Digest")
        return cl

    def _digest(self, rec: RecordInfo, name: str) -> tuple[str, bytes, str, str] | None:
        value = self._values.get(name.lower(), [None])[0]
        if value is None:
            return None
        try:
            algo, raw, enc = parse_digest(value)
        except ValueError as exc:
            self.problem(rec.offset, f"{name}: {exc}", "digest", rec)
            return None
        return algo, raw, enc, value

    def _block(self, rec: RecordInfo, cl: int) -> int | None | bool:
        s = self.s
        assert s is not None
        block_digest = self._digest(rec, "WARC-Block-Digest")
        payload_digest = self._digest(rec, "WARC-Payload-Digest")
        if payload_digest:
            rec.payload_digest = (payload_digest[0], payload_digest[1])
        ctype = (self._values.get("content-type", [""])[0] or "").lower()
        http = rec.rec_type in ("response", "request", "revisit") and (
            ctype.startswith("application/http")
            or (not ctype and (rec.target or "").startswith(("http:", "https:"))))
        check_payload = (payload_digest is not None and rec.rec_type != "revisit"
                         and "warc-segment-number" not in self._values)
        hashes = _BlockHashes(block_digest[0] if block_digest else None,
                              payload_digest[0] if check_payload and payload_digest else None,
                              http)
        block_start = s.pos
        got = 0
        tail = b""
        while got < cl:
            data = s.read(min(CHUNK, cl - got))
            if not data:
                break
            hashes.feed(data)
            got += len(data)
            tail = (tail + data)[-8:]
        trailer = s.read(4) if got == cl else b""
        got += len(trailer)
        tail = (tail + trailer)[-8:]
        if got < cl + 4:
            nxt = self.misframed(rec, cl, block_start, got, tail)
            self.drop(rec, nxt, "incomplete record")
            return nxt
        if trailer != b"\r\n\r\n":
            nxt = self.misframed(rec, cl, block_start, got, trailer)
            self.drop(rec, nxt, "Content-Length does not match the data")
            return nxt
        after = s.peek(5)
        if after and not after.startswith(b"WARC/") and not b"WARC/".startswith(after):
            # Something other than a record follows: a too-short Content-Length if a record
            # (or the member end) follows a CRLFCRLF further on, else garbage after this one.
            nxt, before = self.scan(block_start)
            if nxt is not None and before == b"\r\n\r\n" and nxt - 4 - block_start > cl:
                self.problem(rec.offset, f"Content-Length {cl} too short: the block is "
                             f"{nxt - 4 - block_start} bytes (where the next record starts)",
                             rec=rec)
                self.drop(rec, nxt, "Content-Length does not match the data")
                return nxt
            s.seek(block_start + cl + 4)
        rec.d_end = block_start + cl + 4
        if s.gzipped:
            if s.at_member_end():
                status, _c0, c1, detail = s.end_status()
                if status != "ok":
                    self.problem(rec.offset, f"record complete but {detail}", "gzip", rec)
                    self.drop(rec, s.pos, "gzip member damaged")
                    return s.pos
                rec.c_end = c1
            else:
                rec.aligned = False
        else:
            rec.c_end = rec.d_end
        rec.complete = True
        self.events.append((rec.offset, rec.d_start, len(self.events), "rec"))
        hashes.finish()
        self._check_digests(rec, hashes, block_digest, payload_digest if check_payload else None)
        return False

    def _check_digests(self, rec: RecordInfo, hashes: _BlockHashes,
                       block_digest: tuple[str, bytes, str, str] | None,
                       payload_digest: tuple[str, bytes, str, str] | None) -> None:
        if block_digest and hashes.block is not None:
            algo, raw, enc, value = block_digest
            got = hashes.block.digest()
            if got != raw:
                self.problem(rec.offset, f"WARC-Block-Digest mismatch: header {value}, computed "
                             f"{format_digest(algo, got, enc)}", "digest", rec)
        if payload_digest and hashes.payload is not None:
            algo, raw, enc, value = payload_digest
            stored = hashes.payload.digest()
            dechunked = hashes.dechunked.digest() if hashes.dechunked is not None else None
            if raw not in (stored, dechunked):
                msg = (f"WARC-Payload-Digest mismatch: header {value}, computed "
                       f"{format_digest(algo, stored, enc)}")
                if dechunked is not None:
                    msg += (f" over the stored chunked body, {format_digest(algo, dechunked, enc)}"
                            " de-chunked")
                self.problem(rec.offset, msg, "digest", rec)


# --------------------------------------------------------------------------------------------
# the checker


def is_open_name(path: str) -> bool:
    """A writer's in-progress name (``*.open``)."""
    return path.endswith(OPEN_SUFFIX)


def expand_inputs(paths: Iterable[str]) -> list[str]:
    """Names of the files to check (:func:`archive.warc.inputs.expand`): given files, archive
    files and ``*.open`` files under given directories, the ``*.warc.open``/``*.warc.gz.open``
    files lying beside given files, and the WARCs inside given WACZ packages."""
    from archive.warc.inputs import expand

    return [found.name for found in expand(paths, walk_open=True, open_beside=True,
                                           missing_ok=True)]


class Checker:
    """Check a set of WARC files, each on its own and then their records against each other.

    ``Checker(paths).run()`` returns the FileReports; ``problems`` lists every problem found,
    in file order then offset order.
    """

    def __init__(self, inputs: Sequence[str]) -> None:
        self.inputs = list(inputs)
        self.reports: list[FileReport] = []

    @property
    def problems(self) -> list[Problem]:
        """All problems of all files."""
        return [p for r in self.reports for p in r.problems]

    def run(self) -> list[FileReport]:
        """Check every input (directories and WACZ packages expanded, see
        :func:`archive.warc.inputs.expand`), then the cross-file references."""
        from archive.warc.inputs import expand

        self.reports = []
        for found in expand(self.inputs, walk_open=True, open_beside=True, missing_ok=True):
            if found.problem:
                report = FileReport(found.name, readable=False)
                report.problems.append(Problem(found.name, None, None, found.problem, "file"))
                self.reports.append(report)
                continue
            report = self.check_file(str(found.path), name=found.name)
            if found.package is not None:
                report.package = str(found.package)
            self.reports.append(report)
        cross_check(self.reports)
        return self.reports

    @staticmethod
    def check_file(path: str, name: str | None = None) -> FileReport:
        """Check one file on its own (no cross-file reference checks); reported under
        ``name`` (default: ``path``)."""
        name = name or path
        report = FileReport(name, source=path if name != path else None)
        if is_open_name(path):
            report.unclosed = True
            report.problems.append(Problem(
                name, 0, None, "not closed: writer died or still running (.open file)", "file"))
        try:
            with open(path, "rb") as fh:
                Checker._walk(fh, report)
        except OSError as exc:
            report.readable = False
            report.problems.append(Problem(name, None, None, f"cannot read: {exc}", "file"))
        return report

    @staticmethod
    def check_stream(fh: BinaryIO, name: str) -> FileReport:
        """Check one seekable binary stream, reported under ``name``."""
        report = FileReport(name)
        if is_open_name(name):
            report.unclosed = True
            report.problems.append(Problem(
                name, 0, None, "not closed: writer died or still running (.open file)", "file"))
        Checker._walk(fh, report)
        return report

    @staticmethod
    def _walk(fh: BinaryIO, report: FileReport) -> None:
        walker = _Walker(fh, report)
        try:
            walker.walk()
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - a checker must report, never crash
            offset = walker.s.pos if walker.s is not None and not walker.s.gzipped else None
            report.problems.append(Problem(
                report.path, offset, None,
                f"internal error while checking ({type(exc).__name__}: {exc}); "
                "the rest of the file was not checked", "file"))
            report.incomplete_tail = True


def cross_check(reports: Sequence[FileReport]) -> None:
    """Reference checks over all records of all reports; problems go to each record's file.

    A duplicate record id and a revisit that contradicts its original are errors; a record
    whose partner or original is simply not among the given files is a warning: the WARC
    standard asks for neither pairs nor references within one file (a revisit's original is
    usually in an earlier crawl's file, a cut or rotated file splits pairs).
    """
    by_file = {r.path: r for r in reports}
    by_id: dict[str, RecordInfo] = {}

    def bad(rec: RecordInfo, message: str, severity: str = ERROR) -> None:
        by_file[rec.file].problems.append(Problem(
            rec.file, rec.offset, rec.record_id, message, "reference", rec.rec_type, severity))

    def note(rec: RecordInfo, message: str) -> None:
        bad(rec, message, WARNING)

    arc = {r.path for r in reports if r.format == "ARC"}
    records = [rec for r in reports for rec in r.records
               if rec.rec_type is not None and rec.file not in arc]
    for rec in records:
        if rec.record_id is None:
            continue
        first = by_id.get(rec.record_id)
        if first is None:
            by_id[rec.record_id] = rec
        else:
            wget = all((r.target or "").startswith(_WGET_METADATA) for r in (first, rec))
            bad(rec, f"duplicate WARC-Record-ID (first at {first.file}: offset {first.offset})"
                + (": older wget versions write their MANIFEST.txt and wget_arguments.txt "
                   "records with one id" if wget else ""))

    paired: set[int] = set()
    for rec in records:
        for other_id in rec.concurrent_to:
            other = by_id.get(other_id)
            if other is None:
                continue
            pair = {rec.rec_type, other.rec_type}
            if pair in ({"request", "response"}, {"request", "revisit"}):
                paired.add(id(rec))
                paired.add(id(other))

    digests: dict[tuple[str, bytes, str | None], list[RecordInfo]] = {}
    by_uri: dict[str | None, list[RecordInfo]] = {}
    for rec in records:
        if rec.rec_type in ("response", "resource"):
            key = _uri_key(rec.target)
            by_uri.setdefault(key, []).append(rec)
            if rec.payload_digest:
                digests.setdefault((*rec.payload_digest, key), []).append(rec)

    for rec in records:
        http = (rec.target or "").startswith(("http:", "https:"))
        if rec.rec_type == "response" and http and id(rec) not in paired:
            note(rec, "response without its request: no request record with "
                 "WARC-Concurrent-To naming it (and its own WARC-Concurrent-To names no "
                 "request) in the given files")
        elif rec.rec_type == "request" and id(rec) not in paired:
            names = ", ".join(rec.concurrent_to) or "nothing"
            note(rec, f"request without its response: WARC-Concurrent-To names {names}, "
                 "which is no response or revisit in the given files")
        if rec.rec_type not in ("request", "response"):
            for other_id in rec.concurrent_to:
                if other_id not in by_id:
                    note(rec, f"WARC-Concurrent-To {other_id} points at no record in the "
                         "given files")
        if rec.warcinfo_id and rec.warcinfo_id not in by_id:
            note(rec, f"WARC-Warcinfo-ID {rec.warcinfo_id} points at no record in the given "
                 "files")
        if rec.rec_type == "revisit":
            _check_revisit(rec, by_id, digests, by_uri, bad)
        elif rec.refers_to and rec.refers_to not in by_id:
            note(rec, f"{rec.rec_type} WARC-Refers-To {rec.refers_to} points at no record in "
                 "the given files")
    for report in reports:
        report.problems.sort(key=lambda p: (p.offset if p.offset is not None else -1))


_WGET_METADATA = "metadata://gnu.org/software/wget/"


def _uri_key(uri: str | None) -> str | None:
    """The key a replay tool looks a URI up by: pywb's SURT form (scheme, ``www.``, case,
    default port and query order folded), so that an https revisit finds its http original
    with the same payload, as pywb finds it."""
    if not uri:
        return uri
    from archive.warc.indexer import surt_key

    return surt_key(uri)


def _date_key(value: str) -> tuple[datetime, Fraction] | None:
    when = _parse_date(value, None)
    if when is None:
        return None
    frac = value.rstrip("Z").partition(".")[2]
    return when, Fraction(int(frac or "0"), 10 ** len(frac or "0"))


def _same_date(a: str | None, b: str | None) -> bool:
    """Equal WARC-Dates (``...:05Z`` equals ``...:05.000Z``); True if either is absent."""
    if a is None or b is None:
        return True
    ka, kb = _date_key(a), _date_key(b)
    return a == b if ka is None or kb is None else ka == kb


def _check_revisit(rec: RecordInfo, by_id: dict[str, RecordInfo],
                   digests: dict[tuple[str, bytes, str | None], list[RecordInfo]],
                   by_uri: dict[str | None, list[RecordInfo]],
                   bad: Callable[..., None]) -> None:
    """A revisit's original should be among the given files (a warning when it is not) and
    must agree with the revisit (an error when it does not)."""
    target = rec.refers_to_target or rec.target
    identical = (rec.profile or "").endswith("identical-payload-digest")
    if rec.refers_to:
        orig = by_id.get(rec.refers_to)
        if orig is None:
            bad(rec, f"revisit's original WARC-Refers-To {rec.refers_to} is not in the given "
                "files", WARNING)
            return
        if rec.refers_to_target and orig.target and rec.refers_to_target != orig.target:
            bad(rec, f"WARC-Refers-To-Target-URI {rec.refers_to_target} differs from the "
                f"original's WARC-Target-URI {orig.target}")
        if not _same_date(rec.refers_to_date, orig.date):
            bad(rec, f"WARC-Refers-To-Date {rec.refers_to_date} differs from the original's "
                f"WARC-Date {orig.date}")
        if (identical and rec.payload_digest and orig.payload_digest
                and rec.payload_digest[0] == orig.payload_digest[0]
                and rec.payload_digest != orig.payload_digest):
            bad(rec, "revisit WARC-Payload-Digest differs from the original's "
                f"{format_digest(*orig.payload_digest)}")
        return
    key = _uri_key(target)
    if identical:
        if not rec.payload_digest:
            return  # reported as a header problem
        if not digests.get((*rec.payload_digest, key)):
            bad(rec, f"revisit's original is not in the given files: no response for {target} "
                f"with WARC-Payload-Digest {format_digest(*rec.payload_digest)}", WARNING)
        return
    candidates = [r for r in by_uri.get(key, []) if _same_date(rec.refers_to_date, r.date)]
    if not candidates:
        when = f" dated {rec.refers_to_date}" if rec.refers_to_date else ""
        bad(rec, f"revisit's original is not in the given files: no response for "
            f"{target}{when}", WARNING)
