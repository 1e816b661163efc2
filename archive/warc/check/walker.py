"""One file under ``check``: its format told by its bytes, then its records walked in order.

:class:`Walker` opens the file's :class:`~archive.warc.check.framing.MemberStream`, names what
is no WARC (empty, other compressions), hands each record to the WARC rules
(:mod:`archive.warc.check.warcrecord`) or the whole file to the ARC rules
(:mod:`archive.warc.check.arc`), and finally reports the damaged members and the garbage no
record claimed, and whether the file ends in a stretch a repair would drop.
"""

from __future__ import annotations

import os
import re
from typing import BinaryIO

from archive.warc.check.arc import ArcWalker
from archive.warc.check.framing import CHUNK, GZIP_MAGIC, MemberStream
from archive.warc.check.report import ERROR, Dropped, FileReport, Problem, RecordInfo
from archive.warc.check.warcrecord import WarcRecordChecker
from archive.warc.inputs import OPEN_SUFFIX

ARC_MAGIC = b"filedesc://"
#: other compressions a WARC is sometimes found in: named, not walked as plain bytes
OTHER_COMPRESSION = ((b"\x04\x22\x4d\x18", "LZ4 (frame format)"),
                     (b"\x28\xb5\x2f\xfd", "zstd"), (b"BZh", "bzip2"),
                     (b"\xfd7zXZ", "xz"))
RECORD_START_RE = re.compile(rb"WARC/\d+\.\d+\r?\n")


class Walker:
    """Checks the records of one file in order; fills a FileReport."""

    def __init__(self, fh: BinaryIO, report: FileReport) -> None:
        self.fh = fh
        self.report = report
        self.name = report.path
        self.s: MemberStream | None = None
        self.multi_noted: set[int] = set()
        self.events: list[tuple[int, int, int, str]] = []  # (offset, d, seq, "rec"|"drop")

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
        for prefix, what in OTHER_COMPRESSION:
            if magic.startswith(prefix):
                self.problem(0, f"compressed with {what}, which WARC readers do not read (only "
                             "gzip, one member per record): decompress it first", "file")
                return
        magic = magic[:3]
        gz = self.report.gzipped = magic == GZIP_MAGIC
        if self.name.removesuffix(OPEN_SUFFIX).endswith(".gz") and not gz:
            self.problem(0, "named .gz but not gzip data", "file")
        s = self.s = MemberStream(fh, gz, size)
        if s.peek(len(ARC_MAGIC)) == ARC_MAGIC:
            ArcWalker(self).walk()
            self.finish()
            return
        records = WarcRecordChecker(self)
        while True:
            s.cross_at = s.pos
            if not s.peek(1):
                break
            start = s.pos
            resync = records.record(start)
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
